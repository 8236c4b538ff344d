"""Pages: dispatch (jobs waiting for a worker, offers waiting for an answer, a job's
ranked candidates and the manual assignment) and the documents organisers check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coops.core.permissions import can, require

from ..forms_workers import AssignForm, DocumentCheckForm
from ..models import Job, WorkerDocument
from ..selectors.dispatch import dispatch_board, ranked_candidates
from ..selectors.workers import documents_to_check
from ..services import dispatch as dispatch_services
from ..services import workers as worker_services
from ._common import render_page, url
from .workers import refuse


def _board_context(request: HttpRequest) -> dict:
    group = request.group
    board = dispatch_board(group)
    organiser = can(request.user, "ondemand.organise", group)
    return {
        "board": board,
        "documents": list(documents_to_check(group)) if organiser else [],
        "check_form": DocumentCheckForm() if organiser else None,
    }


@login_required
@require_GET
def dispatch_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "ondemand.dispatch", request.group)
    dispatch_services.dispatch_catch_up(group=request.group)
    return render_page(
        request, "dispatch.html", section="dispatch", here=_("Dispatch"), **_board_context(request)
    )


@login_required
@require_GET
def dispatch_live(request: HttpRequest) -> HttpResponse:
    """The waiting jobs and pending offers alone, polled by htmx: 204 while unchanged."""
    require(request.user, "ondemand.dispatch", request.group)
    dispatch_services.dispatch_catch_up(group=request.group)
    context = _board_context(request)
    if request.GET.get("v") == context["board"].version:
        return HttpResponse(status=204)
    return render_page(request, "_dispatch_live.html", **context)


def _job(request: HttpRequest, pk: int) -> Job:
    require(request.user, "ondemand.dispatch", request.group)
    return get_object_or_404(
        Job.objects.select_related("customer", "worker__user"), pk=pk, group=request.group
    )


@login_required
@require_GET
def dispatch_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    dispatch_services.offers_expire_due(group=request.group)
    job.refresh_from_db()
    return render_page(
        request,
        "dispatch_job.html",
        section="dispatch",
        here=_("Job #%(id)s") % {"id": job.pk},
        job=job,
        candidates=ranked_candidates(job) if job.status in dispatch_services.OPEN else [],
        offers=list(job.offers.select_related("worker__user").order_by("offered_at", "id")),
        form=AssignForm(group=request.group),
    )


@login_required
@require_POST
def job_assign(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    to = url(request, "dispatch_job", pk=job.pk)
    form = AssignForm(request.POST, group=request.group)
    if not form.is_valid():
        messages.error(request, _("Choose a free worker of the federation."))
        return redirect(to)
    worker = form.cleaned_data["worker"]
    try:
        dispatch_services.job_assign(job=job, worker=worker, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, to)
    messages.success(request, _("Job assigned to %(name)s.") % {"name": worker.user.public_name})
    return redirect(to)


@login_required
@require_POST
def document_check(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "ondemand.organise", request.group)
    document = get_object_or_404(
        WorkerDocument.objects.select_related("worker__group"), pk=pk, worker__group=request.group
    )
    to = url(request, "dispatch") + "#documents"
    form = DocumentCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to refuse the document."))
        return redirect(to)
    try:
        worker_services.document_check(
            document=document,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
            acting_user=request.user,
        )
    except ValidationError as exc:
        return refuse(request, exc, to)
    messages.success(request, _("Document checked."))
    return redirect(to)


urlpatterns = [
    path("dispatch/", dispatch_page, name="dispatch"),
    path("dispatch/live/", dispatch_live, name="dispatch_live"),
    path("dispatch/jobs/<int:pk>/", dispatch_job, name="dispatch_job"),
    path("dispatch/jobs/<int:pk>/assign/", job_assign, name="job_assign"),
    path("dispatch/documents/<int:pk>/check/", document_check, name="document_check"),
]
