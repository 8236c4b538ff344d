"""Matching a passenger's trip with a driver's ride: Mobicoop's rules, as pure functions.

A ride is its stops (origin, waypoints…, destination) and the legs between them. The
passenger's pickup and drop-off are inserted into the best legs (pickup before drop-off);
the ride matches when, for that insertion:

- the detour is at most 25 % of the driver's route, in distance and in duration;
- the passenger's own trip is more than 35 % of the driver's route;
- the driver passes the pickup inside a window that overlaps the passenger's;
- enough seats are left (Mobicoop's query does not check seats: a full ride never matches).

The SQL prefilter (`selectors.search`) only keeps rides that can pass these rules; the
bounds it relies on are the functions at the end of this module (`reach_km`,
`direction_ranges`, `route_bounds`, `window_bounds`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from coops.core.geo import EARTH_RADIUS_KM, Point, haversine_km

MAX_DETOUR = Fraction(1, 4)  # of the driver's route, in distance and in duration
MIN_SHARE = Fraction(35, 100)  # the passenger's trip over the driver's route, strictly more
# A pickup within MAX_DETOUR of the route lies within 62.5 % of the route's length of it,
# whatever the roads (see reach_km(); the offline router allows a tighter bound).
REACH_SHARE = 0.625
# Without waypoints, a match turns at most ~73° from the driver's heading (detour ≤ 25 %,
# trip > 35 %): 90° leaves room for road shapes.
DIRECTION_TOLERANCE = 90
# Rounding slack (metres) on the bounds the prefilter uses.
SLACK_M = 50


@dataclass(frozen=True, slots=True)
class Leg:
    distance_m: int
    duration_s: int


Measure = Callable[[Point, Point], Leg]


@dataclass(frozen=True, slots=True)
class RideShape:
    """What the rules need of a ride on one date."""

    stops: tuple[Point, ...]
    legs: tuple[Leg, ...]
    departure: datetime
    margin: timedelta
    seats_left: int

    @property
    def distance_m(self) -> int:
        return sum(leg.distance_m for leg in self.legs)

    @property
    def duration_s(self) -> int:
        return sum(leg.duration_s for leg in self.legs)


@dataclass(frozen=True, slots=True)
class TripRequest:
    origin: Point
    destination: Point
    earliest: datetime
    latest: datetime
    seats: int = 1


@dataclass(frozen=True, slots=True)
class Insertion:
    """The passenger inserted into a ride: pickup in leg `pickup_leg`, drop-off in
    `dropoff_leg` (the same leg or a later one)."""

    pickup_leg: int
    dropoff_leg: int
    distance_m: int  # the driver's whole route with the passenger
    duration_s: int
    detour_m: int
    detour_s: int
    passenger_m: int  # the passenger's own trip, pickup to drop-off, direct
    passenger_s: int
    pickup_offset_s: int  # from the driver's departure to the pickup, with the detour
    on_board_s: int  # from the pickup to the drop-off

    def pickup_at(self, departure: datetime) -> datetime:
        return departure + timedelta(seconds=self.pickup_offset_s)


def _add(*legs: Leg) -> Leg:
    return Leg(sum(leg.distance_m for leg in legs), sum(leg.duration_s for leg in legs))


def insertions(
    stops: Sequence[Point], legs: Sequence[Leg], pickup: Point, dropoff: Point, measure: Measure
) -> list[Insertion]:
    """Every way to insert the pickup then the drop-off into the legs: the shortest route
    first, then the shortest time on board for the passenger."""
    n = len(legs)
    base = _add(*legs)
    direct = measure(pickup, dropoff)
    to_p = [measure(stops[i], pickup) for i in range(n)]
    p_to = [measure(pickup, stops[i + 1]) for i in range(n)]
    to_d = [measure(stops[i], dropoff) for i in range(n)]
    d_to = [measure(dropoff, stops[i + 1]) for i in range(n)]
    found = []
    for i in range(n):
        before = _add(*legs[:i])
        for j in range(i, n):
            if i == j:
                added = _add(to_p[i], direct, d_to[i])
                removed = legs[i]
                on_board = direct.duration_s
            else:
                added = _add(to_p[i], p_to[i], to_d[j], d_to[j])
                removed = _add(legs[i], legs[j])
                on_board = _add(p_to[i], *legs[i + 1 : j], to_d[j]).duration_s
            total = Leg(
                base.distance_m - removed.distance_m + added.distance_m,
                base.duration_s - removed.duration_s + added.duration_s,
            )
            found.append(
                Insertion(
                    pickup_leg=i,
                    dropoff_leg=j,
                    distance_m=total.distance_m,
                    duration_s=total.duration_s,
                    detour_m=total.distance_m - base.distance_m,
                    detour_s=total.duration_s - base.duration_s,
                    passenger_m=direct.distance_m,
                    passenger_s=direct.duration_s,
                    pickup_offset_s=before.duration_s + to_p[i].duration_s,
                    on_board_s=on_board,
                )
            )
    found.sort(key=lambda x: (x.distance_m, x.duration_s, x.on_board_s, x.pickup_leg))
    return found


def detour_ok(insertion: Insertion, base: Leg) -> bool:
    return (
        insertion.detour_m <= MAX_DETOUR * base.distance_m
        and insertion.detour_s <= MAX_DETOUR * base.duration_s
    )


def share_ok(passenger_m: int, base_m: int) -> bool:
    return passenger_m > MIN_SHARE * base_m


def windows_overlap(pickup_at: datetime, margin: timedelta, request: TripRequest) -> bool:
    return pickup_at - margin <= request.latest and pickup_at + margin >= request.earliest


def fit(
    stops: Sequence[Point], legs: Sequence[Leg], pickup: Point, dropoff: Point, measure: Measure
) -> Insertion | None:
    """The best insertion that passes the distance rules (detour, share), or None."""
    base = _add(*legs)
    found = insertions(stops, legs, pickup, dropoff, measure)
    if not share_ok(found[0].passenger_m, base.distance_m):
        return None
    return next((x for x in found if detour_ok(x, base)), None)


def within_detour(
    stops: Sequence[Point], legs: Sequence[Leg], point: Point, road_factor: float
) -> bool:
    """A cheap necessary condition for a point to be inserted within MAX_DETOUR: for some
    leg X→Y, straight d(X,P) + d(P,Y) ≤ (road d(X,Y) + R/4) / road_factor (road distances
    are at least road_factor × the straight line: the offline router's factor, else 1)."""
    budget = float(MAX_DETOUR) * sum(leg.distance_m for leg in legs) / 1000
    to_stop = [haversine_km(stop, point) for stop in stops]
    slack = SLACK_M / 1000
    return any(
        to_stop[i] + to_stop[i + 1] <= (leg.distance_m / 1000 + budget) / road_factor + slack
        for i, leg in enumerate(legs)
    )


def may_match(ride: RideShape, request: TripRequest, road_factor: float) -> bool:
    """A cheap necessary condition for match(): seats, and both points within_detour."""
    return ride.seats_left >= request.seats and all(
        within_detour(ride.stops, ride.legs, point, road_factor)
        for point in (request.origin, request.destination)
    )


def match(
    ride: RideShape, request: TripRequest, measure: Measure, road_factor: float | None = None
) -> Insertion | None:
    """The best insertion of the passenger into the ride that passes every rule, or None.
    With `road_factor` (when `measure` is core.routing's, see within_detour), most
    refusals are found without measuring anything."""
    if ride.seats_left < request.seats or request.seats < 1:
        return None
    if road_factor is not None and not may_match(ride, request, road_factor):
        return None
    base = Leg(ride.distance_m, ride.duration_s)
    found = insertions(ride.stops, ride.legs, request.origin, request.destination, measure)
    if not share_ok(found[0].passenger_m, base.distance_m):
        return None
    return next(
        (
            x
            for x in found
            if detour_ok(x, base)
            and windows_overlap(x.pickup_at(ride.departure), ride.margin, request)
        ),
        None,
    )


# --- the bounds of the SQL prefilter ----------------------------------------------------------


def bearing(a: Point, b: Point) -> int:
    """Initial heading from a to b in whole degrees, 0 = north, clockwise."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dlon = math.radians(b.lon - a.lon)
    y = math.sin(dlon) * math.cos(phi2)
    x = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlon)
    return round(math.degrees(math.atan2(y, x))) % 360


def direction_ranges(heading: int) -> list[tuple[int, int]]:
    """The driver headings (inclusive ranges in 0–359) within DIRECTION_TOLERANCE of the
    passenger's `heading`."""
    low, high = heading - DIRECTION_TOLERANCE, heading + DIRECTION_TOLERANCE
    if low < 0:
        return [(0, high), (low + 360, 359)]
    if high > 359:
        return [(low, 359), (0, high - 360)]
    return [(low, high)]


def reach_km(distance_m: int, share: float = REACH_SHARE) -> float:
    """How far from its route a ride may pick someone up: `share` of the route, plus slack.

    Inserting P into a leg X→Y costs d(X,P) + d(P,Y) − d(X,Y) ≤ R/4 (R the route). With
    distances proportional to the straight line (the offline router, factor k), P lies in
    an ellipse of half-width ≤ 0.375·R/k around the leg. With road distances from a real
    router, straight-line d(X,P) + d(P,Y) ≤ road d(X,Y) + R/4 ≤ 5R/4: within 5R/8."""
    return distance_m / 1000 * share + SLACK_M / 1000


def road_factor() -> float:
    """Road distance over straight distance, at least: the offline router's factor, or 1
    for a real router."""
    from django.conf import settings

    from coops.core.routing import ROAD_FACTOR

    if getattr(settings, "ROUTER", "straight") == "straight":
        return float(getattr(settings, "ROUTER_ROAD_FACTOR", ROAD_FACTOR))
    return 1.0


def reach_share() -> float:
    """The share of its route a ride reaches (see reach_km), for the configured router."""
    factor = road_factor()
    return 0.375 / factor if factor > 1 else 0.625


@dataclass(frozen=True, slots=True)
class Box:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def reach_box(stops: Sequence[Point], distance_m: int, share: float = REACH_SHARE) -> Box:
    """The stops' box widened by reach_km() on every side (no antimeridian: France)."""
    radius = reach_km(distance_m, share)
    dlat = math.degrees(radius / EARTH_RADIUS_KM)
    min_lat = max(-90.0, min(p.lat for p in stops) - dlat)
    max_lat = min(90.0, max(p.lat for p in stops) + dlat)
    widest = max(abs(min_lat), abs(max_lat))
    if widest >= 89.0:
        return Box(min_lat, max_lat, -180.0, 180.0)
    dlon = math.degrees(radius / (EARTH_RADIUS_KM * math.cos(math.radians(widest))))
    return Box(
        min_lat,
        max_lat,
        max(-180.0, min(p.lon for p in stops) - dlon),
        min(180.0, max(p.lon for p in stops) + dlon),
    )


def route_bounds(passenger_m: int) -> tuple[int, int]:
    """The driver routes (metres, inclusive) a passenger trip of `passenger_m` can match:
    more than 35 % of the route means route < trip / 0.35; the trip is part of the route
    with the detour (≤ 125 % of the route), so route ≥ trip / 1.25."""
    low = math.floor((passenger_m - SLACK_M) * 4 / 5)
    high = math.ceil(passenger_m * 100 / 35)
    return max(0, low), high


# A ride's window (the pickup may happen in it) is classed by its length in minutes, so
# that the search scans, per class, only the starts that can still overlap: class c holds
# windows of at most SPAN_BOUNDS[c] minutes (the last one, every window a ride can have).
SPAN_BOUNDS = (60, 120, 240, 480, 1620)


def span_class(minutes: int) -> int:
    return next((c for c, bound in enumerate(SPAN_BOUNDS) if minutes <= bound),
                len(SPAN_BOUNDS) - 1)  # fmt: skip


def window_bounds(
    departure: datetime, margin: timedelta, duration_s: int
) -> tuple[datetime, datetime]:
    """When a ride may pass a pickup: from its departure minus the margin to its arrival
    with the longest detour plus the margin."""
    longest = math.ceil(duration_s * (1 + MAX_DETOUR))
    return departure - margin, departure + margin + timedelta(seconds=longest)
