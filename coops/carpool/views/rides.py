"""Ride pages: offering a ride, a ride's page (with the booking form), the driver's
rides with their bookings, cancelling a ride and marking a trip done."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.geo import GeoError, Point
from coops.core.money import Money
from coops.core.permissions import can, require

from .. import matching, selectors, services
from ..forms import BookingForm, ReasonForm, RideForm, add_service_error
from ..models import Ride, RideStatus, Trip
from ..places import Place
from ..services._base import contribution_for, measure
from ._common import in_group_zone, refuse, render_page, ride_or_404, safe_next, url


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def ride_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "carpool.participate", request.group)
    form = RideForm(request.POST or None, group=request.group)
    if request.method == "POST" and form.is_valid():
        try:
            ride = services.ride_publish(
                group=request.group, acting_user=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_error(form, exc, RideForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("Your ride is published."))
            return redirect(url(request, "ride", pk=ride.pk))
    return render_page(request, "ride_form.html", form=form)


def _day(request: HttpRequest, ride: Ride, dates: list) -> date | None:
    """The date the page is about: ?date= when the ride runs then, else the next one."""
    zone = request.group.zone
    if not ride.regular:
        return timezone.localtime(ride.departure_at, zone).date()
    wanted = request.GET.get("date") or request.POST.get("day") or ""
    try:
        day = date.fromisoformat(wanted)
    except ValueError:
        day = None
    if day is not None and ride.runs_on(day):
        return day
    return dates[0][0] if dates else None


def _place(request: HttpRequest, prefix: str) -> Place | None:
    try:
        lat = float(request.GET[f"{prefix}_lat"])
        lon = float(request.GET[f"{prefix}_lon"])
        return Place(request.GET.get(prefix, "")[:200] or f"{lat:.5f}, {lon:.5f}",
                     Point(lat, lon))  # fmt: skip
    except (KeyError, ValueError, GeoError):
        return None


def ride_context(request: HttpRequest, ride: Ride, form: BookingForm | None = None) -> dict:
    """What the ride page shows: the date, the seats left, the booking form (prefilled
    with the searched trip), and for its driver the bookings."""
    dates = selectors.ride_dates(ride) if ride.regular else []
    day = _day(request, ride, dates)
    pickup, dropoff = _place(request, "from"), _place(request, "to")
    if form is not None and hasattr(form, "cleaned_data"):  # a refused booking: its trip
        pickup = form.cleaned_data.get("pickup_place") or pickup
        dropoff = form.cleaned_data.get("dropoff_place") or dropoff
    trip_m = ride.distance_m
    if pickup and dropoff:
        fit = matching.fit(ride.stops, ride.leg_list, pickup.point, dropoff.point, measure)
        trip_m = fit.passenger_m if fit else trip_m
    if form is None:
        initial = {"day": day}
        for name, place in (("pickup", pickup), ("dropoff", dropoff)):
            if place is not None:
                initial |= {name: place.label, f"{name}_lat": place.lat, f"{name}_lon": place.lon}
        form = BookingForm(initial=initial)
    is_driver = ride.driver_id == request.user.pk
    departure = ride.departure_on(day) if day else None
    context = {
        "ride": ride,
        "day": day,
        "dates": dates,
        "departure": departure,
        "seats_left": selectors.seats_left_on(ride, day) if day else 0,
        "left": departure is not None and departure <= timezone.now(),
        "pickup": pickup,
        "dropoff": dropoff,
        "trip_km": round(trip_m / 1000, 1),
        "estimate": Money(contribution_for(ride, trip_m, 1), ride.currency),
        "form": form,
        "is_driver": is_driver,
        "trips": selectors.ride_bookings(ride) if is_driver else [],
        "can_book": (
            not is_driver
            and ride.status == RideStatus.PUBLISHED
            and can(request.user, "carpool.participate", request.group)
        ),
        "can_cancel": ride.status == RideStatus.PUBLISHED
        and can(request.user, "carpool.cancel_ride", ride),
    }
    context["show_form"] = context["can_book"] and day is not None and not context["left"]
    return context


@login_required
@require_GET
@in_group_zone
def ride_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "carpool.view", request.group)
    ride = ride_or_404(request, pk)
    return render_page(request, "ride_detail.html", **ride_context(request, ride))


@login_required
@require_POST
def ride_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    ride = ride_or_404(request, pk)
    require(request.user, "carpool.cancel_ride", ride)
    back = url(request, "ride", pk=ride.pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.ride_cancel(ride=ride, acting_user=request.user, reason=reason)
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(request, _("The ride is cancelled; its passengers are told."))
    return redirect(back)


@login_required
@require_GET
@in_group_zone
def rides_mine(request: HttpRequest) -> HttpResponse:
    require(request.user, "carpool.view", request.group)
    rides = selectors.driver_rides(group=request.group, user=request.user)
    return render_page(request, "rides_mine.html", rides=rides, now=timezone.now())


@login_required
@require_POST
def trip_complete(request: HttpRequest, pk: int) -> HttpResponse:
    trip = (
        Trip.objects.select_related("ride__group", "ride__driver")
        .filter(pk=pk, ride__group=request.group)
        .first()
    )
    if trip is None:
        raise Http404
    require(request.user, "carpool.drive", trip.ride)
    back = safe_next(request, url(request, "rides_mine"))
    try:
        outcome = services.trip_complete(trip=trip, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, back)
    if outcome.settled:
        count = len(outcome.settled)
        messages.success(
            request,
            ngettext(
                "The trip is done: %(count)s booking settled.",
                "The trip is done: %(count)s bookings settled.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.success(request, _("The trip is marked done."))
    for _booking, reason in outcome.refused:
        messages.error(request, reason)
    return redirect(back)
