"""Publishing and cancelling rides: the search columns, every refusal (nothing written),
and cancelling frees the seats and tells the passengers."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coops.core.models import Event
from coops.groups.tests.helpers import fr
from coops.notifications.models import Notification

from .. import matching
from ..models import Booking, BookingStatus, Ride, RideStatus, Trip
from ..places import place_resolve
from ..services import ride_cancel, ride_publish
from .factories import RideFactory, book, days_ahead, next_weekday, place, regular_ride, tomorrow_at

pytestmark = pytest.mark.django_db


def publish(world, **kwargs):
    kwargs.setdefault("origin", place("Lille"))
    kwargs.setdefault("destination", place("Villeneuve-d'Ascq"))
    kwargs.setdefault("seats", 3)
    if "weekdays" not in kwargs:
        kwargs.setdefault("departure_at", tomorrow_at(8))
    return ride_publish(group=world.group, acting_user=world.driver, **kwargs)


def refused(world, message: str, **kwargs) -> None:
    rides, events = Ride.objects.count(), Event.objects.count()
    with pytest.raises(ValidationError) as caught:
        publish(world, **kwargs)
    assert caught.value.messages == [message]
    assert (Ride.objects.count(), Event.objects.count()) == (rides, events)


def test_a_one_off_ride_gets_its_search_columns(world):
    ride = publish(world, margin_minutes=15, contribution_per_km=Decimal("0.08"))
    assert (ride.origin_label, ride.destination_label) == (
        "Lille (59000)",
        "Villeneuve-d'Ascq (59650)",
    )
    assert (ride.legs, ride.distance_m, ride.duration_s) == ([[8087, 970]], 8087, 970)
    assert ride.bearing == 96 and not ride.has_waypoints and not ride.regular
    assert ride.window_start == tomorrow_at(7, 45)
    # 8:00 + 15 min + 970 s × 1.25 (the longest detour)
    assert ride.window_end == tomorrow_at(8, 15) + timedelta(seconds=1213)
    box = matching.reach_box(ride.stops, ride.distance_m, matching.reach_share())
    assert (ride.reach_min_lat, ride.reach_max_lon) == (box.min_lat, box.max_lon)
    assert ride.reach_min_lat < 50.6233 and ride.reach_max_lon > 3.145
    assert Event.objects.filter(verb="carpool.ride_published", target_id=str(ride.pk)).exists()


def test_a_regular_ride_runs_on_its_weekdays(world):
    ride = regular_ride(world.group, world.driver, weekdays=(0, 2, 4), hour=7, minute=45)
    assert (ride.regular, ride.weekdays, ride.weekday_list) == (True, 0b10101, [0, 2, 4])
    assert ride.valid_from == days_ahead(0)
    assert ride.day_start_min == 7 * 60 + 45 - 15
    assert ride.duration_s == 1420  # 10 km at 30 km/h, the other 4.3 km at 70 km/h
    assert ride.day_end_min == 7 * 60 + 45 + 15 + 30  # 1,420 s × 1.25, in minutes, rounded up
    monday, tuesday = next_weekday(0), next_weekday(1)
    assert ride.runs_on(monday) and not ride.runs_on(tuesday)
    assert ride.next_dates(monday, 3) == [monday, monday + timedelta(2), monday + timedelta(4)]


def test_waypoints_make_the_legs(world):
    ride = publish(
        world,
        origin=place("Roubaix"),
        destination=place("Seclin"),
        waypoints=[place("Croix"), place_resolve("", 50.6292, 3.0573)],
    )
    assert len(ride.legs) == 3 and ride.has_waypoints
    assert ride.via_labels == ["Croix (59170)", "50.62920, 3.05730"]
    assert ride.distance_m == sum(m for m, _s in ride.legs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"destination": place_resolve("Lille")}, "The start and the end are the same place."),
        ({"departure_at": timezone.now() - timedelta(minutes=1)}, "The departure is in the past."),
        ({"seats": 0}, "Offer between 1 and %(max)s seats."),
        ({"seats": 9}, "Offer between 1 and %(max)s seats."),
        ({"margin_minutes": 181}, "The margin is between 0 and %(max)s minutes."),
        (
            {"departure_at": None},
            "Give a departure date and time, or the weekdays of a regular ride.",
        ),
        ({"weekdays": [0]}, "Give the departure time of the regular ride."),
        (
            {"solidarity": True, "contribution_per_km": Decimal("0.05")},
            "A solidarity ride is free: leave the contribution at zero.",
        ),
        ({"contribution_per_km": Decimal("-0.01")}, "The contribution cannot be negative."),
        ({"currency": "LIEN"}, "Choose euros or the group's local currency."),
        ({"waypoints": [place_resolve("Croix")] * 6}, "At most %(max)s places on the way."),
        (
            {"destination": place_resolve("Marseille")},
            "A ride lasts at most 12 hours: split it into several rides.",
        ),
    ],
)
def test_refusals_write_nothing(world, kwargs, message):
    params = {"max": 8} if "seats" in kwargs else {}
    params = {"max": 180} if "margin_minutes" in kwargs else params
    params = {"max": 5} if "waypoints" in kwargs else params
    refused(world, fr(message, **params), **kwargs)


def test_the_contribution_in_euros_shares_costs_only(world):
    refused(
        world,
        fr(
            "At most %(max)s € per km and seat: carpooling shares the costs of a trip, it is not "
            "a paid ride.",
            max="0,20",
        ),
        contribution_per_km=Decimal("0.21"),
    )
    assert publish(world, contribution_per_km=Decimal("0.20")).per_km_text == "0,20\xa0€"


def test_regular_rides_start_today_or_later(world):
    refused(
        world,
        fr("A regular ride starts today or later."),
        weekdays=[0],
        departure_time=time(8),
        valid_from=days_ahead(-1),
    )
    refused(
        world,
        fr("The last day is before the first day."),
        weekdays=[0],
        departure_time=time(8),
        valid_until=days_ahead(-1),
    )


def test_only_members_publish(world):
    with pytest.raises(PermissionDenied):
        ride_publish(
            group=world.group,
            acting_user=world.outsider,
            origin=place("Lille"),
            destination=place("Roubaix"),
            departure_at=tomorrow_at(8),
            seats=2,
        )
    assert not Ride.objects.exists()


def test_a_solidarity_ride_is_free(world):
    ride = publish(world, solidarity=True)
    assert (ride.contribution_per_km, ride.is_free) == (Decimal(0), True)


# --- cancelling ----------------------------------------------------------------------------


def test_cancelling_frees_the_seats_and_tells_the_passengers(world):
    ride = RideFactory(group=world.group, driver=world.driver)
    asked = book(ride, world.alice, 2)
    other = book(ride, world.bob, 1)
    Notification.objects.all().delete()
    ride_cancel(ride=ride, acting_user=world.driver, reason="Voiture au garage")
    ride.refresh_from_db()
    assert ride.status == RideStatus.CANCELLED and ride.cancelled_at is not None
    statuses = set(
        Booking.objects.filter(pk__in=[asked.pk, other.pk]).values_list("status", flat=True)
    )
    assert statuses == {BookingStatus.CANCELLED}
    assert Trip.objects.get(ride=ride).seats_left == 3
    told = Notification.objects.filter(kind="carpool.booking_cancelled")
    assert sorted(n.recipient_id for n in told) == sorted([world.alice.pk, world.bob.pk])
    assert {n.body for n in told} == {"Voiture au garage"}


def test_organisers_may_cancel_others_may_not(world):
    ride = RideFactory(group=world.group, driver=world.driver)
    with pytest.raises(PermissionDenied):
        ride_cancel(ride=ride, acting_user=world.alice)
    ride.refresh_from_db()
    assert ride.status == RideStatus.PUBLISHED
    ride_cancel(ride=ride, acting_user=world.organiser)
    with pytest.raises(ValidationError) as caught:
        ride_cancel(ride=ride, acting_user=world.driver)
    assert caught.value.messages == [fr("This ride is already cancelled.")]
