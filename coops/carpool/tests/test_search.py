"""The search: worked examples around Lille, seats per date, and the SQL prefilter
checked against a brute-force match of every ride."""

from __future__ import annotations

import random
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coops.core.geo import Point

from .. import matching
from ..matching import RideShape, TripRequest
from ..models import Ride, Trip
from ..places import Place
from ..selectors import SearchQuery, ride_search
from ..services._base import measure
from .factories import (
    RideFactory,
    at,
    book,
    days_ahead,
    next_weekday,
    place,
    regular_ride,
    tomorrow_at,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def search(world, origin="Lille", destination="Villeneuve-d'Ascq", *, day=None, hour=8,
           margin=60, seats=1, who=None):  # fmt: skip
    query = SearchQuery(
        origin=place(origin) if isinstance(origin, str) else origin,
        destination=place(destination) if isinstance(destination, str) else destination,
        day=day or days_ahead(1),
        at=None if hour is None else time(hour),
        margin_minutes=margin,
        seats=seats,
    )
    return ride_search(group=world.group, user=who or world.alice, query=query)


def test_worked_examples_around_lille(world):
    ride = RideFactory(group=world.group, driver=world.driver)  # Lille → Villeneuve-d'Ascq, 8:00
    RideFactory(
        group=world.group, driver=world.bob, origin=place("Roubaix"), destination=place("Lille")
    )
    RideFactory(
        group=world.group,
        driver=world.bob,
        origin=place("Villeneuve-d'Ascq"),
        destination=place("Lille"),
    )
    afternoon = RideFactory(group=world.group, driver=world.bob, departure_at=tomorrow_at(14))
    full = RideFactory(group=world.group, driver=world.carol, seats=1)
    book(full, world.bob)
    RideFactory(group=world.group, driver=world.alice)  # the searcher's own ride
    outcome = search(world)
    assert [r.ride for r in outcome.results] == [ride]
    assert outcome.candidates == 1  # the opposite, the late, the full and her own: in SQL
    found = outcome.results[0]
    assert (found.seats_left, found.insertion.detour_m, found.pickup_at) == (3, 0, tomorrow_at(8))
    assert str(found.contribution) == "0.81"
    whole_day = search(world, hour=None)
    assert [r.ride for r in whole_day.results] == [ride, afternoon]


def test_part_of_the_way(world):
    ride = RideFactory(group=world.group, driver=world.driver)
    found = search(world, "Mons-en-Barœul", "Villeneuve-d'Ascq").results
    assert [r.ride for r in found] == [ride]
    assert found[0].pickup_at > tomorrow_at(8)
    assert search(world, "Roubaix", "Seclin").results == []


def test_a_full_ride_is_not_a_match(world):
    ride = RideFactory(group=world.group, driver=world.driver, seats=2)
    book(ride, world.bob)
    assert [r.seats_left for r in search(world).results] == [1]
    assert search(world, seats=2).results == []
    book(ride, world.carol)
    assert search(world).results == []
    assert Trip.objects.get(ride=ride).seats_left == 0


def test_regular_rides_match_on_their_weekdays_with_seats_per_date(world):
    ride = regular_ride(world.group, world.driver, seats=1)  # Roubaix → Lille, Mon–Fri 7:45
    monday, tuesday, saturday = next_weekday(0), next_weekday(1), next_weekday(5)
    found = search(world, "Roubaix", "Lille", day=monday).results
    assert [(r.ride, r.day, r.pickup_at) for r in found] == [(ride, monday, at(monday, 7, 45))]
    assert search(world, "Roubaix", "Lille", day=saturday).results == []
    assert search(world, "Roubaix", "Lille", day=monday, hour=11).results == []
    book(ride, world.bob, day=monday)
    assert search(world, "Roubaix", "Lille", day=monday).results == []
    assert [r.ride for r in search(world, "Roubaix", "Lille", day=tuesday).results] == [ride]


def test_a_regular_ride_ends_on_its_last_day(world):
    monday = next_weekday(0)
    regular_ride(world.group, world.driver, valid_until=monday)
    assert len(search(world, "Roubaix", "Lille", day=monday).results) == 1
    later = monday + timedelta(days=7)
    assert search(world, "Roubaix", "Lille", day=later).results == []


def test_cancelled_rides_and_other_groups_are_left_out(world):
    from coops.groups.tests.factories import GroupFactory, MembershipFactory

    from ..services import ride_cancel

    ride = RideFactory(group=world.group, driver=world.driver)
    elsewhere = GroupFactory()
    RideFactory(group=elsewhere, driver=MembershipFactory(group=elsewhere).user)
    assert len(search(world).results) == 1
    ride_cancel(ride=ride, acting_user=world.driver)
    assert search(world).results == []


def test_the_query_count_does_not_grow_with_the_rides(world):
    for hour in (7, 8, 9):
        RideFactory(group=world.group, driver=world.driver, departure_at=tomorrow_at(hour))
    with CaptureQueriesContext(connection) as few:
        assert len(search(world).results) == 3
    for hour in (7, 8, 9):
        RideFactory(group=world.group, driver=world.bob, departure_at=tomorrow_at(hour, 10))
    with CaptureQueriesContext(connection) as more:
        assert len(search(world).results) == 6
    assert len(more.captured_queries) == len(few.captured_queries) == 2  # prefilter, rides


# --- the prefilter against brute force -------------------------------------------------------


def _random_point(rnd: random.Random) -> Point:
    return Point(round(rnd.uniform(50.45, 50.80), 4), round(rnd.uniform(2.85, 3.30), 4))


def _shape(ride: Ride, day) -> RideShape:
    left = Trip.objects.filter(ride=ride, date=day).values_list("seats_left", flat=True).first()
    left = ride.seats if left is None else left
    return RideShape(ride.stops, ride.leg_list, ride.departure_on(day), ride.margin, left)


def test_the_prefilter_never_drops_a_match(world):
    """Seeded random rides and searches: the search finds exactly the rides that a match
    of every ride, one by one, finds."""
    rnd = random.Random(20261124)
    drivers = [world.driver, world.bob, world.carol, world.organiser]
    day = next_weekday(2, after=2)
    rides = []
    for n in range(80):
        a = _random_point(rnd)
        b = _random_point(rnd)
        via = [Place("via", _random_point(rnd))] if n % 5 == 0 else []
        kwargs = {
            "origin": Place("A", a),
            "destination": Place("B", b),
            "waypoints": via,
            "seats": rnd.randint(1, 3),
            "margin_minutes": rnd.choice([0, 15, 30, 60]),
        }
        if n % 3 == 0:
            kwargs |= {"departure_at": None, "weekdays": [2, rnd.randint(0, 6)],
                       "departure_time": time(rnd.randint(6, 19), rnd.choice([0, 30]))}  # fmt: skip
        else:
            kwargs["departure_at"] = at(day, rnd.randint(6, 19), rnd.choice([0, 15, 30, 45]))
        try:
            rides.append(RideFactory(group=world.group, driver=rnd.choice(drivers), **kwargs))
        except ValidationError:  # the same place twice: draw again
            continue
    for ride in rnd.sample(rides, 10):  # some trips partly or fully booked
        seats = rnd.randint(1, ride.seats)
        book(ride, world.alice, seats, day=day if ride.regular else None)
    zone = world.group.zone
    checked = matched = 0
    for _ in range(40):
        # Searches along a ride's route, so that matches are frequent.
        ride = rnd.choice(rides)
        stops = ride.stops

        def near(p: Point) -> Point:
            return Point(p.lat + rnd.uniform(-0.003, 0.003), p.lon + rnd.uniform(-0.003, 0.003))

        o, d = near(stops[0]), near(stops[-1])
        hour = timezone.localtime(ride.departure_on(day), zone).hour + rnd.randint(-1, 1)
        query = SearchQuery(Place("o", o), Place("d", d), day, time(hour),
                            rnd.choice([30, 60, 120]), rnd.randint(1, 2))  # fmt: skip
        found = {
            r.ride.pk for r in ride_search(group=world.group, user=world.bob, query=query).results
        }
        earliest, latest = query.window(zone)
        request = TripRequest(o, d, earliest, latest, query.seats)
        brute = {
            r.pk
            for r in rides
            if r.driver_id != world.bob.pk
            and r.runs_on(day)
            and r.departure_on(day) > timezone.now()
            and matching.match(_shape(r, day), request, measure) is not None
        }
        assert found == brute
        checked += 1
        matched += bool(found)
    assert checked == 40 and matched >= 10
