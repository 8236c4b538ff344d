"""Races on PostgreSQL with real threads: the last seat goes to exactly one passenger,
the others get the clear message and nothing else changes; the first bookings of a
regular ride's date create its trip once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from coops.core.tests.concurrency import race
from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr, nfr

from ..models import HOLDING, Booking, BookingStatus, Trip
from ..services import booking_cancel, booking_request, ride_cancel
from .factories import RideFactory, book, next_weekday, regular_ride

pytestmark = pytest.mark.postgres

RACERS = 6

ONLY = "Only %(count)s seat is left on this ride."
ONLY_PLURAL = "Only %(count)s seats are left on this ride."


def _passengers(group, n):
    return [MembershipFactory(group=group, role=Role.MEMBER).user for _ in range(n)]


def _outcome(results):
    won = [r for r in results if isinstance(r, Booking)]
    lost = [r for r in results if isinstance(r, ValidationError)]
    others = [r for r in results if not isinstance(r, Booking | ValidationError)]
    return won, lost, others


def test_the_last_seat_goes_to_exactly_one_passenger(pg, world):
    ride = RideFactory(group=world.group, driver=world.driver, seats=3)
    book(ride, world.alice, 2)
    racers = _passengers(world.group, RACERS)
    results = race(
        *(lambda u=u: booking_request(ride=ride, acting_user=u, seats=1) for u in racers)
    )
    won, lost, others = _outcome(results)
    assert others == []
    assert len(won) == 1 and len(lost) == RACERS - 1
    assert {tuple(e.messages) for e in lost} == {(fr("This ride is full: no seat is left."),)}
    trip = Trip.objects.get(ride=ride)
    assert trip.seats_left == 0
    held = Booking.objects.filter(trip=trip, status__in=[BookingStatus.REQUESTED])
    assert sorted(held.values_list("seats", flat=True)) == [1, 2]


def test_two_seats_asked_at_once_never_overbook(pg, world):
    ride = RideFactory(group=world.group, driver=world.driver, seats=3)
    racers = _passengers(world.group, RACERS)
    results = race(
        *(lambda u=u: booking_request(ride=ride, acting_user=u, seats=2) for u in racers)
    )
    won, lost, others = _outcome(results)
    assert (len(won), len(lost), others) == (1, RACERS - 1, [])
    assert {tuple(e.messages) for e in lost} == {(nfr(ONLY, ONLY_PLURAL, 1, count=1),)}
    assert Trip.objects.get(ride=ride).seats_left == 1


def test_the_first_bookings_of_a_date_create_one_trip(pg, world):
    ride = regular_ride(world.group, world.driver, seats=2)
    monday = next_weekday(0)
    racers = _passengers(world.group, RACERS)
    results = race(
        *(
            lambda u=u: booking_request(ride=ride, acting_user=u, seats=1, day=monday)
            for u in racers
        )
    )
    won, lost, others = _outcome(results)
    assert (len(won), len(lost), others) == (2, RACERS - 2, [])
    assert list(Trip.objects.filter(ride=ride).values_list("date", "seats_left")) == [(monday, 0)]


def test_a_cancellation_and_a_booking_race_fairly(pg, world):
    ride = RideFactory(group=world.group, driver=world.driver, seats=1)
    first = book(ride, world.alice)
    results = race(
        lambda: booking_cancel(booking=first, acting_user=world.alice),
        lambda: booking_request(ride=ride, acting_user=world.bob, seats=1),
    )
    assert isinstance(results[0], Booking)
    trip = Trip.objects.get(ride=ride)
    if isinstance(results[1], Booking):  # the cancellation committed first
        assert trip.seats_left == 0
    else:
        assert results[1].messages == [fr("This ride is full: no seat is left.")]
        assert trip.seats_left == 1


def test_a_booking_never_lands_on_a_ride_cancelled_meanwhile(pg, world):
    ride = regular_ride(world.group, world.driver, seats=3)
    monday = next_weekday(0)
    racers = _passengers(world.group, 3)
    results = race(
        lambda: ride_cancel(ride=ride, acting_user=world.driver),
        *(lambda u=u: booking_request(ride=ride, acting_user=u, seats=1, day=monday)
          for u in racers),
    )  # fmt: skip
    assert not isinstance(results[0], Exception)
    for result in results[1:]:
        assert isinstance(result, Booking) or result.messages == [fr("This ride was cancelled.")]
    assert not Booking.objects.filter(trip__ride=ride, status__in=HOLDING).exists()
    assert all(t.seats_left == t.seats for t in Trip.objects.filter(ride=ride))
