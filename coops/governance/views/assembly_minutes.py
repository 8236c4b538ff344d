"""The minutes of an assembly: printable page, Markdown and PDF downloads, the general
notes, and submitting them for approval at the next assembly."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..forms_assemblies import MinutesNotesForm
from ..minutes import minutes_filename, minutes_markdown, minutes_of
from ..minutes_pdf import minutes_pdf as pdf_of
from ..models import AssemblyStatus, Proposal
from ..selectors.assemblies import assembly_next
from ..services import agenda as agenda_services
from ._assembly_common import assembly_or_404, refuse
from ._common import render_page, url


@login_required
@require_GET
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = assembly_or_404(request, pk)
    pending = (
        Proposal.objects.filter(
            group=request.group,
            motion_type=agenda_services.MINUTES_MOTION,
            motion_data__assembly=assembly.pk,
        )
        .order_by("-pk")
        .first()
    )
    return render_page(
        request,
        "minutes.html",
        assembly=assembly,
        m=minutes_of(assembly),
        notes_form=MinutesNotesForm(initial={"notes": assembly.minutes_notes}),
        pending=pending,
        can_submit=assembly.status == AssemblyStatus.CLOSED
        and assembly.minutes_approved_at is None
        and (pending is None or pending.status in agenda_services.RESUBMITTABLE)
        and assembly_next(assembly=assembly) is not None,
    )


def _download(assembly, content: bytes | str, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = minutes_filename(assembly, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def minutes_md(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = assembly_or_404(request, pk)
    text = minutes_markdown(minutes_of(assembly))
    return _download(assembly, text, "text/markdown; charset=utf-8", "md")


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = assembly_or_404(request, pk)
    return _download(assembly, pdf_of(minutes_of(assembly)), "application/pdf", "pdf")


@login_required
@require_POST
def notes(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = assembly_or_404(request, pk, "governance.organise")
    form = MinutesNotesForm(request.POST)
    to = url(request, "assembly_minutes", pk=pk)
    if not form.is_valid():
        return refuse(request, ValidationError(_("Check the notes.")), to)
    try:
        agenda_services.assembly_notes_record(
            assembly=assembly, acting_user=request.user, notes=form.cleaned_data["notes"]
        )
    except ValidationError as exc:
        return refuse(request, exc, to)
    messages.success(request, _("The notes are saved."))
    return redirect(to)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = assembly_or_404(request, pk, "governance.organise")
    to = url(request, "assembly_minutes", pk=pk)
    try:
        item = agenda_services.minutes_submit(assembly=assembly, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, to)
    messages.success(
        request,
        _("The approval of the minutes is on the agenda of “%(title)s”.")
        % {"title": item.assembly.title},
    )
    return redirect(to)
