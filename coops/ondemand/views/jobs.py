"""Pages of jobs: asking for one (form, live quote, confirmation), the customer's
requests, a job's page (timeline, breakdown, cancelling) and the assigned worker's
pick-up and done buttons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.geocoding import geocode_offline
from coops.core.permissions import require
from coops.groups.modules import in_group_zone

from ..forms_jobs import CancelForm, JobRequestForm, default_window
from ..models import JobStatus
from ..selectors import jobs as selectors
from ..services import jobs as services
from ..services._base import rules_of
from ._common import render_page, url


def _preview(request: HttpRequest, form: JobRequestForm) -> selectors.Breakdown | None:
    """The quote of a valid form, or None with the refusals put on the form."""
    if not form.is_valid():
        return None
    try:
        checked = services.job_quote(group=request.group, **form.quote_kwargs())
    except ValidationError as error:
        form.add_service_error(error)
        return None
    return selectors.Breakdown.of_quote(checked.quote, checked.commission_percent)


def _map_center(group) -> dict:
    """Where the request map opens: the federation's town (offline list, no network
    call per page), else France."""
    found = geocode_offline(group.city) if group.city else None
    if found is not None:
        return {"lat": found.lat, "lon": found.lon, "zoom": 13}
    return {"lat": 46.6, "lon": 2.4, "zoom": 5}


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def job_request(request: HttpRequest) -> HttpResponse:
    require(request.user, "ondemand.request", request.group)
    form = JobRequestForm(request.POST or None, initial=default_window())
    breakdown = None
    if request.method == "POST":
        breakdown = _preview(request, form)
        confirmed = "confirm" in request.POST and breakdown is not None
        if confirmed and form.cleaned_data.get("quoted_price") != breakdown.price:
            messages.warning(request, _("The price changed: check the new quote and confirm."))
        elif confirmed:
            try:
                job = services.job_request(
                    group=request.group,
                    customer=request.user,
                    acting_user=request.user,
                    **form.service_kwargs(),
                )
            except ValidationError as error:
                form.add_service_error(error)
                breakdown = None
            else:
                messages.success(request, _("Your request is sent."))
                return redirect(url(request, "job", pk=job.pk))
    return render_page(
        request,
        "job_request.html",
        section="request",
        form=form,
        breakdown=breakdown,
        map_center=_map_center(request.group),
    )


@login_required
@require_POST
@in_group_zone
def job_quote(request: HttpRequest) -> HttpResponse:
    """The live quote (htmx): the breakdown and the confirm button, or what is wrong."""
    require(request.user, "ondemand.request", request.group)
    form = JobRequestForm(request.POST)
    breakdown = _preview(request, form)
    return render_page(request, "_job_quote.html", form=form, breakdown=breakdown)


@login_required
@require_GET
def my_jobs(request: HttpRequest) -> HttpResponse:
    require(request.user, "ondemand.request", request.group)
    page = selectors.customer_jobs(
        group=request.group, user=request.user, page=request.GET.get("page")
    )
    return render_page(request, "my_jobs.html", section="my_jobs", page=page)


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job, role = selectors.visible_job(group=request.group, pk=pk, user=request.user)
    transactions = selectors.job_transactions(job)
    fee = 0
    if job.status == JobStatus.ACCEPTED and role in ("customer", "dispatcher"):
        fee, _seconds = selectors.cancellation_fee(job, rules_of(job.group), timezone.now())
    return render_page(
        request,
        "job.html",
        section="my_jobs" if role == "customer" else "",
        job=job,
        role=role,
        is_worker=role == "worker" or selectors.is_assigned(job, request.user),
        events=selectors.job_timeline(job),
        breakdown=selectors.Breakdown.of_job(job),
        topup=selectors.topup_minor(transactions),
        worker_name=selectors.first_name(job.worker.user) if job.worker_id else "",
        can_cancel=role in selectors.ROLES and job.status in CANCELLABLE[role],
        fee=fee,
        cancel_form=CancelForm(),
    )


CANCELLABLE = {
    "customer": (JobStatus.REQUESTED, JobStatus.OFFERED, JobStatus.ACCEPTED),
    "dispatcher": (JobStatus.REQUESTED, JobStatus.OFFERED, JobStatus.ACCEPTED),
    "worker": (JobStatus.ACCEPTED,),
}


def _back(request: HttpRequest, job_pk: int) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return url(request, "job", pk=job_pk)


def _act(request: HttpRequest, pk: int, action, done: str, **kwargs) -> HttpResponse:
    job, _role = selectors.visible_job(group=request.group, pk=pk, user=request.user)
    try:
        action(job=job, acting_user=request.user, **kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(_back(request, job.pk))


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(request, pk, services.job_cancel, _("The job is cancelled."), reason=reason)


@login_required
@require_POST
def job_pickup(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.job_pickup, _("Picked up: the customer is told."))


@login_required
@require_POST
def job_done(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.job_done, _("Done: the job is settled."))


urlpatterns = [
    path("jobs/new/", job_request, name="job_request"),
    path("jobs/quote/", job_quote, name="job_quote"),
    path("jobs/mine/", my_jobs, name="my_jobs"),
    path("jobs/<int:pk>/", job_detail, name="job"),
    path("jobs/<int:pk>/cancel/", job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/pickup/", job_pickup, name="job_pickup"),
    path("jobs/<int:pk>/done/", job_done, name="job_done"),
]
