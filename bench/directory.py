"""`make bench-directory`: the directory search at scale, as ratios measured in the same run.

1. Data: a database of N generated actors (`coops_seed_directory`), 100,000 on SQLite by
   default, or 1,000,000 on PostgreSQL with --postgres. The database is kept between runs
   (var/bench/directory-N.sqlite3, or the coops_bench_directory_N database) unless --fresh.
2. Search: times `actor_search` for text + facet + radius searches (the page's rows and
   every facet count materialised), p50 and p95 over --runs runs. Each search's SQL is
   captured once and replayed raw through a cursor in the same run: the ratio search time ÷
   raw SQL time is the cost of the Python around the SQL (target ≤ 2×). As on the site,
   the facet counts of a broad search (DIRECTORY_FACET_CACHE_MIN_ROWS actors or more) come
   from the facet cache after its first run; --live-facets counts every search live.
3. Queries: the list page's SQL query count at 20 and 100 results per page (must be equal).
4. Load (SQLite only, skip with --no-load): the anonymous list page under gunicorn, in
   paired one-second slices against the floor (HttpResponse("ok")), like bench/run.py:
   as served (anonymous results cached for 30 s) and with that cache off.
Prints a table and writes bench/out/directory.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from bench import run as pages_bench  # noqa: E402

OUT = BASE_DIR / "bench" / "out"
PG_SERVER = "postgres://postgres@127.0.0.1:5432/"

# Realistic "who does X near Y" searches: text, one facet, a radius around a town.
SEARCHES = [
    {"q": "boulangerie", "sector": "alimentation", "place": "Lille", "radius": "30"},
    {"q": "epicerie", "kind": "shop", "place": "Lyon", "radius": "20"},
    {"q": "velo", "sector": "mobilite", "place": "Nantes", "radius": "50"},
    {"q": "cooperative", "legal_form": "scop", "place": "Toulouse", "radius": "40"},
    {"q": "maraichage bio", "sector": "alimentation", "place": "Rennes", "radius": "60"},
]


def configure(args) -> str:
    """Point Django at the bench database before setup; return its description."""
    if args.postgres:
        given = urlsplit(os.environ.get("DATABASE_URL", PG_SERVER))
        if given.scheme not in ("postgres", "postgresql"):
            given = urlsplit(PG_SERVER)
        server = f"{given.scheme}://{given.netloc}"
        name = f"coops_bench_directory_{args.actors}"
        url = f"{server}/{name}"
        where = f"PostgreSQL database {name}"
    else:
        path = pages_bench.VAR / f"directory-{args.actors}.sqlite3"
        url = f"sqlite:///{path}"
        where = str(path.relative_to(BASE_DIR))
    pages_bench.ENVIRONMENT["DATABASE_URL"] = url
    pages_bench.setup_django()
    return where


def create_pg_database(name_url: str, fresh: bool) -> bool:
    """Create the PostgreSQL bench database if missing (or again with --fresh)."""
    import psycopg

    server, name = name_url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return not exists


def prepare(args) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from coops.directory.models import Actor, Sector

    url = pages_bench.ENVIRONMENT["DATABASE_URL"]
    if args.postgres:
        create_pg_database(url, args.fresh)
    else:
        pages_bench.VAR.mkdir(parents=True, exist_ok=True)
        if args.fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if not Sector.objects.exists():
        call_command("coops_seed_directory", actors=0, verbosity=0)
    missing = args.actors - Actor.objects.count()
    if missing > 0:
        print(f"  seeding {missing:,} actors…", flush=True)
        call_command("coops_seed_directory", actors=args.actors, batch=10_000, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "actors": Actor.objects.count(),
        "published": Actor.objects.published().count(),
        "seconds": round(time.perf_counter() - started, 1),
    }


def search_params(query: dict):
    from django.http import QueryDict

    from coops.directory.forms import ActorSearchForm

    form = ActorSearchForm(QueryDict(urlencode(query)))
    form.is_valid()
    return form.search_params()


def run_search(params) -> int:
    """One search as the list page runs it: the page's rows and every facet."""
    from coops.directory.selectors import actor_search

    result = actor_search(params)
    rows = list(result.page.object_list)
    for row in rows:
        list(row.sectors.all())
    return result.total + sum(len(f.options) for f in result.facets)


def captured_sql(params) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run_search(params)
    return [q["sql"] for q in queries.captured_queries]


def run_raw(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_searches(runs: int) -> dict:
    """p50/p95 of the search and of its raw SQL, interleaved so both see the same load."""
    prepared = []
    for query in SEARCHES:
        params = search_params(query)
        if params.point is None:
            raise SystemExit(f"the place of {query} was not found by the geocoder")
        run_search(params)  # warm caches (taxonomy, statement cache)
        prepared.append((query, params, captured_sql(params)))
    gc.freeze()  # as coops.config.wsgi does once started (ADR 0031)
    search_ms, raw_ms, totals = [], [], {}
    for i in range(runs):
        query, params, statements = prepared[i % len(prepared)]
        started = time.perf_counter()
        run_search(params)
        search_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        run_raw(statements)
        raw_ms.append((time.perf_counter() - started) * 1000)
    for query, params, statements in prepared:
        from coops.directory.selectors import actor_search

        totals[urlencode(query)] = {
            "results": actor_search(params).total,
            "queries": len(statements),
        }
    p95_search, p95_raw = percentile(search_ms, 0.95), percentile(raw_ms, 0.95)
    return {
        "runs": runs,
        "search_p50_ms": round(statistics.median(search_ms), 1),
        "search_p95_ms": round(p95_search, 1),
        "raw_sql_p50_ms": round(statistics.median(raw_ms), 1),
        "raw_sql_p95_ms": round(p95_raw, 1),
        "ratio_p95": round(p95_search / p95_raw, 2),
        "ratio_p50": round(statistics.median(search_ms) / statistics.median(raw_ms), 2),
        "searches": totals,
    }


def list_queries() -> dict:
    """SQL queries of one list page request at 20 and 100 results, the cache off."""
    from django.test import Client, override_settings

    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    with override_settings(DIRECTORY_LIST_CACHE_SECONDS=0):
        return {per_page: _count_list_queries(client, per_page) for per_page in (20, 100)}


def _count_list_queries(client, per_page: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = "/annuaire/?" + urlencode({**SEARCHES[0], "per_page": per_page})
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return len(queries)


def load_list_page(rounds: int, *, cache_seconds: int) -> list[dict]:
    """The list pages under gunicorn against the floor, with the anonymous results cache
    on (as served) or off (every request searches and renders)."""
    from django.db import connections

    connections.close_all()
    pages_bench.ENVIRONMENT["DIRECTORY_LIST_CACHE_SECONDS"] = str(cache_seconds)
    cache_label = "cached results" if cache_seconds else "no cache"
    Page = pages_bench.Page
    floor = Page("floor", "floor", "/__bench__/floor")
    pages = [
        Page("list", f"list page, no filter, {cache_label}", "/annuaire/"),
        Page(
            "search",
            f"list page, text + facet + radius, {cache_label}",
            "/annuaire/?" + urlencode(SEARCHES[0]),
        ),
    ]
    wrk = pages_bench.find_wrk()
    port = pages_bench.free_port()
    server = pages_bench.start_server(port)
    load = pages_bench.Wrk(wrk, port) if wrk else pages_bench.PythonClient(port)
    figures = []
    try:
        for page in pages:
            floors, slices, ratio = pages_bench.measure(load, floor, page, rounds, 1)
            figures.append(
                {
                    "page": page.label,
                    "path": page.path,
                    "req_per_s": round(statistics.median(s.rate for s in slices), 1),
                    "floor_req_per_s": round(statistics.median(f.rate for f in floors), 1),
                    "ratio_to_floor": round(ratio, 3),
                    "generator": load.name,
                }
            )
    finally:
        load.close()
        pages_bench.stop_server(server)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (1M actors)")
    parser.add_argument("--actors", type=int, default=None, help="100,000 (SQLite) / 1,000,000")
    parser.add_argument("--runs", type=int, default=200, help="timed searches")
    parser.add_argument("--rounds", type=int, default=5, help="paired load slices per page")
    parser.add_argument("--fresh", action="store_true", help="rebuild the database")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load test")
    parser.add_argument(
        "--live-facets",
        action="store_true",
        help="count every search's facets live (no facet cache for broad searches)",
    )
    args = parser.parse_args()
    if args.actors is None:
        args.actors = 1_000_000 if args.postgres else 100_000
    warnings.filterwarnings("ignore", message=r"No directory at: .*static")

    where = configure(args)
    from django.conf import settings

    assert not settings.DEBUG, "benchmarks run with DEBUG off"
    print(f"Directory benchmark on {where}", flush=True)
    data = prepare(args)
    print(f"  {data['actors']:,} actors ({data['published']:,} published), {data['seconds']} s")
    results: dict = {"database": where, "data": data}

    if args.live_facets:
        from coops.directory.selectors import facets

        facets.FACET_CACHE_MIN_ROWS = sys.maxsize
    results["search"] = search = time_searches(args.runs)
    search["facets"] = "live" if args.live_facets else "cached when broad"
    target = 100 if args.postgres else 50
    print(
        f"search (text + facet + radius; facets {search['facets']}), {search['runs']} runs:\n"
        f"  p50 {search['search_p50_ms']} ms, p95 {search['search_p95_ms']} ms "
        f"(target ≤ {target} ms)\n"
        f"  raw SQL of the same searches: p50 {search['raw_sql_p50_ms']} ms, "
        f"p95 {search['raw_sql_p95_ms']} ms\n"
        f"  ratio search ÷ raw SQL: p95 {search['ratio_p95']}×, p50 {search['ratio_p50']}× "
        f"(target ≤ 2×)"
    )
    for query, figures in search["searches"].items():
        print(f"    {query}: {figures['results']:,} results, {figures['queries']} queries")

    results["list_queries"] = counts = list_queries()
    print(f"list page SQL queries: {counts[20]} at 20 per page, {counts[100]} at 100 per page")
    if counts[20] != counts[100]:
        print("FLAG: the list page's query count grows with the page size")

    if not args.no_load and not args.postgres:
        results["load"] = load_list_page(args.rounds, cache_seconds=30) + load_list_page(
            args.rounds, cache_seconds=0
        )
        for figure in results["load"]:
            print(
                f"{figure['page']}: {figure['req_per_s']:,.0f} req/s, floor "
                f"{figure['floor_req_per_s']:,.0f} req/s → {figure['ratio_to_floor']:.3f} × floor "
                f"(target ≥ 0.30; {figure['generator']})"
            )
    OUT.mkdir(parents=True, exist_ok=True)
    name = "directory-pg.json" if args.postgres else "directory.json"
    (OUT / name).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
