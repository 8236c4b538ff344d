"""`make bench-carpool`: matching one passenger request among 100,000 ride offers.

1. Data (kept between runs unless --fresh): var/bench/carpool.sqlite3, or with --postgres
   the database coops_bench_carpool on the server of DATABASE_URL. One group, 2,000
   drivers, --rides ride offers (100,000) around the towns of the Hauts-de-France: 70 %
   one-off over the next 30 days, 30 % regular (weekdays), departures peaking at 7–9 h and
   17–19 h, one in ten with a waypoint. The search columns are computed by the app's own
   functions (`ride_geometry`, `ride_schedule`) and the rows written with bulk_create;
   one trip in ten is full and one in ten half booked.
2. --requests seeded passenger requests (town to town, a date, a time ± 1 h), each timed
   through `coops.carpool.selectors.ride_search` (SQL prefilter + the exact rules in
   Python), with the floor timed just before: a plain indexed lookup of the same rows,
   the ids in the two index ranges the prefilter scans (`carpool_ride_once_window`,
   `carpool_ride_regular_window`), through a bare cursor.
Prints p50/p95 of the search, of the floor, the median paired ratio, how many rows the
index ranges hold, how many reach the exact check and how many match; writes
bench/out/carpool.json (carpool-pg.json).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from bench import governance as scratch  # noqa: E402

OUT = BASE_DIR / "bench" / "out"
PG_NAME = "coops_bench_carpool"
GROUP_SLUG = "bench-covoiturage"
SEED = 20261124
DRIVERS = 2_000
TARGET_MS = 200
# Towns of the Hauts-de-France: (name, lat, lon, weight).
TOWNS = [
    ("Lille", 50.6292, 3.0573, 10), ("Roubaix", 50.6942, 3.1746, 4),
    ("Tourcoing", 50.7239, 3.1612, 4), ("Villeneuve-d'Ascq", 50.6233, 3.145, 4),
    ("Lens", 50.4329, 2.8277, 3), ("Arras", 50.291, 2.7775, 3), ("Douai", 50.3714, 3.08, 3),
    ("Valenciennes", 50.358, 3.5233, 3), ("Dunkerque", 51.0343, 2.3768, 3),
    ("Calais", 50.9513, 1.8587, 2), ("Boulogne-sur-Mer", 50.7264, 1.6147, 2),
    ("Amiens", 49.8941, 2.2958, 4), ("Béthune", 50.5303, 2.6408, 2),
    ("Saint-Omer", 50.7500, 2.2523, 1), ("Cambrai", 50.1759, 3.2347, 1),
    ("Maubeuge", 50.2775, 3.9734, 1), ("Armentières", 50.6881, 2.88, 2),
    ("Seclin", 50.5486, 3.0297, 1), ("Hazebrouck", 50.7236, 2.5386, 1),
    ("Saint-Quentin", 49.8465, 3.2876, 1),
]  # fmt: skip


def configure(args) -> str:
    return scratch.app_database(
        postgres=args.postgres, fresh=args.fresh, pg_name=PG_NAME, sqlite_file="carpool.sqlite3"
    )


# --- the data --------------------------------------------------------------------------------


def _hour(rnd: random.Random) -> int:
    """Departure hours peaking at 7–9 h and 17–19 h."""
    if rnd.random() < 0.6:
        return rnd.choice([7, 7, 8, 8, 9, 17, 17, 18, 18, 19])
    return rnd.randint(6, 21)


def _place(rnd: random.Random):
    """A point near a town (within about 5 km), towns weighted by size."""
    from coops.core.geo import Point

    name, lat, lon, _w = rnd.choices(TOWNS, weights=[t[3] for t in TOWNS])[0]
    return name, Point(round(lat + rnd.uniform(-0.045, 0.045), 5),
                       round(lon + rnd.uniform(-0.07, 0.07), 5))  # fmt: skip


def _trip_points(rnd: random.Random):
    """Two points 3 to 120 km apart (straight line)."""
    from coops.core.geo import haversine_km

    while True:
        (a_name, a), (b_name, b) = _place(rnd), _place(rnd)
        if 3 <= haversine_km(a, b) <= 120:
            return (a_name, a), (b_name, b)


def _ride_rows(group, drivers: list[int], count: int, rnd: random.Random, today: date, zone):
    from coops.carpool.models import Ride
    from coops.carpool.services.rides import ride_geometry, ride_schedule
    from coops.core.geo import Point

    for n in range(count):
        (a_name, a), (b_name, b) = _trip_points(rnd)
        via = []
        if n % 10 == 0:  # a waypoint near the middle
            via = [Point((a.lat + b.lat) / 2 + rnd.uniform(-0.03, 0.03),
                         (a.lon + b.lon) / 2 + rnd.uniform(-0.03, 0.03))]  # fmt: skip
        stops = [a, *via, b]
        geometry = ride_geometry(stops)
        margin = rnd.choice([0, 15, 15, 30, 60])
        regular = rnd.random() < 0.3
        hour, minute = _hour(rnd), rnd.choice([0, 15, 30, 45])
        if regular:
            days = rnd.choice([[0, 1, 2, 3, 4], [0, 1, 2, 3, 4], [0, 2, 4], [1, 3], [5, 6]])
            schedule = ride_schedule(
                departure_at=None, weekdays=days, departure_time=clock(hour, minute),
                valid_from=today, valid_until=None, margin_minutes=margin,
                duration_s=geometry["duration_s"],
            )  # fmt: skip
        else:
            day = today + timedelta(days=rnd.randint(1, 30))
            departure = datetime.combine(day, clock(hour, minute), tzinfo=zone)
            schedule = ride_schedule(
                departure_at=departure, weekdays=(), departure_time=None, valid_from=None,
                valid_until=None, margin_minutes=margin, duration_s=geometry["duration_s"],
            )  # fmt: skip
        yield Ride(
            group=group,
            driver_id=drivers[n % len(drivers)],
            origin_label=a_name,
            origin_lat=a.lat,
            origin_lon=a.lon,
            destination_label=b_name,
            destination_lat=b.lat,
            destination_lon=b.lon,
            waypoints=[{"label": "via", "lat": p.lat, "lon": p.lon} for p in via],
            has_waypoints=bool(via),
            margin_minutes=margin,
            seats=rnd.randint(1, 4),
            contribution_per_km=Decimal("0.08"),
            **geometry,
            **schedule,
        )


def prepare(rides: int) -> dict:
    """The group, its drivers, the rides and some booked trips, once."""
    from zoneinfo import ZoneInfo

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from coops.accounts.models import User
    from coops.carpool.models import Ride, Trip
    from coops.groups.models import Group, GroupKind, GroupModule, Membership, MembershipStatus

    call_command("migrate", verbosity=0, interactive=False)
    group = Group.objects.filter(slug=GROUP_SLUG).first()
    if group is not None and Ride.objects.filter(group=group).count() == rides:
        return {"reused": True, "rides": rides, "trips": Trip.objects.count()}
    started = time.perf_counter()
    print(f"  writing {rides:,} rides…", flush=True)
    rnd = random.Random(SEED)
    zone = ZoneInfo("Europe/Paris")
    today = timezone.localdate(timezone=zone)
    with transaction.atomic():
        Trip.objects.filter(ride__group__slug=GROUP_SLUG).delete()
        Ride.objects.filter(group__slug=GROUP_SLUG).delete()
        group, _ = Group.objects.get_or_create(
            slug=GROUP_SLUG, defaults={"name": "Covoiturage des Hauts-de-France",
                                       "kind": GroupKind.NETWORK},
        )  # fmt: skip
        GroupModule.objects.get_or_create(group=group, module="carpool")
        User.objects.bulk_create(
            (User(email=f"conducteur{i}@bench.example", display_name=f"Conducteur {i}")
             for i in range(DRIVERS)),
            batch_size=2_000, ignore_conflicts=True,
        )  # fmt: skip
        drivers = list(
            User.objects.filter(email__endswith="@bench.example")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Membership.objects.bulk_create(
            (Membership(group=group, user_id=uid, status=MembershipStatus.ACTIVE)
             for uid in drivers),
            batch_size=2_000, ignore_conflicts=True,
        )  # fmt: skip
        Ride.objects.bulk_create(
            _ride_rows(group, drivers, rides, rnd, today, zone), batch_size=1_000
        )
        trips = []
        for pk, regular, seats, departure, dep_time in Ride.objects.filter(group=group).values_list(
            "pk", "regular", "seats", "departure_at", "departure_time"
        ):
            roll = rnd.random()
            if roll >= 0.2:
                continue
            left = 0 if roll < 0.1 else seats // 2
            if regular:  # a booked date in the next fortnight
                day = today + timedelta(days=rnd.randint(1, 14))
                departure = datetime.combine(day, dep_time, tzinfo=zone)
            else:
                day = timezone.localtime(departure, zone).date()
            trips.append(Trip(ride_id=pk, date=day, departure_at=departure, seats=seats,
                              seats_left=left))  # fmt: skip
        Trip.objects.bulk_create(trips, batch_size=2_000, ignore_conflicts=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "reused": False,
        "seconds": round(time.perf_counter() - started, 1),
        "rides": Ride.objects.filter(group=group).count(),
        "trips": Trip.objects.count(),
    }


# --- the measure -----------------------------------------------------------------------------


def requests(count: int):
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from coops.carpool.places import Place
    from coops.carpool.selectors import SearchQuery

    rnd = random.Random(SEED + 1)
    today = timezone.localdate(timezone=ZoneInfo("Europe/Paris"))
    for _ in range(count):
        (a_name, a), (b_name, b) = _trip_points(rnd)
        day = today + timedelta(days=rnd.randint(1, 28))
        yield SearchQuery(Place(a_name, a), Place(b_name, b), day, clock(_hour(rnd)), 60, 1)


def floor_query(group, query) -> int:
    """The bare index lookups the prefilter starts from: the ids in the ranges it scans
    (per kind of ride and window class), with no other condition."""
    from django.db import connection

    from coops.carpool import matching, selectors

    bounds = selectors.search_bounds(group, None, query)
    once = (
        "SELECT id FROM carpool_ride WHERE group_id = %s AND status = 'published'"
        " AND NOT regular AND span_class = %s AND window_start >= %s AND window_start <= %s"
    )
    regular = (
        "SELECT id FROM carpool_ride WHERE group_id = %s AND status = 'published'"
        " AND regular AND span_class = %s AND day_start_min >= %s AND day_start_min <= %s"
    )
    adapt = connection.ops.adapt_datetimefield_value
    sql, params = [], []
    for c, span in enumerate(matching.SPAN_BOUNDS):
        sql += [once, regular]
        low = adapt(bounds.earliest - timedelta(minutes=span))
        params += [group.pk, c, low, adapt(bounds.latest)]
        params += [group.pk, c, bounds.first_minute - span, bounds.last_minute]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql), params)
        return len(cursor.fetchall())


def plan(group, query) -> list[str]:
    """The database's plan for the prefilter statement (its first parts)."""
    from django.db import connection

    from coops.carpool import prefilter, selectors

    sql, params = prefilter.statement(selectors.search_bounds(group, None, query))
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        lines = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
    return lines[:8]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def measure(group, count: int) -> dict:
    from coops.carpool.selectors import ride_search

    queries = list(requests(count))
    for query in queries[:5]:  # warm the caches
        ride_search(group=group, user=None, query=query)
    times, floors, ratios, scanned, candidates, checked, matches = [], [], [], [], [], [], []
    for query in queries:
        started = time.perf_counter()
        rows = floor_query(group, query)
        floor = time.perf_counter() - started
        started = time.perf_counter()
        outcome = ride_search(group=group, user=None, query=query)
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        floors.append(floor)
        ratios.append(elapsed / floor)
        scanned.append(rows)
        candidates.append(outcome.candidates)
        checked.append(outcome.checked)
        matches.append(len(outcome.results))
    ms = [t * 1000 for t in times]
    floor_ms = [f * 1000 for f in floors]
    return {
        "requests": count,
        "search_p50_ms": round(statistics.median(ms), 2),
        "search_p95_ms": round(percentile(ms, 0.95), 2),
        "search_max_ms": round(max(ms), 2),
        "floor_p50_ms": round(statistics.median(floor_ms), 2),
        "floor_p95_ms": round(percentile(floor_ms, 0.95), 2),
        "ratio_p50": round(statistics.median(ratios), 1),
        "index_rows_p50": statistics.median(scanned),
        "index_rows_max": max(scanned),
        "candidates_p50": statistics.median(candidates),
        "candidates_p95": percentile(candidates, 0.95),
        "candidates_max": max(candidates),
        "checked_p50": statistics.median(checked),
        "checked_p95": percentile(checked, 0.95),
        "checked_max": max(checked),
        "matches_p50": statistics.median(matches),
        "matches_max": max(matches),
        "requests_with_a_match": sum(1 for m in matches if m),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--rides", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--fresh", action="store_true", help="write the data again")
    args = parser.parse_args()
    where = configure(args)
    from django.db import connection

    from coops.groups.models import Group

    print(f"carpool matching benchmark on {where}", flush=True)
    data = prepare(args.rides)
    state = "reused" if data["reused"] else f"written in {data['seconds']} s"
    print(f"  {data['rides']:,} ride offers, {data['trips']:,} booked trips ({state})")
    group = Group.objects.get(slug=GROUP_SLUG)
    result = measure(group, args.requests)
    query = next(requests(1))
    steps = plan(group, query)
    r = result
    print(f"\n{'':<34}{'p50':>10}{'p95':>10}")
    for label, key in (("ride_search (one request)", "search"),
                       ("floor: the index ranges alone", "floor")):  # fmt: skip
        print(f"{label:<34}{r[key + '_p50_ms']:>8.1f}ms{r[key + '_p95_ms']:>8.1f}ms")
    print(f"× floor (median of paired ratios): {r['ratio_p50']}")
    print(
        f"rows in the index ranges: p50 {r['index_rows_p50']:,}, max {r['index_rows_max']:,};"
        f" passing the SQL prefilter: p50 {r['candidates_p50']}, p95 {r['candidates_p95']},"
        f" max {r['candidates_max']}; measured in full (after the straight-line check):"
        f" p50 {r['checked_p50']}, p95 {r['checked_p95']}, max {r['checked_max']};"
        f" matches: p50 {r['matches_p50']}, max {r['matches_max']}"
        f" ({r['requests_with_a_match']} of {r['requests']} requests found a ride)"
    )
    verdict = "met" if r["search_p95_ms"] < TARGET_MS else "NOT met"
    print(f"target: p95 < {TARGET_MS} ms among {data['rides']:,} offers — {verdict}")
    print(f"{connection.vendor} plan of the prefilter statement (first lines):")
    for step in steps:
        print(f"  {step}")
    OUT.mkdir(parents=True, exist_ok=True)
    name = "carpool-pg.json" if args.postgres else "carpool.json"
    (OUT / name).write_text(
        json.dumps(
            {"database": where, "data": data, "results": result, "plan": steps,
             "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()}},
            indent=2, default=str,
        )
        + "\n"
    )  # fmt: skip
    print(f"Written to {(OUT / name).relative_to(BASE_DIR)}")
    return 0 if r["search_p95_ms"] < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
