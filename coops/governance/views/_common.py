"""Helpers shared by every governance page: URLs, rendering and the group's time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from coops.core.permissions import can
from coops.groups.modules import in_group_zone as in_group_zone


def url(request: HttpRequest, name: str, **kwargs) -> str:
    return reverse(f"groups:governance:{name}", kwargs={"slug": request.group.slug, **kwargs})


def render_page(
    request: HttpRequest, template: str, *, status: int = 200, **context
) -> HttpResponse:
    """Render in the group's time zone, with what every governance page needs."""
    group = request.group
    context.update(
        group=group,
        can_organise=can(request.user, "governance.organise", group),
        can_administer=can(request.user, "governance.administer", group),
    )
    with timezone.override(ZoneInfo(group.time_zone)):
        return render(request, f"governance/{template}", context, status=status)
