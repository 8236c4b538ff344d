"""Assembly pages: the list, scheduling and editing, the agenda (items, order, deferral),
and the calendar file. The meeting room and the minutes are in assembly_room and
assembly_minutes; every assembly URL is listed in `urlpatterns` here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import can, require

from .. import ics
from ..forms_assemblies import AgendaItemForm, AssemblyForm
from ..models import AssemblyStatus
from ..selectors.assemblies import agenda_of, assemblies_of, assembly_next, assembly_quorum
from ..services import agenda as agenda_services
from ..services import assemblies as services
from ..services.agenda import cutoff_text
from . import assembly_minutes, assembly_room
from ._assembly_common import assembly_or_404, form_error, item_or_404, refuse
from ._common import render_page, url


@login_required
@require_GET
def assembly_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "governance.view", request.group)
    return render_page(request, "assembly_list.html", **assemblies_of(group=request.group))


def _service_kwargs(form: AssemblyForm) -> dict:
    d = form.cleaned_data
    return {name: d[name] for name in AssemblyForm.base_fields}


@login_required
@require_http_methods(["GET", "POST"])
def assembly_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "governance.organise", request.group)
    form = AssemblyForm(request.POST or None, group=request.group)
    if request.method == "POST" and form.is_valid():
        try:
            assembly = services.assembly_schedule(
                group=request.group, acting_user=request.user, **_service_kwargs(form)
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The assembly is scheduled and the members convened."))
            return redirect(url(request, "assembly_detail", pk=assembly.pk))
    return render_page(request, "assembly_form.html", form=form, assembly=None)


@login_required
@require_http_methods(["GET", "POST"])
def assembly_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = assembly_or_404(request, pk, "governance.organise")
    form = AssemblyForm(
        request.POST or None, group=request.group, initial=AssemblyForm.initial_from(assembly)
    )
    if assembly.status != AssemblyStatus.SCHEDULED:
        messages.error(request, _("Only a scheduled assembly can be changed."))
        return redirect(url(request, "assembly_detail", pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.assembly_update(
                assembly=assembly, acting_user=request.user, **_service_kwargs(form)
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The assembly is saved."))
            return redirect(url(request, "assembly_detail", pk=pk))
    return render_page(request, "assembly_form.html", form=form, assembly=assembly)


def _state(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    assembly = assembly_or_404(request, pk, "governance.organise")
    try:
        service(assembly=assembly, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, url(request, "assembly_detail", pk=pk))
    messages.success(request, done)
    return redirect(url(request, "assembly_detail", pk=pk))


@login_required
@require_POST
def assembly_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _state(
        request, pk, services.assembly_cancel, _("The assembly is cancelled; members are told.")
    )


@login_required
@require_POST
def assembly_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _state(request, pk, services.assembly_start, _("The assembly is open."))


@login_required
@require_POST
def assembly_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _state(request, pk, services.assembly_close, _("The assembly is closed."))


@login_required
@require_GET
def assembly_ics(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = assembly_or_404(request, pk)
    response = HttpResponse(ics.assembly_ics(assembly), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="assembly-{assembly.pk}.ics"'
    return response


# --- The agenda ------------------------------------------------------------------------------


def _detail(request: HttpRequest, assembly, form=None, refused_late: bool = False, status=200):
    """The assembly's page: its agenda, with the form to add an item (and, when a late
    item was refused, the offer to put it on the next assembly whose agenda is open)."""
    can_participate = can(request.user, "governance.participate", request.group)
    return render_page(
        request,
        "assembly_detail.html",
        status=status,
        assembly=assembly,
        items=agenda_of(assembly=assembly),
        quorum=assembly_quorum(assembly=assembly),
        form=form or AgendaItemForm(),
        can_participate=can_participate,
        can_add=assembly.status in (AssemblyStatus.SCHEDULED, AssemblyStatus.IN_PROGRESS)
        and (assembly.agenda_open or can(request.user, "governance.organise", request.group)),
        cutoff=cutoff_text(assembly),
        refused_late=refused_late,
        next_open=assembly_next(assembly=assembly, open_agenda=True) if refused_late else None,
    )


@login_required
@require_GET
def assembly_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, assembly_or_404(request, pk))


@login_required
@require_POST
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = assembly_or_404(request, pk, "governance.participate")
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            agenda_services.agenda_item_propose(
                assembly=assembly, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_error(form, exc)
            late = getattr(exc, "code", None) == "agenda_closed"
            return _detail(request, assembly, form, refused_late=late, status=400)
        messages.success(request, _("The item is on the agenda."))
        return redirect(url(request, "assembly_detail", pk=pk) + "#agenda")
    return _detail(request, assembly, form, status=400)


def _item_action(request: HttpRequest, pk: int, item_pk: int, action) -> HttpResponse:
    assembly = assembly_or_404(request, pk)
    item = item_or_404(request, assembly, item_pk)
    try:
        message = action(item)
    except ValidationError as exc:
        return refuse(request, exc, url(request, "assembly_detail", pk=pk) + "#agenda")
    if message:
        messages.success(request, message)
    return redirect(url(request, "assembly_detail", pk=pk) + f"#item-{item_pk}")


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    require(request.user, "governance.organise", request.group)
    direction = request.POST.get("direction", "")

    def move(item):
        agenda_services.agenda_item_move(item=item, acting_user=request.user, direction=direction)

    return _item_action(request, pk, item_pk, move)


@login_required
@require_POST
def agenda_item_defer(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    require(request.user, "governance.organise", request.group)

    def defer(item):
        copy = agenda_services.agenda_item_defer(item=item, acting_user=request.user)
        return _("The item is moved to “%(title)s”.") % {"title": copy.assembly.title}

    return _item_action(request, pk, item_pk, defer)


@login_required
@require_POST
def agenda_item_withdraw(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    require(request.user, "governance.participate", request.group)

    def withdraw(item):
        agenda_services.agenda_item_withdraw(item=item, acting_user=request.user)
        return _("The item is withdrawn from the agenda.")

    return _item_action(request, pk, item_pk, withdraw)


A = "assemblies/<int:pk>/"
I = A + "items/<int:item_pk>/"  # noqa: E741

urlpatterns = [
    path("assemblies/", assembly_list, name="assembly_list"),
    path("assemblies/new/", assembly_create, name="assembly_create"),
    path(A, assembly_detail, name="assembly_detail"),
    path(A + "edit/", assembly_edit, name="assembly_edit"),
    path(A + "cancel/", assembly_cancel, name="assembly_cancel"),
    path(A + "start/", assembly_start, name="assembly_start"),
    path(A + "close/", assembly_close, name="assembly_close"),
    path(A + "calendar.ics", assembly_ics, name="assembly_ics"),
    path(A + "items/", agenda_item_add, name="agenda_item_add"),
    path(I + "move/", agenda_item_move, name="agenda_item_move"),
    path(I + "defer/", agenda_item_defer, name="agenda_item_defer"),
    path(I + "withdraw/", agenda_item_withdraw, name="agenda_item_withdraw"),
    path(A + "attendance/", assembly_room.attendance, name="assembly_attendance"),
    path(I, assembly_room.room, name="assembly_room"),
    path(I + "speaking/", assembly_room.speaking, name="assembly_speaking"),
    path(I + "hand/", assembly_room.hand_raise, name="assembly_hand_raise"),
    path(I + "hand/lower/", assembly_room.hand_lower, name="assembly_hand_lower"),
    path(I + "speaking/add/", assembly_room.speaker_add, name="assembly_speaker_add"),
    path(I + "speaking/next/", assembly_room.speaker_next, name="assembly_speaker_next"),
    path(I + "speaking/done/", assembly_room.speaker_done, name="assembly_speaker_done"),
    path(I + "record/", assembly_room.item_record, name="assembly_item_record"),
    path(I + "vote/", assembly_room.open_vote, name="assembly_open_vote"),
    path(A + "minutes/", assembly_minutes.minutes, name="assembly_minutes"),
    path(A + "minutes.md", assembly_minutes.minutes_md, name="assembly_minutes_md"),
    path(A + "minutes.pdf", assembly_minutes.minutes_pdf, name="assembly_minutes_pdf"),
    path(A + "minutes/notes/", assembly_minutes.notes, name="assembly_minutes_notes"),
    path(A + "minutes/submit/", assembly_minutes.submit, name="assembly_minutes_submit"),
]
