"""Pages: the worker's page (register, online/offline, position, the offer waiting for
an answer, the current job, documents, the fairness formula with their numbers), the
offer and position endpoints, and the documents' files."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import can, require

from ..forms_workers import DeclineForm, DocumentForm, PositionForm, RegisterForm
from ..models import JobOffer, WorkerDocument
from ..selectors.workers import worker_of, worker_state
from ..services import dispatch as dispatch_services
from ..services import workers as worker_services
from ._common import render_page, url


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def refuse(request: HttpRequest, exc: ValidationError, to: str) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return redirect(to)


def _my_worker(request: HttpRequest):
    """The signed-in member's worker row (404 before they register)."""
    require(request.user, "ondemand.work", request.group)
    worker = worker_of(group=request.group, user=request.user)
    if worker is None:
        raise Http404(_("Register as a worker first."))
    return worker


def _context(request: HttpRequest, worker) -> dict:
    state = worker_state(worker)
    return {
        "state": state,
        "worker": worker,
        "position_form": PositionForm(
            initial={"lat": worker.lat, "lon": worker.lon} if worker.lat is not None else None
        ),
        "decline_form": DeclineForm(),
        "document_form": DocumentForm(),
    }


@login_required
@require_GET
def worker_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "ondemand.work", request.group)
    dispatch_services.dispatch_catch_up(group=request.group)
    worker = worker_of(group=request.group, user=request.user)
    if worker is None:
        return render_page(
            request, "worker_register.html", section="worker", form=RegisterForm(),
            here=_("My work"),
        )  # fmt: skip
    return render_page(
        request, "worker.html", section="worker", here=_("My work"), **_context(request, worker)
    )


@login_required
@require_GET
def worker_live(request: HttpRequest) -> HttpResponse:
    """The offer and the current job alone, polled by htmx: 204 while unchanged."""
    worker = _my_worker(request)
    dispatch_services.offers_expire_due(group=request.group)
    context = _context(request, worker)
    if request.GET.get("v") == context["state"].version:
        return HttpResponse(status=204)
    return render_page(request, "_worker_live.html", **context)


@login_required
@require_POST
def worker_register(request: HttpRequest) -> HttpResponse:
    require(request.user, "ondemand.work", request.group)
    form = RegisterForm(request.POST)
    if form.is_valid():
        try:
            worker_services.worker_register(
                group=request.group,
                user=request.user,
                vehicle=form.cleaned_data["vehicle"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            return refuse(request, exc, url(request, "worker"))
        messages.success(request, _("You are registered as a worker."))
        return redirect(url(request, "worker"))
    return render_page(
        request, "worker_register.html", section="worker", form=form, here=_("My work"),
        status=400,
    )  # fmt: skip


@login_required
@require_POST
def worker_online(request: HttpRequest) -> HttpResponse:
    worker = _my_worker(request)
    form = PositionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Share your position (or type it) to go online."))
        return redirect(url(request, "worker") + "#position")
    try:
        worker_services.worker_go_online(
            worker=worker,
            lat=form.cleaned_data["lat"],
            lon=form.cleaned_data["lon"],
            acting_user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, _("You cannot go online yet."))
        return refuse(request, exc, url(request, "worker"))
    # Jobs waiting for a worker may now find one.
    dispatch_services.waiting_jobs_dispatch(group=request.group)
    messages.success(request, _("You are online: jobs nearby will be offered to you."))
    return redirect(url(request, "worker"))


@login_required
@require_POST
def worker_offline(request: HttpRequest) -> HttpResponse:
    worker = _my_worker(request)
    worker_services.worker_go_offline(worker=worker, acting_user=request.user)
    messages.success(request, _("You are offline. Your position is no longer kept."))
    return redirect(url(request, "worker"))


def _position_input(request: HttpRequest) -> tuple[PositionForm, bool]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = {}
        return PositionForm(data if isinstance(data, dict) else {}), True
    return PositionForm(request.POST), False


@login_required
@require_POST
def worker_position(request: HttpRequest) -> HttpResponse:
    """The worker's position, from the page's script (JSON) or the form."""
    worker = _my_worker(request)
    form, as_json = _position_input(request)
    error = None
    if form.is_valid():
        try:
            worker = worker_services.worker_set_position(
                worker=worker,
                lat=form.cleaned_data["lat"],
                lon=form.cleaned_data["lon"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("This position is not valid.")
    if as_json:
        if error:
            return JsonResponse({"ok": False, "error": error}, status=400)
        return JsonResponse({"ok": True, "position_at": worker.position_at.isoformat()})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Position updated."))
    return redirect(url(request, "worker") + "#position")


def _offer(request: HttpRequest, pk: int) -> JobOffer:
    require(request.user, "ondemand.work", request.group)
    offer = get_object_or_404(
        JobOffer.objects.select_related("worker", "job"), pk=pk, job__group=request.group
    )
    if offer.worker.user_id != request.user.pk:
        raise PermissionDenied(_("This offer was made to another worker."))
    return offer


def _after_offer(request: HttpRequest, exc: ValidationError | None = None) -> HttpResponse:
    if is_htmx(request):
        worker = _my_worker(request)
        context = _context(request, worker)
        context["errors"] = exc.messages if exc else []
        # 200 even for a refusal: htmx swaps only 2xx, and the message shows in place.
        return render_page(request, "_worker_live.html", **context)
    if exc:
        return refuse(request, exc, url(request, "worker"))
    return redirect(url(request, "worker") + "#live")


@login_required
@require_POST
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    try:
        dispatch_services.offer_accept(offer=offer, acting_user=request.user)
    except ValidationError as exc:
        return _after_offer(request, exc)
    if not is_htmx(request):
        messages.success(request, _("The job is yours. Go to the pickup."))
    return _after_offer(request)


@login_required
@require_POST
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        dispatch_services.offer_decline(offer=offer, acting_user=request.user, reason=reason)
    except ValidationError as exc:
        return _after_offer(request, exc)
    if not is_htmx(request):
        messages.success(request, _("Offer declined: it goes to someone else."))
    return _after_offer(request)


@login_required
@require_http_methods(["POST"])
def document_upload(request: HttpRequest) -> HttpResponse:
    worker = _my_worker(request)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            worker_services.document_upload(
                worker=worker,
                kind=form.cleaned_data["kind"],
                file=form.cleaned_data["file"],
                valid_until=form.cleaned_data["valid_until"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Document sent: an organiser will check it."))
            return redirect(url(request, "worker") + "#documents")
    context = _context(request, worker)
    context["document_form"] = form
    return render_page(
        request, "worker.html", section="worker", here=_("My work"), status=400, **context
    )


@login_required
@require_GET
def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A document's file, for its worker and the federation's organisers only."""
    document = get_object_or_404(
        WorkerDocument.objects.select_related("worker"), pk=pk, worker__group=request.group
    )
    own = document.worker.user_id == request.user.pk
    if not own and not can(request.user, "ondemand.organise", request.group):
        raise PermissionDenied(_("Only the worker and the organisers can see this document."))
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("This file is missing.")) from None
    response = FileResponse(
        handle, as_attachment=False, filename=document.file.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("worker/", worker_page, name="worker"),
    path("worker/live/", worker_live, name="worker_live"),
    path("worker/register/", worker_register, name="worker_register"),
    path("worker/online/", worker_online, name="worker_online"),
    path("worker/offline/", worker_offline, name="worker_offline"),
    path("worker/position/", worker_position, name="worker_position"),
    path("worker/documents/", document_upload, name="document_upload"),
    path("worker/documents/<int:pk>/file/", document_file, name="document_file"),
    path("offers/<int:pk>/accept/", offer_accept, name="offer_accept"),
    path("offers/<int:pk>/decline/", offer_decline, name="offer_decline"),
]
