"""Bookings: a passenger asks for seats on one trip of a ride (the seats are held at
once, under the trip's row lock), the driver accepts or declines, the passenger may
cancel. Declining and cancelling give the seats back."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coops.core.audit import event_record
from coops.notifications.services import notify

from .. import kinds, matching
from ..models import (
    HOLDING,
    MAX_SEATS,
    Booking,
    BookingStatus,
    Ride,
    RideStatus,
    Trip,
    transition_party,
)
from ..places import Place
from ._base import (
    check,
    contribution_for,
    local_text,
    lock_objects,
    measure,
    page_url,
    ride_status_shared,
)


def _trip_date(ride: Ride, day: date | None) -> date:
    """The date of the trip booked: the one-off ride's own, or a day the regular ride runs."""
    if not ride.regular:
        own = timezone.localtime(ride.departure_at, ride.zone).date()
        if day is not None and day != own:
            raise ValidationError(
                _("This ride does not run on %(date)s.") % {"date": day.strftime("%d/%m/%Y")},
                code="date",
            )
        return own
    if day is None:
        raise ValidationError(_("Choose the date of your trip."), code="date")
    if not ride.runs_on(day):
        raise ValidationError(
            _("This ride does not run on %(date)s.") % {"date": day.strftime("%d/%m/%Y")},
            code="date",
        )
    return day


def _trip_for(ride: Ride, day: date) -> Trip:
    """The trip of `ride` on `day`, created with the first booking, then locked."""
    trip, _created = Trip.objects.get_or_create(
        ride=ride,
        date=day,
        defaults={
            "departure_at": ride.departure_on(day),
            "seats": ride.seats,
            "seats_left": ride.seats,
        },
    )
    return lock_objects(Trip, trip.pk)


def seats_left_message(left: int) -> str:
    if left == 0:
        return _("This ride is full: no seat is left.")
    return ngettext(
        "Only %(count)s seat is left on this ride.",
        "Only %(count)s seats are left on this ride.",
        left,
    ) % {"count": left}


def booking_request(
    *,
    ride: Ride,
    acting_user,
    seats: int,
    day: date | None = None,
    pickup: Place | None = None,
    dropoff: Place | None = None,
    message: str = "",
) -> Booking:
    """`acting_user` (an active member, not the driver) asks for `seats` on the trip of
    `ride` on `day`, from `pickup` to `dropoff` (the whole ride by default; a trip of
    their own must pass the detour and share rules).

    The seats are taken from the trip under its row lock, with a conditional UPDATE and
    a CHECK (seats_left >= 0) behind it: a trip is never overbooked. Any refusal (full,
    past, too far from the route…) is a ValidationError and nothing is written."""
    check(acting_user, "carpool.participate", ride.group)
    if ride.status != RideStatus.PUBLISHED:
        raise ValidationError(_("This ride was cancelled."), code="cancelled")
    if ride.driver_id == acting_user.pk:
        raise ValidationError(_("You cannot book a seat on your own ride."), code="own_ride")
    if not 1 <= seats <= MAX_SEATS:
        raise ValidationError(
            _("Book between 1 and %(max)s seats.") % {"max": MAX_SEATS}, code="seats"
        )
    day = _trip_date(ride, day)
    if ride.departure_on(day) <= timezone.now():
        raise ValidationError(_("This ride has already left."), code="past")
    whole = pickup is None and dropoff is None
    pickup = pickup or Place(ride.origin_label, ride.origin)
    dropoff = dropoff or Place(ride.destination_label, ride.destination)
    if whole:  # the ride as offered: no detour, whatever its shape
        insertion = matching.insertions(ride.stops, ride.leg_list, pickup.point, dropoff.point,
                                        measure)[0]  # fmt: skip
    else:
        insertion = matching.fit(ride.stops, ride.leg_list, pickup.point, dropoff.point, measure)
    if insertion is None:
        raise ValidationError(
            _(
                "This ride does not pass close enough to your trip: the detour would be over "
                "%(detour)s %% of the driver's route, or your trip under %(share)s %% of it."
            )
            % {"detour": 25, "share": 35},
            code="too_far",
        )
    with transaction.atomic():
        if ride_status_shared(ride.pk) != RideStatus.PUBLISHED:
            raise ValidationError(_("This ride was cancelled."), code="cancelled")
        trip = _trip_for(ride, day)
        if trip.seats_left < seats:
            raise ValidationError(seats_left_message(trip.seats_left), code="full")
        if Booking.objects.filter(trip=trip, passenger=acting_user, status__in=HOLDING).exists():
            raise ValidationError(
                _("You already have a booking on this trip."), code="already_booked"
            )
        taken = Trip.objects.filter(pk=trip.pk, seats_left__gte=seats).update(
            seats_left=F("seats_left") - seats
        )
        if not taken:  # cannot happen under the lock; the CHECK constraint is the last guard
            raise ValidationError(seats_left_message(trip.seats_left), code="full")
        trip.seats_left -= seats
        booking = Booking(
            trip=trip,
            passenger=acting_user,
            seats=seats,
            pickup_label=pickup.label,
            pickup_lat=pickup.lat,
            pickup_lon=pickup.lon,
            dropoff_label=dropoff.label,
            dropoff_lat=dropoff.lat,
            dropoff_lon=dropoff.lon,
            pickup_at=insertion.pickup_at(trip.departure_at),
            distance_m=insertion.passenger_m,
            detour_m=insertion.detour_m,
            contribution=contribution_for(ride, insertion.passenger_m, seats),
            currency=ride.currency,
            message=message.strip()[:1000],
        )
        booking.full_clean()
        booking.save()
        event_record(
            actor=acting_user,
            verb="carpool.booking_requested",
            target=booking,
            trip=trip.pk,
            seats=seats,
            seats_left=trip.seats_left,
        )
        _tell_driver(ride, trip, booking, acting_user)
    return booking


def _tell_driver(ride: Ride, trip: Trip, booking: Booking, passenger) -> None:
    when = local_text(trip.departure_at, ride.group)
    notify(
        recipients=[ride.driver],
        kind=kinds.BOOKING_REQUESTED,
        title=lambda user: (
            ngettext(
                "%(name)s asks for %(count)s seat on %(ride)s (%(when)s)",
                "%(name)s asks for %(count)s seats on %(ride)s (%(when)s)",
                booking.seats,
            )
            % {
                "name": passenger.public_name,
                "count": booking.seats,
                "ride": str(ride),
                "when": when,
            }
        ),
        body=booking.message,
        url=page_url(ride.group, "rides_mine"),
        group=ride.group,
        actor=passenger,
    )


def _lock_booking(pk: Any) -> tuple[Trip, Booking]:
    """Lock the booking's trip, then the booking (always in this order)."""
    trip_id = Booking.objects.values_list("trip_id", flat=True).get(pk=pk)
    trip = lock_objects(Trip, trip_id, "ride__group", "ride__driver")
    booking = lock_objects(Booking, pk, "passenger")
    booking.trip = trip
    return trip, booking


def _move(booking: Booking, to: str, *, acting_user, party: str) -> None:
    """Check the state machine and who acts, then write the new status (the only writer
    of `Booking.status` besides settlement and ride cancellation)."""
    allowed = transition_party(booking.status, to)
    if allowed is None:
        raise ValidationError(
            _("This booking is already %(status)s.")
            % {"status": booking.get_status_display().lower()},
            code="transition",
        )
    if allowed != party:
        raise ValidationError(_("This step is not yours to take."), code="party")
    old = booking.status
    booking.status = to
    booking.decided_at = timezone.now()
    booking.save(update_fields=["status", "decided_at", "updated_at"])
    event_record(
        actor=acting_user, verb=f"carpool.booking_{to}", target=booking, before=old, after=to
    )


def _give_back(trip: Trip, seats: int) -> None:
    Trip.objects.filter(pk=trip.pk).update(seats_left=F("seats_left") + seats)
    trip.seats_left += seats


def booking_accept(*, booking: Booking, acting_user) -> Booking:
    """The driver accepts a request: its seats were held since the request."""
    with transaction.atomic():
        trip, booking = _lock_booking(booking.pk)
        check(acting_user, "carpool.drive", trip.ride)
        _move(booking, BookingStatus.ACCEPTED, acting_user=acting_user, party="driver")
        _tell_passenger(trip, booking, acting_user, accepted=True)
    return booking


def booking_decline(*, booking: Booking, acting_user, reason: str = "") -> Booking:
    """The driver declines a request; its seats are given back."""
    with transaction.atomic():
        trip, booking = _lock_booking(booking.pk)
        check(acting_user, "carpool.drive", trip.ride)
        _move(booking, BookingStatus.DECLINED, acting_user=acting_user, party="driver")
        _give_back(trip, booking.seats)
        _tell_passenger(trip, booking, acting_user, accepted=False, reason=reason)
    return booking


def booking_cancel(*, booking: Booking, acting_user) -> Booking:
    """The passenger cancels a request or an accepted booking before the departure; the
    seats are given back and the driver told."""
    with transaction.atomic():
        trip, booking = _lock_booking(booking.pk)
        check(acting_user, "carpool.travel", booking)
        if trip.departure_at <= timezone.now() and booking.holds_seats:
            raise ValidationError(
                _("The ride has left: it can no longer be cancelled."), code="past"
            )
        _move(booking, BookingStatus.CANCELLED, acting_user=acting_user, party="passenger")
        _give_back(trip, booking.seats)
        ride = trip.ride
        when = local_text(trip.departure_at, ride.group)
        notify(
            recipients=[ride.driver],
            kind=kinds.BOOKING_CANCELLED,
            title=lambda user: (
                _("%(name)s cancelled their booking on %(ride)s (%(when)s)")
                % {"name": acting_user.public_name, "ride": str(ride), "when": when}
            ),
            url=page_url(ride.group, "rides_mine"),
            group=ride.group,
            actor=acting_user,
        )
    return booking


def _tell_passenger(
    trip: Trip, booking: Booking, driver, *, accepted: bool, reason: str = ""
) -> None:
    ride = trip.ride
    when = local_text(trip.departure_at, ride.group)
    params = {"ride": str(ride), "when": when}
    notify(
        recipients=[booking.passenger],
        kind=kinds.BOOKING_ANSWERED,
        title=lambda user: (
            _("Your seat on %(ride)s (%(when)s) is confirmed") % params
            if accepted
            else _("Your request for %(ride)s (%(when)s) was declined") % params
        ),
        body=reason.strip(),
        url=page_url(ride.group, "bookings"),
        group=ride.group,
        actor=driver,
    )
