"""Reads: the search (an index-driven SQL prefilter, then the exact rules in Python), a
driver's rides with their bookings, a passenger's bookings, seats left per date."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils import timezone

from coops.core.geo import Point
from coops.core.money import Money

from . import matching, prefilter
from .matching import Insertion, Leg, RideShape, TripRequest
from .models import MAX_MARGIN_MINUTES, Booking, BookingStatus, Ride, Trip
from .places import Place
from .services._base import contribution_for, measure, measurer
from .services.rides import MAX_DURATION_S

# The widest window a ride can have (its margin on both sides, its longest duration with a
# detour) fits in the last window class.
MAX_WINDOW_MIN = 2 * MAX_MARGIN_MINUTES + math.ceil(MAX_DURATION_S * (1 + matching.MAX_DETOUR) / 60)
# Wall-clock minutes and elapsed minutes differ by an hour on the days clocks change.
DST_SLACK_MIN = 60
RESULTS = 50


@dataclass(frozen=True)
class SearchQuery:
    origin: Place
    destination: Place
    day: date
    at: time | None = None  # None: any time that day
    margin_minutes: int = 60
    seats: int = 1

    def window(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The passenger's window, never before now."""
        if self.at is None:
            start = datetime.combine(self.day, time(0, 0), tzinfo=zone)
            end = datetime.combine(self.day, time(23, 59, 59), tzinfo=zone)
        else:
            wanted = datetime.combine(self.day, self.at, tzinfo=zone)
            margin = timedelta(minutes=self.margin_minutes)
            start, end = wanted - margin, wanted + margin
        return max(start, timezone.now()), end


@dataclass(frozen=True)
class Result:
    ride: Ride
    day: date
    departure: datetime
    insertion: Insertion
    seats_left: int
    contribution: Decimal

    @property
    def pickup_at(self) -> datetime:
        return self.insertion.pickup_at(self.departure)

    @property
    def detour_km(self) -> float:
        return round(self.insertion.detour_m / 1000, 1)

    @property
    def passenger_km(self) -> float:
        return round(self.insertion.passenger_m / 1000, 1)

    @property
    def contribution_money(self) -> Money:
        return Money(self.contribution, self.ride.currency)


@dataclass(frozen=True)
class SearchOutcome:
    results: list[Result]
    candidates: int  # rows the SQL prefilter let through
    checked: int  # of those, rows that passed the cheap straight-line check: measured in full


def day_minutes(day: date, earliest: datetime, latest: datetime, zone: ZoneInfo) -> tuple:
    """The window as minutes after the day's midnight, as regular rides store their times
    (wall-clock): widened by an hour on the days the clocks change."""
    midnight = datetime.combine(day, time(0, 0), tzinfo=zone)
    next_midnight = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=zone)
    slack = DST_SLACK_MIN if midnight.utcoffset() != next_midnight.utcoffset() else 0
    first = math.floor((earliest - midnight).total_seconds() / 60) - slack
    last = math.ceil((latest - midnight).total_seconds() / 60) + slack
    return first, last


def search_bounds(group, user, query: SearchQuery) -> prefilter.Bounds:
    """What the SQL prefilter checks for `query`: the bounds `matching` proves."""
    zone = group.zone
    earliest, latest = query.window(zone)
    o, d = query.origin.point, query.destination.point
    low, high = matching.route_bounds(measure(o, d).distance_m)
    first, last = day_minutes(query.day, earliest, latest, zone)
    return prefilter.Bounds(
        group_id=group.pk,
        driver_id=user.pk if user is not None and user.is_authenticated else None,
        origin=o,
        destination=d,
        route_low=low,
        route_high=high,
        headings=matching.direction_ranges(matching.bearing(o, d)),
        earliest=earliest,
        latest=latest,
        day=query.day,
        first_minute=first,
        last_minute=last,
        seats=query.seats,
    )


def _shape(row: tuple, day: date, zone: ZoneInfo) -> RideShape:
    _pk, olat, olon, dlat, dlon, waypoints, legs, regular, dep_at, dep_time, margin, left = row
    stops = (
        Point(olat, olon),
        *(Point(w["lat"], w["lon"]) for w in waypoints),
        Point(dlat, dlon),
    )
    departure = datetime.combine(day, dep_time, tzinfo=zone) if regular else dep_at
    return RideShape(
        stops=stops,
        legs=tuple(Leg(int(m), int(s)) for m, s in legs),
        departure=departure,
        margin=timedelta(minutes=margin),
        seats_left=left,
    )


def ride_search(*, group, user, query: SearchQuery, limit: int = RESULTS) -> SearchOutcome:
    """Rides of `group` that `user` can join for `query`: every result passes every rule
    of matching.match (detour, share, time window, seats). Sorted by how close the pickup
    is to the wanted time (or by pickup time), then by detour."""
    zone = group.zone
    earliest, latest = query.window(zone)
    request = TripRequest(
        query.origin.point, query.destination.point, earliest, latest, query.seats
    )
    rows = prefilter.rows(search_bounds(group, user, query))
    factor, fast = matching.road_factor(), measurer()
    found: list[tuple[int, RideShape, Insertion, int]] = []
    checked = 0
    for row in rows:
        shape = _shape(row, query.day, zone)
        if not matching.may_match(shape, request, factor):
            continue
        checked += 1
        insertion = matching.match(shape, request, fast)
        if insertion is not None:
            found.append((row[0], shape, insertion, row[-1]))
    wanted = datetime.combine(query.day, query.at, tzinfo=zone) if query.at else earliest

    def rank(item) -> tuple:
        _pk, shape, insertion, _left = item
        gap = abs((insertion.pickup_at(shape.departure) - wanted).total_seconds())
        return (gap, insertion.detour_m, _pk)

    found.sort(key=rank)
    found = found[:limit]
    rides = Ride.objects.select_related("driver", "group").in_bulk([f[0] for f in found])
    results = []
    for pk, shape, insertion, left in found:
        ride = rides[pk]
        day = timezone.localtime(shape.departure, zone).date()
        results.append(
            Result(
                ride=ride,
                day=day,
                departure=shape.departure,
                insertion=insertion,
                seats_left=left,
                contribution=contribution_for(ride, insertion.passenger_m, query.seats),
            )
        )
    return SearchOutcome(results=results, candidates=len(rows), checked=checked)


# --- pages -----------------------------------------------------------------------------------


def seats_left_on(ride: Ride, day: date) -> int:
    left = Trip.objects.filter(ride=ride, date=day).values_list("seats_left", flat=True).first()
    return ride.seats if left is None else left


def ride_dates(ride: Ride, count: int = 8) -> list[tuple[date, int]]:
    """The next dates the ride runs on, from today, with the seats left on each."""
    zone = ride.group.zone
    now = timezone.now()
    days = [
        d for d in ride.next_dates(timezone.localdate(timezone=zone), count + 1)
        if ride.departure_on(d) > now
    ][:count]  # fmt: skip
    left = dict(Trip.objects.filter(ride=ride, date__in=days).values_list("date", "seats_left"))
    return [(d, left.get(d, ride.seats)) for d in days]


def _bookings_by_trip() -> Prefetch:
    return Prefetch(
        "bookings",
        queryset=Booking.objects.select_related("passenger").order_by("created_at", "pk"),
    )


def ride_bookings(ride: Ride) -> list[Trip]:
    """The driver's view of one ride: its trips from a week ago on, with their bookings."""
    since = timezone.now() - timedelta(days=7)
    return list(
        Trip.objects.filter(ride=ride, departure_at__gte=since)
        .prefetch_related(_bookings_by_trip())
        .order_by("departure_at")
    )


def driver_rides(*, group, user) -> list[Ride]:
    """The user's rides in `group` that still run, or ran in the last week, each with
    `recent_trips` (trips from a week ago on, with their bookings and passengers)."""
    since = timezone.now() - timedelta(days=7)
    today = group.today()
    trips = Trip.objects.filter(departure_at__gte=since).prefetch_related(_bookings_by_trip())
    rides = (
        Ride.objects.filter(group=group, driver=user)
        .filter(
            Q(regular=False, departure_at__gte=since)
            | Q(regular=True, valid_until__isnull=True)
            | Q(regular=True, valid_until__gte=today - timedelta(days=7))
        )
        .prefetch_related(Prefetch("trips", queryset=trips, to_attr="recent_trips"))
        .order_by("-status", "departure_at", "departure_time", "pk")
    )
    return list(rides)


def passenger_bookings(*, group, user) -> dict[str, list[Booking]]:
    """The user's bookings in `group`: "upcoming" (holding seats, not yet left, soonest
    first) and "past" (the rest, latest first; the last 50)."""
    rows = Booking.objects.filter(trip__ride__group=group, passenger=user).select_related(
        "trip__ride__driver", "trip__ride__group", "transaction"
    )
    now = timezone.now()
    upcoming = rows.filter(
        status__in=[BookingStatus.REQUESTED, BookingStatus.ACCEPTED], trip__departure_at__gt=now
    ).order_by("trip__departure_at", "pk")
    past = rows.exclude(pk__in=upcoming.values("pk")).order_by("-trip__departure_at", "-pk")
    return {"upcoming": list(upcoming), "past": list(past[:50])}


def open_requests_count(*, group, user) -> int:
    """Requests waiting for the user's answer as a driver (for the navigation badge)."""
    return Booking.objects.filter(
        trip__ride__group=group,
        trip__ride__driver=user,
        status=BookingStatus.REQUESTED,
        trip__departure_at__gt=timezone.now(),
    ).count()


def upcoming_rides(*, group, limit: int = 20) -> dict[str, list[Ride]]:
    """The group's next one-off rides (soonest first) and its regular rides still running,
    for the search page before a search."""
    today = group.today()
    rides = Ride.objects.published().filter(group=group).select_related("driver", "group")
    once = rides.filter(regular=False, departure_at__gt=timezone.now()).order_by("departure_at")
    weekly = rides.filter(regular=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    return {
        "next_rides": list(once[:limit]),
        "weekly_rides": list(weekly.order_by("departure_time", "pk")[:limit]),
    }
