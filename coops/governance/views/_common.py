"""Helpers shared by every governance page: URLs, rendering and the group's time zone."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from coops.core.permissions import can


def url(request: HttpRequest, name: str, **kwargs) -> str:
    return reverse(f"groups:governance:{name}", kwargs={"slug": request.group.slug, **kwargs})


def in_group_zone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run the view in the group's time zone: forms read and show times as the group's
    members live them, and templates print them so."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with timezone.override(ZoneInfo(request.group.time_zone)):
            return view(request, *args, **kwargs)

    return wrapped


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
