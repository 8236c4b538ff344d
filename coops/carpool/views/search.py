"""The module's home: search rides by origin, destination and time."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from coops.core.permissions import require

from .. import selectors
from ..forms import SearchForm
from ._common import in_group_zone, render_page


@login_required
@require_GET
@in_group_zone
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "carpool.view", request.group)
    searched = "origin" in request.GET or "destination" in request.GET
    form = SearchForm(request.GET if searched else None, group=request.group)
    outcome = None
    if searched and form.is_valid():
        outcome = selectors.ride_search(group=request.group, user=request.user, query=form.query())
    listing = {} if searched else selectors.upcoming_rides(group=request.group)
    return render_page(
        request, "index.html", form=form, outcome=outcome, searched=searched, **listing
    )
