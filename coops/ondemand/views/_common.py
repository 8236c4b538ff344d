"""Helpers shared by every on-demand page: URLs and rendering in the group's zone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from coops.core.permissions import can


def url(request: HttpRequest, name: str, **kwargs) -> str:
    return reverse(f"groups:ondemand:{name}", kwargs={"slug": request.group.slug, **kwargs})


def render_page(
    request: HttpRequest, template: str, *, status: int = 200, section: str = "", **context
) -> HttpResponse:
    """Render in the group's time zone, with what every on-demand page needs (the
    section names the tab of the module's navigation that is current)."""
    group = request.group
    user = request.user
    context.update(
        group=group,
        section=section,
        can_work=can(user, "ondemand.work", group),
        can_dispatch=can(user, "ondemand.dispatch", group),
        can_organise=can(user, "ondemand.organise", group),
        can_view_federation=can(user, "ondemand.view_federation", group),
    )
    with timezone.override(group.zone):
        return render(request, f"ondemand/{template}", context, status=status)
