"""The matching rules as pure functions: worked examples on a flat grid (1 unit of
latitude or longitude = 1 km, at 36 km/h, so the arithmetic is exact), then properties
on real roads around Lille: every match passes every rule, and the SQL prefilter's
bounds hold for every match."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coops.core.geo import Point

from .. import matching
from ..matching import Leg, RideShape, TripRequest
from ..services._base import measure as road

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def grid(a: Point, b: Point) -> Leg:
    """Euclidean distance on the (lat, lon) grid in km; 10 m/s."""
    metres = round(math.hypot(a.lat - b.lat, a.lon - b.lon) * 1000)
    return Leg(metres, metres // 10)


def P(x: float, y: float) -> Point:
    return Point(x, y)


def ride(*stops: Point, seats_left: int = 3, margin: int = 10, departure=T0) -> RideShape:
    legs = tuple(grid(a, b) for a, b in pairwise(stops))
    return RideShape(stops, legs, departure, timedelta(minutes=margin), seats_left)


def want(o: Point, d: Point, *, earliest=T0 - timedelta(hours=1), latest=T0 + timedelta(hours=1),
         seats: int = 1) -> TripRequest:  # fmt: skip
    return TripRequest(o, d, earliest, latest, seats)


STRAIGHT = ride(P(0, 0), P(0, 10))  # 10 km, 1,000 s


def test_a_passenger_on_the_way_rides_without_detour():
    found = matching.match(STRAIGHT, want(P(0, 2), P(0, 8)), grid)
    assert (found.detour_m, found.detour_s, found.passenger_m) == (0, 0, 6000)
    assert found.pickup_offset_s == 200
    assert found.pickup_at(T0) == T0 + timedelta(seconds=200)


def test_the_detour_is_at_most_a_quarter_of_the_route():
    # Pickup 3.75 km off the middle: 6.25 + 6.25 − 10 = 2.5 km, exactly 25 %.
    exact = matching.match(STRAIGHT, want(P(3.75, 5), P(0, 10)), grid)
    assert (exact.detour_m, exact.detour_s) == (2500, 250)
    assert matching.match(STRAIGHT, want(P(3.76, 5), P(0, 10)), grid) is None


def test_the_passenger_rides_more_than_35_percent_of_the_route():
    assert matching.match(STRAIGHT, want(P(0, 0), P(0, 3.5)), grid) is None  # exactly 35 %
    assert matching.match(STRAIGHT, want(P(0, 0), P(0, 3.51)), grid).passenger_m == 3510


def test_the_opposite_direction_never_matches():
    assert matching.match(STRAIGHT, want(P(0, 9), P(0, 1)), grid) is None


def test_the_pickup_window_must_overlap_the_passengers():
    # The driver passes (0, 5) at 8:00 + 500 s, ± 10 minutes.
    passes = T0 + timedelta(seconds=500)
    late = want(P(0, 5), P(0, 10), earliest=passes + timedelta(minutes=10), latest=passes
                + timedelta(hours=1))  # fmt: skip
    assert matching.match(STRAIGHT, late, grid) is not None  # the windows touch
    later = want(P(0, 5), P(0, 10), earliest=passes + timedelta(minutes=10, seconds=1),
                 latest=passes + timedelta(hours=1))  # fmt: skip
    assert matching.match(STRAIGHT, later, grid) is None
    early = want(P(0, 5), P(0, 10), earliest=T0 - timedelta(hours=2), latest=T0)
    assert matching.match(STRAIGHT, early, grid) is not None  # 8:00 ≥ 8:08:20 − 10 min


def test_seats_are_checked_a_full_ride_never_matches():
    assert (
        matching.match(ride(P(0, 0), P(0, 10), seats_left=0), want(P(0, 2), P(0, 8)), grid) is None
    )
    two = want(P(0, 2), P(0, 8), seats=2)
    assert matching.match(ride(P(0, 0), P(0, 10), seats_left=1), two, grid) is None
    assert matching.match(ride(P(0, 0), P(0, 10), seats_left=2), two, grid) is not None


def test_waypoints_insert_the_passenger_into_the_best_legs():
    # 0,0 → 0,10 → 10,10: 20 km. A passenger from 0,5 to 5,10 rides across the corner.
    bent = ride(P(0, 0), P(0, 10), P(10, 10))
    found = matching.match(bent, want(P(0, 5), P(5, 10)), grid)
    assert (found.pickup_leg, found.dropoff_leg, found.detour_m) == (0, 1, 0)
    assert found.passenger_m == 7071  # the direct line, more than 35 % of 20 km
    assert found.pickup_offset_s == 500
    # Heading the other way along the second leg is not a match.
    assert matching.match(bent, want(P(5, 10), P(0, 5)), grid) is None


def test_the_best_insertion_is_the_shortest_that_passes():
    # A loop: 0,0 → 0,10 → 0,0. From 0,1 to 0,9 rides the first leg, not the way back.
    loop = ride(P(0, 0), P(0, 10), P(0, 0))
    found = matching.match(loop, want(P(0, 1), P(0, 9)), grid)
    assert (found.pickup_leg, found.dropoff_leg, found.detour_m) == (0, 0, 0)
    back = matching.match(loop, want(P(0, 9), P(0, 1)), grid)
    assert (back.pickup_leg, back.dropoff_leg, back.detour_m) == (1, 1, 0)


def test_fit_checks_the_distance_rules_only():
    late = want(P(0, 2), P(0, 8), earliest=T0 + timedelta(days=1), latest=T0 + timedelta(days=2))
    assert matching.match(STRAIGHT, late, grid) is None
    assert matching.fit(STRAIGHT.stops, STRAIGHT.legs, P(0, 2), P(0, 8), grid).detour_m == 0
    assert matching.fit(STRAIGHT.stops, STRAIGHT.legs, P(5, 5), P(0, 10), grid) is None


def test_direction_ranges_wrap_around_north():
    assert matching.direction_ranges(180) == [(90, 270)]
    assert matching.direction_ranges(10) == [(0, 100), (280, 359)]
    assert matching.direction_ranges(300) == [(210, 359), (0, 30)]


def test_bearings_of_real_rides():
    lille, villeneuve = Point(50.6292, 3.0573), Point(50.6233, 3.145)
    assert matching.bearing(lille, villeneuve) == 96  # east
    assert matching.bearing(villeneuve, lille) == 276
    assert matching.bearing(Point(50.69, 3.17), lille) in range(220, 240)  # Roubaix: south-west


def test_window_classes():
    from ..selectors import MAX_WINDOW_MIN

    assert [matching.span_class(m) for m in (0, 60, 61, 120, 240, 241, 480, 1620)] == [
        0, 0, 1, 1, 2, 3, 3, 4,
    ]  # fmt: skip
    assert matching.SPAN_BOUNDS[-1] >= MAX_WINDOW_MIN  # every ride fits in the last class


def test_route_bounds():
    assert matching.route_bounds(3500) == (2760, 10000)
    assert matching.route_bounds(0) == (0, 0)


# --- properties on real roads ----------------------------------------------------------------

lats = st.floats(50.40, 50.80, allow_nan=False)
lons = st.floats(2.80, 3.30, allow_nan=False)
points = st.builds(Point, lats, lons)


@st.composite
def rides_and_requests(draw):
    first, last = draw(points), draw(points)
    via = sorted(draw(st.lists(st.floats(0.1, 0.9), max_size=3)))
    stops = [first]
    for t in via:  # waypoints near the straight line, in driving order
        dlat, dlon = draw(st.floats(-0.03, 0.03)), draw(st.floats(-0.03, 0.03))
        stops.append(
            Point(first.lat + t * (last.lat - first.lat) + dlat,
                  first.lon + t * (last.lon - first.lon) + dlon)
        )  # fmt: skip
    stops.append(last)
    legs = tuple(road(a, b) for a, b in pairwise(stops))
    if sum(leg.distance_m for leg in legs) < 500:
        stops = [Point(50.6292, 3.0573), Point(50.6233, 3.145)]
        legs = (road(*stops),)
    departure = T0 + timedelta(minutes=draw(st.integers(0, 600)))
    shape = RideShape(
        tuple(stops),
        legs,
        departure,
        timedelta(minutes=draw(st.sampled_from([0, 15, 30, 60]))),
        4 - draw(st.integers(0, 4)),  # a full ride now and then
    )

    # The passenger's points: along the route (usually in driving order), jittered by
    # up to ~400 m, so that a good share of the cases match.
    def along(u: float) -> Point:
        i = min(int(u), len(stops) - 2)
        a, b, t = stops[i], stops[i + 1], u - i
        dlat, dlon = draw(st.floats(-0.004, 0.004)), draw(st.floats(-0.004, 0.004))
        return Point(a.lat + t * (b.lat - a.lat) + dlat, a.lon + t * (b.lon - a.lon) + dlon)

    span = len(stops) - 1
    u1 = span * draw(st.integers(0, 45)) / 100
    u2 = span * (100 - draw(st.integers(0, 45))) / 100
    if not draw(st.integers(0, 9)):  # now and then against the driving order
        u1, u2 = u2, u1
    origin, destination = along(u1), along(u2)
    start = departure + timedelta(minutes=draw(st.integers(-90, 60)))
    request = TripRequest(
        origin, destination, start, start + timedelta(minutes=draw(st.integers(30, 240))),
        draw(st.integers(1, 3)),
    )  # fmt: skip
    return shape, request


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rides_and_requests())
def test_every_match_satisfies_the_rules(case):
    shape, request = case
    found = matching.match(shape, request, road)
    event("match" if found else "no match")
    # The cheap pre-check refuses nothing the rules accept.
    assert matching.match(shape, request, road, matching.road_factor()) == found
    if shape.seats_left < request.seats:
        assert found is None  # a full ride never matches
        return
    if found is None:
        return
    stops = list(shape.stops)
    pickup = found.pickup_leg + 1
    stops.insert(pickup, request.origin)
    stops.insert(found.dropoff_leg + 2, request.destination)
    legs = [road(a, b) for a, b in pairwise(stops)]
    total = Leg(sum(x.distance_m for x in legs), sum(x.duration_s for x in legs))
    assert (total.distance_m, total.duration_s) == (found.distance_m, found.duration_s)
    assert 4 * (total.distance_m - shape.distance_m) <= shape.distance_m
    assert 4 * (total.duration_s - shape.duration_s) <= shape.duration_s
    assert 100 * road(request.origin, request.destination).distance_m > 35 * shape.distance_m
    offset = sum(x.duration_s for x in legs[:pickup])
    passes = shape.departure + timedelta(seconds=offset)
    assert passes - shape.margin <= request.latest
    assert passes + shape.margin >= request.earliest


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rides_and_requests())
def test_the_prefilter_bounds_keep_every_match(case):
    """What the SQL prefilter assumes of a match holds for every match."""
    shape, request = case
    found = matching.match(shape, request, road)
    if found is None:
        return
    box = matching.reach_box(shape.stops, shape.distance_m, matching.reach_share())
    for p in (request.origin, request.destination):
        assert box.min_lat <= p.lat <= box.max_lat
        assert box.min_lon <= p.lon <= box.max_lon
    low, high = matching.route_bounds(road(request.origin, request.destination).distance_m)
    assert low <= shape.distance_m <= high
    if len(shape.stops) == 2:
        heading = matching.bearing(shape.stops[0], shape.stops[-1])
        ranges = matching.direction_ranges(matching.bearing(request.origin, request.destination))
        assert any(lo <= heading <= hi for lo, hi in ranges)
    start, end = matching.window_bounds(shape.departure, shape.margin, shape.duration_s)
    assert start <= request.latest and end >= request.earliest


@settings(max_examples=500, deadline=None)
@given(
    points,
    points,
    st.floats(0, 0.6),
    st.floats(0, 1),
    st.sampled_from([-1, 1]),
)
def test_the_reach_box_holds_pickups_at_the_edge_of_the_detour(a, b, t, offset, side):
    """Pickups pushed sideways off a straight ride, up to where the detour passes 25 %:
    every one the rules accept lies in the ride's reach box."""
    leg = road(a, b)
    if leg.distance_m < 1000:
        return
    # A point at `t` along a→b, pushed sideways by `offset` × the straight length.
    dlat, dlon = b.lat - a.lat, (b.lon - a.lon) * math.cos(math.radians(a.lat))
    px = a.lat + t * dlat + side * offset * -dlon
    py = a.lon + (t * dlon + side * offset * dlat) / math.cos(math.radians(a.lat))
    pickup = Point(px, py)
    found = matching.fit((a, b), (leg,), pickup, b, road)
    event("accepted" if found else "refused")
    if found is None:
        return
    box = matching.reach_box((a, b), leg.distance_m, matching.reach_share())
    assert box.min_lat <= pickup.lat <= box.max_lat
    assert box.min_lon <= pickup.lon <= box.max_lon


@settings(max_examples=200, deadline=None)
@given(points, points)
def test_the_search_measures_as_the_router_does(a, b):
    from ..services._base import measurer

    assert measurer()(a, b) == road(a, b)
