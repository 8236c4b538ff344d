"""Helpers shared by the carpool pages: URLs, rendering in the group's zone, refusals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from coops.core.permissions import can
from coops.groups.modules import in_group_zone as in_group_zone

from .. import selectors
from ..models import Booking, Ride


def url(request: HttpRequest, name: str, **kwargs) -> str:
    return reverse(f"groups:carpool:{name}", kwargs={"slug": request.group.slug, **kwargs})


def render_page(
    request: HttpRequest, template: str, *, status: int = 200, **context
) -> HttpResponse:
    group = request.group
    user = request.user
    context.update(
        group=group,
        can_participate=can(user, "carpool.participate", group),
        waiting=selectors.open_requests_count(group=group, user=user)
        if user.is_authenticated
        else 0,
    )
    with timezone.override(group.zone):
        return render(request, f"carpool/{template}", context, status=status)


def ride_or_404(request: HttpRequest, pk: int) -> Ride:
    ride = Ride.objects.select_related("group", "driver").filter(pk=pk).first()
    if ride is None or ride.group_id != request.group.pk:
        raise Http404
    return ride


def booking_or_404(request: HttpRequest, pk: int) -> Booking:
    booking = (
        Booking.objects.select_related("trip__ride__group", "trip__ride__driver", "passenger")
        .filter(pk=pk, trip__ride__group=request.group)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


def refuse(request: HttpRequest, exc: ValidationError, to: str) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return redirect(to)


def safe_next(request: HttpRequest, default: str) -> str:
    """A same-group page to go back to (the form's "next"), else `default`."""
    target = request.POST.get("next", "")
    prefix = f"/g/{request.group.slug}/m/carpool/"
    return target if target.startswith(prefix) and "//" not in target else default
