"""Pages: the worker's own dashboard, and the federation's dashboard (anonymous
aggregates for members, the per-worker table for organisers)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from coops.core.permissions import can, require

from ..selectors.dashboards import federation_dashboard, worker_dashboard
from ..selectors.workers import worker_of
from ..services._base import rules_of
from ._common import render_page


@login_required
@require_GET
def worker_dashboard_view(request: HttpRequest) -> HttpResponse:
    """The signed-in worker's own figures; nobody sees another worker's."""
    require(request.user, "ondemand.work", request.group)
    worker = worker_of(group=request.group, user=request.user)
    return render_page(
        request,
        "worker_dashboard.html",
        section="worker",
        worker=worker,
        board=worker_dashboard(worker) if worker is not None else None,
        rules=rules_of(request.group),
    )


@login_required
@require_GET
def federation(request: HttpRequest) -> HttpResponse:
    require(request.user, "ondemand.view_federation", request.group)
    organiser = can(request.user, "ondemand.organise", request.group)
    return render_page(
        request,
        "federation.html",
        section="federation",
        board=federation_dashboard(request.group, per_worker=organiser),
        rules=rules_of(request.group),
    )


urlpatterns = [
    path("worker/earnings/", worker_dashboard_view, name="worker_dashboard"),
    path("federation/", federation, name="federation"),
]
