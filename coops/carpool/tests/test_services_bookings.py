"""Booking: a request holds its seats at once (never more than are left), the driver
accepts or declines, the passenger cancels; every refusal leaves everything as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coops.core.models import Event
from coops.groups.tests.helpers import fr, nfr
from coops.notifications.models import Notification

from ..models import Booking, BookingStatus, Trip, transition_party
from ..places import place_resolve
from ..services import (
    booking_accept,
    booking_cancel,
    booking_decline,
    booking_request,
    ride_cancel,
)
from .factories import (
    RideFactory,
    at,
    book,
    move_to_past,
    next_weekday,
    place,
    regular_ride,
    tomorrow_at,
)

pytestmark = pytest.mark.django_db

ONLY = "Only %(count)s seat is left on this ride."
ONLY_PLURAL = "Only %(count)s seats are left on this ride."


@pytest.fixture
def ride(world):
    return RideFactory(group=world.group, driver=world.driver, seats=3)


def state(ride) -> tuple:
    """Everything a refused booking must leave untouched."""
    trips = list(Trip.objects.filter(ride=ride).values_list("date", "seats_left"))
    bookings = list(Booking.objects.values_list("pk", "status"))
    return trips, bookings, Event.objects.count(), Notification.objects.count()


def refused(ride, who, message: str, **kwargs) -> None:
    before = state(ride)
    with pytest.raises(ValidationError) as caught:
        booking_request(ride=ride, acting_user=who, **{"seats": 1, **kwargs})
    assert caught.value.messages == [message]
    assert state(ride) == before


def test_a_request_holds_its_seats_and_tells_the_driver(world, ride):
    booking = book(ride, world.alice, 2, message="Je serai devant la gare")
    trip = booking.trip
    assert (trip.date, trip.departure_at, trip.seats, trip.seats_left) == (
        tomorrow_at(8).date(),
        tomorrow_at(8),
        3,
        1,
    )
    assert (booking.status, booking.seats, booking.detour_m, booking.distance_m) == (
        BookingStatus.REQUESTED,
        2,
        0,
        8087,
    )
    assert booking.pickup_at == tomorrow_at(8)
    # 0.10 €/km × 8.087 km × 2 seats = 1.6174 → 1.62 €
    assert (booking.contribution, booking.currency) == (Decimal("1.62"), "EUR")
    note = Notification.objects.get(kind="carpool.booking_requested")
    assert note.recipient == world.driver
    assert note.body == "Je serai devant la gare"
    assert note.url == f"/g/{world.group.slug}/m/carpool/rides/mine/"


def test_a_passenger_may_ride_part_of_the_way(world, ride):
    booking = book(ride, world.alice, pickup=place("Mons-en-Barœul"))
    assert booking.pickup_label == "Mons-en-Barœul (59370)"
    assert booking.dropoff_label == "Villeneuve-d'Ascq (59650)"
    assert 0 < booking.detour_m <= ride.distance_m / 4
    assert booking.distance_m < ride.distance_m
    assert booking.pickup_at > tomorrow_at(8)
    assert booking.contribution == (Decimal("0.10") * booking.distance_m / 1000).quantize(
        Decimal("0.01")
    )


def test_too_far_from_the_route_is_refused(world, ride):
    refused(
        ride,
        world.alice,
        fr(
            "This ride does not pass close enough to your trip: the detour would be over "
            "%(detour)s %% of the driver's route, or your trip under %(share)s %% of it.",
            detour=25,
            share=35,
        ),
        pickup=place("Roubaix"),
        dropoff=place("Seclin"),
    )


def test_more_seats_than_are_left_is_refused_and_changes_nothing(world, ride):
    book(ride, world.alice, 2)
    refused(ride, world.bob, nfr(ONLY, ONLY_PLURAL, 1, count=1), seats=2)
    book(ride, world.bob, 1)
    refused(ride, world.carol, fr("This ride is full: no seat is left."))
    assert Trip.objects.get(ride=ride).seats_left == 0


def test_asking_for_more_seats_than_the_car_has_on_a_fresh_trip(world, ride):
    refused(ride, world.alice, nfr(ONLY, ONLY_PLURAL, 3, count=3), seats=4)
    assert not Trip.objects.exists()


@pytest.mark.parametrize(
    ("seats", "message"),
    [(0, "Book between 1 and %(max)s seats."), (9, "Book between 1 and %(max)s seats.")],
)
def test_seat_counts_out_of_range(world, ride, seats, message):
    refused(ride, world.alice, fr(message, max=8), seats=seats)


def test_own_ride_cancelled_ride_and_double_booking(world, ride):
    refused(ride, world.driver, fr("You cannot book a seat on your own ride."))
    book(ride, world.alice)
    refused(ride, world.alice, fr("You already have a booking on this trip."))
    ride_cancel(ride=ride, acting_user=world.driver)
    ride.refresh_from_db()
    refused(ride, world.bob, fr("This ride was cancelled."))


def test_a_ride_that_left_cannot_be_booked(world, ride):
    trip = book(ride, world.alice).trip
    move_to_past(trip)
    ride.refresh_from_db()
    refused(ride, world.bob, fr("This ride has already left."))


def test_only_members_book(world, ride):
    before = state(ride)
    with pytest.raises(PermissionDenied):
        booking_request(ride=ride, acting_user=world.outsider, seats=1)
    assert state(ride) == before


def test_regular_rides_count_seats_per_date(world):
    ride = regular_ride(world.group, world.driver, seats=1)
    monday, tuesday = next_weekday(0), next_weekday(1)
    first = book(ride, world.alice, day=monday)
    assert (first.trip.date, first.trip.departure_at) == (monday, at(monday, 7, 45))
    refused(ride, world.bob, fr("This ride is full: no seat is left."), day=monday)
    second = book(ride, world.bob, day=tuesday)
    assert second.trip != first.trip
    assert list(Trip.objects.order_by("date").values_list("date", "seats_left")) == [
        (min(monday, tuesday), 0),
        (max(monday, tuesday), 0),
    ]
    refused(ride, world.carol, fr("Choose the date of your trip."))
    saturday = next_weekday(5)
    refused(
        ride,
        world.carol,
        fr("This ride does not run on %(date)s.", date=saturday.strftime("%d/%m/%Y")),
        day=saturday,
    )


# --- answers -------------------------------------------------------------------------------


def test_the_driver_accepts_and_the_passenger_is_told(world, ride):
    booking = book(ride, world.alice, 2)
    booking_accept(booking=booking, acting_user=world.driver)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED and booking.decided_at is not None
    assert Trip.objects.get(ride=ride).seats_left == 1  # held since the request
    note = Notification.objects.get(kind="carpool.booking_answered")
    assert note.recipient == world.alice
    when = tomorrow_at(8).strftime("%d/%m/%Y %H:%M")
    assert note.title == fr(
        "Your seat on %(ride)s (%(when)s) is confirmed", ride=str(ride), when=when
    )
    with pytest.raises(ValidationError) as caught:
        booking_accept(booking=booking, acting_user=world.driver)
    assert caught.value.messages == [
        fr("This booking is already %(status)s.", status=fr("Accepted").lower())
    ]


def test_declining_gives_the_seats_back(world, ride):
    booking = book(ride, world.alice, 2)
    booking_decline(booking=booking, acting_user=world.driver, reason="Coffre plein")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED
    assert Trip.objects.get(ride=ride).seats_left == 3
    note = Notification.objects.get(kind="carpool.booking_answered")
    assert (note.recipient, note.body) == (world.alice, "Coffre plein")
    book(ride, world.alice, 3)  # a declined request does not block a new one


@pytest.mark.parametrize("who", ["alice", "bob", "organiser", "outsider"])
def test_only_the_driver_answers(world, ride, who):
    booking = book(ride, world.alice)
    before = state(ride)
    for answer in (booking_accept, booking_decline):
        with pytest.raises(PermissionDenied):
            answer(booking=booking, acting_user=getattr(world, who))
    assert state(ride) == before


def test_the_passenger_cancels_and_the_driver_is_told(world, ride):
    booking = book(ride, world.alice, 2)
    booking_accept(booking=booking, acting_user=world.driver)
    with pytest.raises(PermissionDenied):
        booking_cancel(booking=booking, acting_user=world.driver)
    booking_cancel(booking=booking, acting_user=world.alice)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert Trip.objects.get(ride=ride).seats_left == 3
    note = Notification.objects.get(kind="carpool.booking_cancelled")
    assert note.recipient == world.driver


def test_a_booking_cannot_be_cancelled_once_the_ride_left(world, ride):
    booking = book(ride, world.alice)
    move_to_past(booking.trip)
    before = state(ride)
    with pytest.raises(ValidationError) as caught:
        booking_cancel(booking=booking, acting_user=world.alice)
    assert caught.value.messages == [fr("The ride has left: it can no longer be cancelled.")]
    assert state(ride) == before


def test_the_state_machine():
    S = BookingStatus
    allowed = {
        (old, new): transition_party(old, new)
        for old in S.values
        for new in S.values
        if transition_party(old, new)
    }
    assert allowed == {
        (S.REQUESTED, S.ACCEPTED): "driver",
        (S.REQUESTED, S.DECLINED): "driver",
        (S.REQUESTED, S.CANCELLED): "passenger",
        (S.ACCEPTED, S.CANCELLED): "passenger",
        (S.ACCEPTED, S.COMPLETED): "either",
    }


def test_coordinates_can_replace_a_town(world, ride):
    pickup = place_resolve("Rue de Lannoy", 50.6300, 3.0700)
    booking = book(ride, world.alice, pickup=pickup)
    assert (booking.pickup_label, booking.pickup_lat) == ("Rue de Lannoy", 50.63)
