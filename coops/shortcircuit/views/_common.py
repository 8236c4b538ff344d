"""Helpers shared by the short-circuit pages: URLs, rendering in the group's zone,
refusals and same-group lookups."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from coops.core.permissions import can
from coops.directory.models import Actor
from coops.groups.modules import in_group_zone as in_group_zone

from ..models import SELLER_KINDS, Distribution


def url(request: HttpRequest, name: str, **kwargs) -> str:
    return reverse(f"groups:shortcircuit:{name}", kwargs={"slug": request.group.slug, **kwargs})


def render_page(
    request: HttpRequest, template: str, *, section: str = "", status: int = 200, **context
) -> HttpResponse:
    """Render a module page in the group's zone, with what the navigation needs."""
    group = request.group
    user = request.user
    context.update(
        group=group,
        section=section,
        is_organiser=can(user, "shortcircuit.organise", group),
        is_participant=can(user, "shortcircuit.participate", group),
        is_seller=user.is_authenticated
        and Actor.objects.filter(owners=user, kind__in=SELLER_KINDS).exists(),
    )
    with timezone.override(group.zone):
        return render(request, f"shortcircuit/{template}", context, status=status)


def distribution_or_404(request: HttpRequest, pk: int) -> Distribution:
    distribution = Distribution.objects.filter(pk=pk, group=request.group).first()
    if distribution is None:
        raise Http404
    return distribution


def refuse(request: HttpRequest, exc: ValidationError, to: str) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return redirect(to)
