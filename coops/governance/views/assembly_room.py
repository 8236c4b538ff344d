"""The meeting room: attendance and quorum, and each item's page with its double speaking
list (live through htmx polling, a refresh link without JavaScript), notes and vote."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import can, require

from ..forms_assemblies import (
    AttendanceForm,
    ItemRecordForm,
    OpenVoteForm,
    SpeakerAddForm,
    members_of,
)
from ..models import AssemblyStatus
from ..selectors.assemblies import assembly_quorum, attendance_sheet, live_items, speaking_state
from ..services import agenda as agenda_services
from ..services import attendance as attendance_services
from ..services import speaking as speaking_services
from ._assembly_common import assembly_or_404, form_error, is_htmx, item_or_404, refuse
from ._common import render_page, url

# --- Attendance ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = assembly_or_404(request, pk, "governance.organise")
    form = AttendanceForm(request.POST or None, group=request.group)
    status = 200
    if request.method == "POST":
        user = get_object_or_404(members_of(request.group).model, pk=request.POST.get("user"))
        if form.is_valid():
            try:
                attendance_services.attendance_record(
                    assembly=assembly,
                    acting_user=request.user,
                    user=user,
                    status=form.cleaned_data["status"],
                    proxy_holder=form.cleaned_data["proxy_holder"],
                )
            except ValidationError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request, _("Attendance of %(name)s recorded.") % {"name": user.public_name}
                )
                return redirect(url(request, "assembly_attendance", pk=pk) + f"#member-{user.pk}")
        status = 400
    rows = attendance_sheet(assembly=assembly)
    return render_page(
        request,
        "assembly_attendance.html",
        assembly=assembly,
        rows=rows,
        quorum=assembly_quorum(assembly=assembly),
        form=form,
        statuses=form.fields["status"].choices,
        # A holder must be present: only present members are offered.
        present=[r.user for r in rows if r.attendance and r.attendance.status == "present"],
        editable=assembly.status in (AssemblyStatus.SCHEDULED, AssemblyStatus.IN_PROGRESS),
        status=status,
    )


# --- The item's room -------------------------------------------------------------------------


def _speaking_context(request: HttpRequest, item) -> dict:
    state = speaking_state(item=item)
    return {
        "item": item,
        "assembly": item.assembly,
        "state": state,
        "my_rank": state.rank_of(request.user),
        "live": item.assembly.status == AssemblyStatus.IN_PROGRESS,
        "can_participate": can(request.user, "governance.participate", request.group),
    }


@login_required
@require_GET
def room(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assembly = assembly_or_404(request, pk)
    item = item_or_404(request, assembly, item_pk)
    organiser = can(request.user, "governance.organise", request.group)
    vote_initial = {"title": item.title, "body": item.description, "method": "consent"}
    return render_page(
        request,
        "assembly_room.html",
        items=live_items(assembly=assembly),
        quorum=assembly_quorum(assembly=assembly),
        add_form=SpeakerAddForm(group=request.group) if organiser else None,
        record_form=ItemRecordForm(
            initial={
                "notes": item.notes,
                "outcome": item.outcome,
                "discussed": item.status == "discussed",
            }
        )
        if organiser
        else None,
        vote_form=OpenVoteForm(initial=vote_initial) if organiser and not item.proposal else None,
        **_speaking_context(request, item),
    )


@login_required
@require_GET
def speaking(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The speaking list alone, polled by htmx: 204 (nothing to swap) while unchanged."""
    assembly = assembly_or_404(request, pk)
    item = item_or_404(request, assembly, item_pk)
    context = _speaking_context(request, item)
    if request.GET.get("v") == context["state"].version:
        return HttpResponse(status=204)
    return render_page(request, "_speaking.html", **context)


def _after(request: HttpRequest, item, exc: ValidationError | None = None) -> HttpResponse:
    """htmx gets the fresh list (with the error, if any); a plain form post is redirected."""
    if is_htmx(request):
        context = _speaking_context(request, item)
        context["errors"] = exc.messages if exc else []
        # 200 even for a refusal: htmx swaps only 2xx, and the message shows in place.
        return render_page(request, "_speaking.html", **context)
    to = url(request, "assembly_room", pk=item.assembly.pk, item_pk=item.pk) + "#speaking"
    if exc:
        return refuse(request, exc, to)
    return redirect(to)


def _speaking_action(request: HttpRequest, pk: int, item_pk: int, action: str, call):
    require(request.user, action, request.group)
    assembly = assembly_or_404(request, pk, action)
    item = item_or_404(request, assembly, item_pk)
    try:
        call(item)
    except ValidationError as exc:
        return _after(request, item, exc)
    return _after(request, item)


@login_required
@require_POST
def hand_raise(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    return _speaking_action(
        request,
        pk,
        item_pk,
        "governance.participate",
        lambda item: speaking_services.speaking_hand_raise(item=item, acting_user=request.user),
    )


@login_required
@require_POST
def hand_lower(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    return _speaking_action(
        request,
        pk,
        item_pk,
        "governance.participate",
        lambda item: speaking_services.speaking_hand_lower(item=item, acting_user=request.user),
    )


@login_required
@require_POST
def speaker_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    def add(item):
        form = SpeakerAddForm(request.POST, group=request.group)
        if not form.is_valid():
            raise ValidationError(_("Choose a member of the group."))
        speaking_services.speaking_add(
            item=item, acting_user=request.user, user=form.cleaned_data["user"]
        )

    return _speaking_action(request, pk, item_pk, "governance.organise", add)


@login_required
@require_POST
def speaker_next(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    seen = request.POST.get("seen", "")

    def call(item):
        seen_id = int(seen) if seen.isdigit() else None
        speaking_services.speaking_call_next(
            item=item, acting_user=request.user, seen_speaker_id=seen_id
        )

    return _speaking_action(request, pk, item_pk, "governance.organise", call)


@login_required
@require_POST
def speaker_done(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    return _speaking_action(
        request,
        pk,
        item_pk,
        "governance.organise",
        lambda item: speaking_services.speaking_done(item=item, acting_user=request.user),
    )


# --- Notes and the vote ----------------------------------------------------------------------


@login_required
@require_POST
def item_record(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assembly = assembly_or_404(request, pk, "governance.organise")
    item = item_or_404(request, assembly, item_pk)
    form = ItemRecordForm(request.POST)
    to = url(request, "assembly_room", pk=pk, item_pk=item_pk)
    if not form.is_valid():
        return refuse(request, ValidationError(_("Check the notes.")), to)
    try:
        agenda_services.agenda_item_record(item=item, acting_user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return refuse(request, exc, to)
    messages.success(request, _("The notes are saved."))
    return redirect(to + "#record")


@login_required
@require_POST
def open_vote(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assembly = assembly_or_404(request, pk, "governance.organise")
    item = item_or_404(request, assembly, item_pk)
    to = url(request, "assembly_room", pk=pk, item_pk=item_pk)
    fields = {}
    if item.proposal_id is None:
        form = OpenVoteForm(request.POST)
        if not form.is_valid():
            errors = [
                f"{form.fields[f].label if f in form.fields else ''} {e}".strip()
                for f, es in form.errors.items()
                for e in es
            ]
            return refuse(request, ValidationError(errors), to + "#vote")
        fields = form.proposal_fields()
    try:
        proposal = agenda_services.agenda_item_open_vote(
            item=item, acting_user=request.user, **fields
        )
    except ValidationError as exc:
        return refuse(request, exc, to + "#vote")
    messages.success(request, _("The vote is open: “%(title)s”.") % {"title": proposal.title})
    return redirect(to + "#vote")
