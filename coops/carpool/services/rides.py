"""Ride offers: publishing (one-off or regular, with waypoints) and cancelling."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.geo import Point
from coops.notifications.services import notify

from .. import kinds, matching
from ..models import (
    HOLDING,
    MAX_MARGIN_MINUTES,
    MAX_SEATS,
    MAX_WAYPOINTS,
    Booking,
    BookingStatus,
    Ride,
    RideStatus,
    Trip,
    weekday_bits,
)
from ..places import Place, same_place
from ._base import check, local_text, lock_objects, measure, page_url

MAX_DURATION_S = 12 * 3600
# Carpooling shares costs; it is not a paid ride (French law: cost sharing only).
MAX_EUR_PER_KM = Decimal("0.20")


def currency_choices(group) -> list[str]:
    """EUR, then the group's social currency if it has one."""
    from coops.currency.models import Currency

    codes = ["EUR"]
    code = Currency.objects.filter(group=group).values_list("code", flat=True).first()
    if code:
        codes.append(code)
    return codes


def ride_geometry(stops: Sequence[Point]) -> dict[str, Any]:
    """The columns the search filters on, from the stops in driving order."""
    legs = [measure(a, b) for a, b in pairwise(stops)]
    distance = sum(leg.distance_m for leg in legs)
    box = matching.reach_box(stops, distance, matching.reach_share())
    return {
        "legs": [[leg.distance_m, leg.duration_s] for leg in legs],
        "distance_m": distance,
        "duration_s": sum(leg.duration_s for leg in legs),
        "bearing": matching.bearing(stops[0], stops[-1]),
        "reach_min_lat": box.min_lat,
        "reach_max_lat": box.max_lat,
        "reach_min_lon": box.min_lon,
        "reach_max_lon": box.max_lon,
    }


def ride_schedule(
    *,
    departure_at: datetime | None,
    weekdays: Iterable[int],
    departure_time: time | None,
    valid_from: date | None,
    valid_until: date | None,
    margin_minutes: int,
    duration_s: int,
) -> dict[str, Any]:
    """The schedule columns of a one-off or a regular ride (the search windows included)."""
    margin = timedelta(minutes=margin_minutes)
    bits = weekday_bits(weekdays)
    if not bits:
        start, end = matching.window_bounds(departure_at, margin, duration_s)
        span = math.ceil((end - start).total_seconds() / 60)
        return {"regular": False, "departure_at": departure_at, "window_start": start,
                "window_end": end, "span_class": matching.span_class(span)}  # fmt: skip
    minute = departure_time.hour * 60 + departure_time.minute
    longest = math.ceil(duration_s * (1 + matching.MAX_DETOUR) / 60)
    return {
        "regular": True,
        "span_class": matching.span_class(2 * margin_minutes + longest),
        "departure_time": departure_time.replace(second=0, microsecond=0),
        "weekdays": bits,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "day_start_min": minute - margin_minutes,
        "day_end_min": minute + margin_minutes + longest,
    }


def _clean_schedule(
    *, departure_at, weekdays, departure_time, valid_from, valid_until, group
) -> date | None:
    """Refuse an incomplete or past schedule; the first day of a regular ride."""
    if not weekdays:
        if departure_at is None:
            raise ValidationError(
                _("Give a departure date and time, or the weekdays of a regular ride."),
                code="schedule",
            )
        if departure_at <= timezone.now():
            raise ValidationError(_("The departure is in the past."), code="past")
        return None
    if departure_time is None:
        raise ValidationError(_("Give the departure time of the regular ride."), code="schedule")
    today = group.today()
    valid_from = valid_from or today
    if valid_from < today:
        raise ValidationError(_("A regular ride starts today or later."), code="past")
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError(_("The last day is before the first day."), code="validity")
    return valid_from


def _clean_money(*, group, currency: str, contribution_per_km: Decimal, solidarity: bool) -> None:
    if currency not in currency_choices(group):
        raise ValidationError(_("Choose euros or the group's local currency."), code="currency")
    if contribution_per_km < 0:
        raise ValidationError(_("The contribution cannot be negative."), code="contribution")
    if solidarity and contribution_per_km != 0:
        raise ValidationError(
            _("A solidarity ride is free: leave the contribution at zero."), code="solidarity"
        )
    if currency == "EUR" and contribution_per_km > MAX_EUR_PER_KM:
        raise ValidationError(
            _(
                "At most %(max)s € per km and seat: carpooling shares the costs of a trip, it is "
                "not a paid ride."
            )
            % {"max": "0,20"},
            code="contribution",
        )


def _clean_places(origin: Place, destination: Place, waypoints: Sequence[Place]) -> None:
    if same_place(origin, destination):
        raise ValidationError(_("The start and the end are the same place."), code="same_place")
    if len(waypoints) > MAX_WAYPOINTS:
        raise ValidationError(
            _("At most %(max)s places on the way.") % {"max": MAX_WAYPOINTS}, code="waypoints"
        )


def ride_publish(
    *,
    group,
    acting_user,
    origin: Place,
    destination: Place,
    waypoints: Sequence[Place] = (),
    departure_at: datetime | None = None,
    weekdays: Iterable[int] = (),
    departure_time: time | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    margin_minutes: int = 15,
    seats: int,
    contribution_per_km: Decimal = Decimal(0),
    currency: str = "EUR",
    solidarity: bool = False,
    notes: str = "",
) -> Ride:
    """Publish a ride offer of `acting_user` (an active member) in `group`. One-off when
    `departure_at` is given, regular on `weekdays` at `departure_time` otherwise. Every
    refusal is a ValidationError with a message, and nothing is written."""
    check(acting_user, "carpool.participate", group)
    weekdays = sorted(set(weekdays))
    waypoints = list(waypoints)
    _clean_places(origin, destination, waypoints)
    if not 1 <= seats <= MAX_SEATS:
        raise ValidationError(
            _("Offer between 1 and %(max)s seats.") % {"max": MAX_SEATS}, code="seats"
        )
    if not 0 <= margin_minutes <= MAX_MARGIN_MINUTES:
        raise ValidationError(
            _("The margin is between 0 and %(max)s minutes.") % {"max": MAX_MARGIN_MINUTES},
            code="margin",
        )
    valid_from = _clean_schedule(
        departure_at=departure_at, weekdays=weekdays, departure_time=departure_time,
        valid_from=valid_from, valid_until=valid_until, group=group,
    )  # fmt: skip
    _clean_money(
        group=group, currency=currency, contribution_per_km=contribution_per_km,
        solidarity=solidarity,
    )  # fmt: skip
    stops = [origin.point, *(w.point for w in waypoints), destination.point]
    geometry = ride_geometry(stops)
    if geometry["duration_s"] > MAX_DURATION_S:
        raise ValidationError(
            _("A ride lasts at most 12 hours: split it into several rides."), code="duration"
        )
    schedule = ride_schedule(
        departure_at=departure_at, weekdays=weekdays, departure_time=departure_time,
        valid_from=valid_from, valid_until=valid_until, margin_minutes=margin_minutes,
        duration_s=geometry["duration_s"],
    )  # fmt: skip
    ride = Ride(
        group=group,
        driver=acting_user,
        origin_label=origin.label,
        origin_lat=origin.lat,
        origin_lon=origin.lon,
        destination_label=destination.label,
        destination_lat=destination.lat,
        destination_lon=destination.lon,
        waypoints=[w.as_json() for w in waypoints],
        has_waypoints=bool(waypoints),
        margin_minutes=margin_minutes,
        seats=seats,
        contribution_per_km=Decimal(contribution_per_km),
        currency=currency,
        solidarity=solidarity,
        notes=notes.strip(),
        **geometry,
        **schedule,
    )
    with transaction.atomic():
        ride.full_clean()
        ride.save()
        event_record(
            actor=acting_user,
            verb="carpool.ride_published",
            target=ride,
            regular=ride.regular,
            seats=seats,
        )
    return ride


def ride_cancel(*, ride: Ride, acting_user, reason: str = "") -> Ride:
    """Cancel a ride (its driver, or an organiser): its bookings of trips still to come
    are cancelled, their seats freed, and their passengers told."""
    with transaction.atomic():
        ride = lock_objects(Ride, ride.pk, "group", "driver")
        check(acting_user, "carpool.cancel_ride", ride)
        if ride.status != RideStatus.PUBLISHED:
            raise ValidationError(_("This ride is already cancelled."), code="cancelled")
        now = timezone.now()
        ride.status, ride.cancelled_at = RideStatus.CANCELLED, now
        ride.save(update_fields=["status", "cancelled_at", "updated_at"])
        trips = list(
            Trip.objects.select_for_update().filter(ride=ride, departure_at__gt=now).order_by("pk")
        )
        bookings = list(
            Booking.objects.select_for_update(of=("self",))
            .filter(trip__in=trips, status__in=HOLDING)
            .select_related("trip", "passenger")
            .order_by("pk")
        )
        Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(
            status=BookingStatus.CANCELLED, decided_at=now, updated_at=now
        )
        Trip.objects.filter(pk__in=[t.pk for t in trips]).update(seats_left=F("seats"))
        event_record(
            actor=acting_user,
            verb="carpool.ride_cancelled",
            target=ride,
            bookings=[b.pk for b in bookings],
            reason=reason.strip()[:500],
        )
        for booking in bookings:
            _tell_cancelled(ride, booking, acting_user, reason)
    return ride


def _tell_cancelled(ride: Ride, booking: Booking, acting_user, reason: str) -> None:
    when = local_text(booking.trip.departure_at, ride.group)
    notify(
        recipients=[booking.passenger],
        kind=kinds.BOOKING_CANCELLED,
        title=lambda user: (
            _("The ride %(ride)s of %(when)s is cancelled") % {"ride": str(ride), "when": when}
        ),
        body=reason.strip(),
        url=page_url(ride.group, "bookings"),
        group=ride.group,
        actor=acting_user,
    )
