"""The group's governance home: upcoming assemblies, open proposals, latest decisions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from coops.core.permissions import can, require

from ..selectors import governance_home


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "governance.view", request.group)
    context = governance_home(group=request.group, user=request.user)
    return render(
        request,
        "governance/index.html",
        {
            "group": request.group,
            "can_organise": can(request.user, "governance.organise", request.group),
            **context,
        },
    )
