"""Factories and builders for the carpool tests. Rides are published through the
service, so their search columns (windows, reach box, heading) are those of real rides."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.db.models import F
from django.utils import timezone

from coops.groups.models import GroupModule
from coops.groups.tests.factories import GroupFactory, MembershipFactory

from ..models import Booking, Ride, Trip
from ..places import Place, place_resolve
from ..services import booking_request, ride_publish

PARIS = ZoneInfo("Europe/Paris")


def enable_carpool(group) -> None:
    GroupModule.objects.get_or_create(group=group, module="carpool")


def place(name: str) -> Place:
    return place_resolve(name)


def days_ahead(days: int) -> date:
    return timezone.localdate(timezone=PARIS) + timedelta(days=days)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    return at(days_ahead(1), hour, minute)


def next_weekday(weekday: int, *, after: int = 1) -> date:
    """The first date at least `after` days from today that falls on `weekday`."""
    day = days_ahead(after)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


class RideFactory(factory.Factory):
    """`RideFactory(group=…, driver=…)` publishes a one-off Lille → Villeneuve-d'Ascq ride
    tomorrow at 8:00; pass `departure_at=None, weekdays=[…], departure_time=…` for a
    regular one."""

    class Meta:
        model = Ride

    group = factory.SubFactory(GroupFactory)
    driver = factory.LazyAttribute(lambda o: MembershipFactory(group=o.group).user)
    origin = factory.LazyFunction(lambda: place("Lille"))
    destination = factory.LazyFunction(lambda: place("Villeneuve-d'Ascq"))
    departure_at = factory.LazyFunction(lambda: tomorrow_at(8))
    margin_minutes = 15
    seats = 3
    solidarity = False
    contribution_per_km = factory.LazyAttribute(
        lambda o: Decimal(0) if o.solidarity else Decimal("0.10")
    )

    @classmethod
    def _create(cls, model_class, group, driver, **kwargs):
        enable_carpool(group)
        return ride_publish(group=group, acting_user=driver, **kwargs)


def regular_ride(group, driver, *, weekdays=(0, 1, 2, 3, 4), hour=7, minute=45, **kwargs):
    kwargs.setdefault("origin", place("Roubaix"))
    kwargs.setdefault("destination", place("Lille"))
    return RideFactory(
        group=group,
        driver=driver,
        departure_at=None,
        weekdays=list(weekdays),
        departure_time=time(hour, minute),
        **kwargs,
    )


def book(ride: Ride, passenger, seats: int = 1, **kwargs) -> Booking:
    return booking_request(ride=ride, acting_user=passenger, seats=seats, **kwargs)


def move_to_past(trip: Trip, hours: int = 2) -> Trip:
    """Put a trip (and a one-off ride) in the past: services only book the future."""
    shift = timezone.now() + timedelta(hours=-hours) - trip.departure_at
    Trip.objects.filter(pk=trip.pk).update(departure_at=F("departure_at") + shift)
    Ride.objects.filter(pk=trip.ride_id, regular=False).update(
        departure_at=F("departure_at") + shift,
        window_start=F("window_start") + shift,
        window_end=F("window_end") + shift,
    )
    trip.refresh_from_db()
    return trip
