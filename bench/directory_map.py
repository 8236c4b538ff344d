"""`make bench-map`: the directory map's JSON at every zoom, as ratios to a floor.

1. Data: the database of bench/directory.py (N generated actors, kept between runs):
   100,000 on SQLite by default, 1,000,000 on PostgreSQL with --postgres; --fresh rebuilds.
   On PostgreSQL the actor tables are vacuumed first, as autovacuum would have done.
2. Views: for each zoom from 3 to 18, the box a 1280 × 800 px map shows around Paris (the
   densest place) and around the centre of France, as a browser would ask for it. Also a few
   filtered views (a sector, a word) around Paris.
3. Each view is requested --runs times through Django's test client (the whole middleware
   stack, in-process) with an empty cache, and timed; the **floor**, interleaved with it, is
   the cheapest SQL that answers anything about the same box: COUNT(*) of the published
   actors in it, through a bare cursor. The ratio is the view's median time ÷ the floor's
   median time. The same request again shows what the cached clusters save.
4. Prints, per view: the answer (points or clusters), the response size in KB, the median
   server time, the floor and the ratio; flags any response over 150 KB (exit code 1).
   Writes bench/out/directory_map.json (or directory_map-pg.json).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from bench import directory as directory_bench  # noqa: E402

OUT = BASE_DIR / "bench" / "out"
MAX_BYTES = 150 * 1024
VIEWPORT = (1280, 800)
CENTRES = {"Paris": (48.8566, 2.3522), "centre of France": (46.6, 2.4)}
ZOOMS = range(3, 19)
FILTERED = [
    ({"sector": "alimentation"}, (5, 8, 11, 14)),
    ({"q": "boulangerie"}, (5, 8, 11, 14)),
    ({"kind": "shop", "sector": "alimentation"}, (6, 12)),
]
DATA_URL = "/annuaire/carte/donnees/"


def floor_sql() -> str:
    from coops.directory.models import Actor

    table = Actor._meta.db_table
    return (
        f"SELECT COUNT(*) FROM {table} WHERE status = 'published'"  # noqa: S608
        " AND latitude >= %s AND latitude <= %s AND longitude >= %s AND longitude <= %s"
    )


def settle() -> None:
    """VACUUM ANALYZE on PostgreSQL, as autovacuum leaves a table some time after a bulk
    load: without the visibility map, every index-only scan reads the heap as well."""
    from django.db import connection

    from coops.directory.models import Actor

    if connection.vendor != "postgresql":
        return
    tables = [Actor._meta.db_table, Actor.sectors.through._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")


def measure(client, centre: tuple[float, float], zoom: int, filters: dict, runs: int) -> dict:
    """Median time of the endpoint and of the floor for one view, interleaved."""
    from django.core.cache import cache
    from django.db import connection

    from coops.core.geo import Point, web_map_box

    box = web_map_box(Point(*centre), zoom, *VIEWPORT)
    bbox = f"{box.min_lon:.5f},{box.min_lat:.5f},{box.max_lon:.5f},{box.max_lat:.5f}"
    url = f"{DATA_URL}?{urlencode({**filters, 'bbox': bbox, 'zoom': zoom})}"
    sql = floor_sql()
    floor_params = [box.min_lat, box.max_lat, box.min_lon, box.max_lon]
    response = client.get(url)  # warm-up (and the answer to report)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}: {response.content[:200]!r}")
    body = response.json()
    view_times, warm_times, floor_times = [], [], []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql, floor_params)
            in_box = cursor.fetchone()[0]
            floor_times.append(time.perf_counter() - started)
            cache.clear()  # cold: the clusters computed, not read from the cache
            started = time.perf_counter()
            client.get(url)
            view_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            client.get(url)
            warm_times.append(time.perf_counter() - started)
    view_ms = statistics.median(view_times) * 1000
    warm_ms = statistics.median(warm_times) * 1000
    floor_ms = statistics.median(floor_times) * 1000
    return {
        "url": url,
        "zoom": zoom,
        "mode": "points" if body["points"] else "clusters" if body["clusters"] else "empty",
        "items": len(body["points"]) or len(body["clusters"]),
        "total": body["total"],
        "in_box_unfiltered": in_box,
        "bytes": len(response.content),
        "view_ms": round(view_ms, 2),
        "warm_ms": round(warm_ms, 2),
        "floor_ms": round(floor_ms, 2),
        "ratio": round(view_ms / floor_ms, 2) if floor_ms else None,
    }


def print_rows(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(
        f"{'zoom':>4} {'answer':>15} {'actors':>10} {'KB':>7} {'server ms':>10}"
        f" {'floor ms':>9} {'× floor':>8} {'cached ms':>10}"
    )
    for row in rows:
        answer = f"{row['items']:,} {row['mode']}"
        flag = "  FLAG > 150 KB" if row["bytes"] > MAX_BYTES else ""
        print(
            f"{row['zoom']:>4} {answer:>15} {row['total']:>10,} {row['bytes'] / 1024:>7.1f}"
            f" {row['view_ms']:>10.1f} {row['floor_ms']:>9.2f} {row['ratio']:>8.1f}"
            f" {row['warm_ms']:>10.1f}{flag}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (1M actors)")
    parser.add_argument("--actors", type=int, default=None, help="100,000 (SQLite) / 1,000,000")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per view")
    parser.add_argument("--fresh", action="store_true", help="rebuild the database")
    args = parser.parse_args()
    if args.actors is None:
        args.actors = 1_000_000 if args.postgres else 100_000
    warnings.filterwarnings("ignore", message=r"No directory at: .*static")

    where = directory_bench.configure(args)
    from django.conf import settings
    from django.test import Client

    assert not settings.DEBUG, "benchmarks run with DEBUG off"
    print(f"Directory map benchmark on {where}", flush=True)
    data = directory_bench.prepare(args)
    settle()
    print(
        f"  {data['actors']:,} actors ({data['published']:,} published), {data['seconds']} s;"
        f" points up to MAP_MAX_POINTS={settings.MAP_MAX_POINTS}, viewport"
        f" {VIEWPORT[0]} × {VIEWPORT[1]} px, median of {args.runs} requests per view",
        flush=True,
    )
    client = Client()
    results: dict = {"database": where, "data": data, "runs": args.runs, "views": {}}
    for name, centre in CENTRES.items():
        rows = [measure(client, centre, zoom, {}, args.runs) for zoom in ZOOMS]
        results["views"][name] = rows
        print_rows(f"around {name} {centre}", rows)
    for filters, zooms in FILTERED:
        name = f"Paris, {urlencode(filters)}"
        rows = [measure(client, CENTRES["Paris"], zoom, filters, args.runs) for zoom in zooms]
        results["views"][name] = rows
        print_rows(name + " (floor: the unfiltered count)", rows)

    every = [row for rows in results["views"].values() for row in rows]
    biggest = max(every, key=lambda row: row["bytes"])
    slowest = max(every, key=lambda row: row["view_ms"])
    print(
        f"\nlargest response {biggest['bytes'] / 1024:.1f} KB (zoom {biggest['zoom']},"
        f" {biggest['mode']}); slowest {slowest['view_ms']:.0f} ms (zoom {slowest['zoom']},"
        f" {slowest['total']:,} actors, {slowest['ratio']}× floor)"
    )
    print(
        "server ms: cold cache (clusters computed); floor: COUNT(*) of the published actors"
        " in the same box through a bare cursor; × floor = median server time ÷ median floor"
        " time; cached ms: the same request again (clusters of the same cells from the cache)"
    )
    over = [row for row in every if row["bytes"] > MAX_BYTES]
    for row in over:
        print(f"FLAG: {row['url']} answered {row['bytes'] / 1024:.1f} KB (> 150 KB)")
    OUT.mkdir(parents=True, exist_ok=True)
    name = "directory_map-pg.json" if args.postgres else "directory_map.json"
    (OUT / name).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {(OUT / name).relative_to(BASE_DIR)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
