"""The search's SQL prefilter, written as one parameterised statement.

It is the hot path of every search: the same statement, built from a fixed template,
whatever the request (the ORM spent more time compiling the ten-part UNION than the
database spent running it). Each part is an index range scan on a window's start, per
kind of ride (the partial indexes `carpool_ride_once_window`/`_regular_window`) and per
window class (`matching.SPAN_BOUNDS`); every other condition is a residual check of the
bounds `matching` proves (reach box, route length, heading, window end, weekday,
validity), and the seats left on that date come last, once per surviving row.
tests/test_search.py checks it against a brute-force match of every ride.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime, parse_time

from coops.core.geo import Point

from . import matching

COLUMNS = (
    "r.id, r.origin_lat, r.origin_lon, r.destination_lat, r.destination_lon, r.waypoints,"
    " r.legs, r.regular, r.departure_at, r.departure_time, r.margin_minutes"
)
KINDS = {
    # kind: (is this kind, the indexed start, the other window conditions, the trip's date)
    "once": (
        "NOT r.regular",
        "r.window_start",
        "r.window_end >= %s AND r.departure_at > %s",
        "",
    ),
    "regular": (
        "r.regular",
        "r.day_start_min",
        "r.day_end_min >= %s AND r.valid_from <= %s"
        " AND (r.valid_until IS NULL OR r.valid_until >= %s) AND (r.weekdays & %s) <> 0",
        " AND t.date = %s",
    ),
}


@dataclass(frozen=True)
class Bounds:
    """What a request allows, in the columns' terms."""

    group_id: int
    driver_id: int | None
    origin: Point
    destination: Point
    route_low: int
    route_high: int
    headings: list[tuple[int, int]]
    earliest: datetime
    latest: datetime
    day: date
    first_minute: int
    last_minute: int
    seats: int


def _part(kind: str, bounds: Bounds) -> tuple[str, list]:
    is_kind, start, window, trip_date = KINDS[kind]
    o, d = bounds.origin, bounds.destination
    headings = " OR ".join("r.bearing BETWEEN %s AND %s" for _ in bounds.headings)
    sql = (
        f"SELECT {COLUMNS}, COALESCE((SELECT t.seats_left FROM carpool_trip t"  # noqa: S608
        f" WHERE t.ride_id = r.id{trip_date}), r.seats) AS seats_left"
        f" FROM carpool_ride r WHERE r.group_id = %s AND r.status = 'published' AND {is_kind}"
        f" AND r.span_class = %s AND {start} >= %s AND {start} <= %s AND {window}"
        " AND r.reach_min_lat <= %s AND r.reach_max_lat >= %s"
        " AND r.reach_min_lon <= %s AND r.reach_max_lon >= %s"
        f" AND r.distance_m BETWEEN %s AND %s AND (r.has_waypoints OR {headings})"
    )
    if bounds.driver_id is not None:
        sql += " AND r.driver_id <> %s"
    ops = connection.ops
    if kind == "once":
        window_params = [
            ops.adapt_datetimefield_value(bounds.earliest),
            ops.adapt_datetimefield_value(timezone.now()),
        ]
    else:
        day = ops.adapt_datefield_value(bounds.day)
        window_params = [bounds.first_minute, day, day, 1 << bounds.day.weekday()]
    common = [
        min(o.lat, d.lat), max(o.lat, d.lat), min(o.lon, d.lon), max(o.lon, d.lon),
        bounds.route_low, bounds.route_high,
        *(value for pair in bounds.headings for value in pair),
    ]  # fmt: skip
    if bounds.driver_id is not None:
        common.append(bounds.driver_id)
    parts, params = [], []
    for c, span in enumerate(matching.SPAN_BOUNDS):
        if kind == "once":
            low = ops.adapt_datetimefield_value(bounds.earliest - timedelta(minutes=span))
            high = ops.adapt_datetimefield_value(bounds.latest)
        else:
            low, high = bounds.first_minute - span, bounds.last_minute
        parts.append(sql)
        trip = [ops.adapt_datefield_value(bounds.day)] if trip_date else []
        params += [*trip, bounds.group_id, c, low, high, *window_params, *common]
    return " UNION ALL ".join(parts), params


def statement(bounds: Bounds) -> tuple[str, list]:
    once, once_params = _part("once", bounds)
    regular, regular_params = _part("regular", bounds)
    sql = f"SELECT * FROM ({once} UNION ALL {regular}) c WHERE c.seats_left >= %s"  # noqa: S608
    return sql, [*once_params, *regular_params, bounds.seats]


def rows(bounds: Bounds) -> list[tuple]:
    """(id, origin lat, lon, destination lat, lon, waypoints, legs, regular, departure_at,
    departure_time, margin, seats left) of every ride that passes the prefilter."""
    with connection.cursor() as cursor:
        cursor.execute(*statement(bounds))
        return [_decode(row) for row in cursor.fetchall()]


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _decode(row: tuple) -> tuple:
    """SQLite gives text for JSON, datetimes and times; PostgreSQL gives Python values."""
    pk, olat, olon, dlat, dlon, waypoints, legs, regular, dep_at, dep_time, margin, left = row
    if isinstance(dep_at, str):
        dep_at = parse_datetime(dep_at)
    if dep_at is not None and timezone.is_naive(dep_at):
        dep_at = timezone.make_aware(dep_at, ZoneInfo("UTC"))
    if isinstance(dep_time, str):
        dep_time = parse_time(dep_time)
    return (pk, olat, olon, dlat, dlon, _json(waypoints), _json(legs), bool(regular), dep_at,
            dep_time, margin, left)  # fmt: skip
