"""Booking pages: asking for seats, the passenger's bookings, the driver's answers,
cancelling, and confirming a ride after it took place (which settles the contribution)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from coops.core.permissions import require

from .. import selectors, services
from ..forms import BookingForm, ReasonForm, add_service_error
from ._common import (
    booking_or_404,
    in_group_zone,
    refuse,
    render_page,
    ride_or_404,
    safe_next,
    url,
)
from .rides import ride_context


@login_required
@require_POST
@in_group_zone
def booking_create(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "carpool.participate", request.group)
    ride = ride_or_404(request, pk)
    form = BookingForm(request.POST)
    if form.is_valid():
        try:
            booking = services.booking_request(
                ride=ride, acting_user=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_error(form, exc, BookingForm.SERVICE_FIELDS)
        else:
            messages.success(
                request,
                ngettext(
                    "Your request for %(count)s seat is sent to the driver. The seat is held "
                    "for you until they answer.",
                    "Your request for %(count)s seats is sent to the driver. The seats are held "
                    "for you until they answer.",
                    booking.seats,
                )
                % {"count": booking.seats},
            )
            return redirect(url(request, "bookings"))
    return render_page(request, "ride_detail.html", **ride_context(request, ride, form))


@login_required
@require_GET
@in_group_zone
def booking_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "carpool.view", request.group)
    bookings = selectors.passenger_bookings(group=request.group, user=request.user)
    return render_page(request, "bookings.html", now=timezone.now(), **bookings)


@login_required
@require_POST
def booking_accept(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_or_404(request, pk)
    require(request.user, "carpool.drive", booking.trip.ride)
    back = safe_next(request, url(request, "rides_mine"))
    try:
        services.booking_accept(booking=booking, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(
        request, _("%(name)s’s booking is accepted.") % {"name": booking.passenger.public_name}
    )
    return redirect(back)


@login_required
@require_POST
def booking_decline(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_or_404(request, pk)
    require(request.user, "carpool.drive", booking.trip.ride)
    back = safe_next(request, url(request, "rides_mine"))
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.booking_decline(booking=booking, acting_user=request.user, reason=reason)
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(
        request,
        _("%(name)s’s request is declined; the seats are free again.")
        % {"name": booking.passenger.public_name},
    )
    return redirect(back)


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_or_404(request, pk)
    require(request.user, "carpool.travel", booking)
    back = url(request, "bookings")
    try:
        services.booking_cancel(booking=booking, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(request, _("Your booking is cancelled; the driver is told."))
    return redirect(back)


@login_required
@require_POST
def booking_settle(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_or_404(request, pk)
    require(request.user, "carpool.settle", booking)
    back = safe_next(request, url(request, "bookings"))
    try:
        booking = services.booking_settle(booking=booking, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, back)
    if booking.transaction_id:
        messages.success(request, _("The ride is confirmed and the contribution paid."))
    else:
        messages.success(request, _("The ride is confirmed."))
    return redirect(back)
