"""`make bench-governance`: tallying 100,000 ballots from SQL, against a COUNT(*) floor.

1. Data, made with raw SQL and a fixed seed (the same ballots on both databases), kept between
   runs unless --fresh: var/bench/governance.sqlite3, or with --postgres the database
   coops_bench_governance on the server of DATABASE_URL (postgres://postgres@127.0.0.1:5432/).
   - governance_bench_grade(ballot_id, option_id, grade): 100,000 ballots grading 10 options
     of unequal quality, by voters of unequal leniency (1,000,000 rows);
   - governance_bench_rank(ballot_id, option_id, rank): 100,000 ballots ranking 20 options by
     popularity (Plackett–Luce): a quarter rank all 20, the others 3 to 10, one in ten with a
     tie (about 990,000 rows).
2. Majority judgment: GROUP BY option_id, grade → `judgment.profile_from_rows` → `decide`
   (target < 1 s). Schulze: rows ordered by ballot → `schulze.pairwise_from_rows` (bitsets of
   ballots, popcount) → `decide` (target < 2 s); and, for comparison, an SQL self-join, and
   what a service does when it loads every mark (rows → dicts → `aggregate` in Python).
   Every way of counting must give the same counts and ranking.
Figures are medians of --runs runs; the floor, `SELECT COUNT(*)` of the same table, is timed
just before each run, and × floor is the median of the paired ratios. Prints a table and
writes bench/out/governance.json (governance-pg.json with --postgres).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

# Neither import touches the settings: configure() sets them before the first query.
from django.db import connection, transaction  # noqa: E402

from coops.governance.methods import get_method  # noqa: E402
from coops.governance.methods.judgment import profile_from_rows  # noqa: E402
from coops.governance.methods.schulze import pairwise_from_rows  # noqa: E402

VAR = BASE_DIR / "var" / "bench"
OUT = BASE_DIR / "bench" / "out"
PG_SERVER = "postgres://postgres@127.0.0.1:5432/"
PG_NAME = "coops_bench_governance"
SEED = 20261124
GRADE_OPTIONS, RANK_OPTIONS = 10, 20
GRADE_OPTION_IDS = list(range(101, 101 + GRADE_OPTIONS))
RANK_OPTION_IDS = list(range(201, 201 + RANK_OPTIONS))
TARGETS_S = {"judgment": 1.0, "schulze": 2.0}


# --- set-up ---------------------------------------------------------------------------------


def configure(args) -> str:
    """Django with only what the methods need (translations) and the scratch database: the
    bench touches no model, so it needs no app and no migration."""
    import django
    import environ
    from django.conf import settings

    if args.postgres:
        given = urlsplit(os.environ.get("DATABASE_URL", PG_SERVER))
        if given.scheme not in ("postgres", "postgresql"):
            given = urlsplit(PG_SERVER)
        url, where = f"{given.scheme}://{given.netloc}/{PG_NAME}", f"PostgreSQL database {PG_NAME}"
        create_pg_database(url, args.fresh)
    else:
        VAR.mkdir(parents=True, exist_ok=True)
        path = VAR / "governance.sqlite3"
        if args.fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        url, where = f"sqlite:///{path}", str(path.relative_to(BASE_DIR))
    database = environ.Env.db_url_config(url)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        }
    settings.configure(DATABASES={"default": database}, USE_I18N=True, LANGUAGE_CODE="en")
    django.setup()
    return where


def app_database(*, postgres: bool, fresh: bool, pg_name: str, sqlite_file: str) -> str:
    """Point the app benchmarks (bench/run.py's Django set-up) at their own scratch
    database, PostgreSQL `pg_name` or var/bench/`sqlite_file`, set Django up, and say
    where it is. `fresh` starts it over."""
    from bench import run as pages_bench

    if postgres:
        given = urlsplit(os.environ.get("DATABASE_URL", PG_SERVER))
        if given.scheme not in ("postgres", "postgresql"):
            given = urlsplit(PG_SERVER)
        url = f"{given.scheme}://{given.netloc}/{pg_name}"
        create_pg_database(url, fresh)
        where = f"PostgreSQL database {pg_name}"
    else:
        path = VAR / sqlite_file
        VAR.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        url, where = f"sqlite:///{path}", str(path.relative_to(BASE_DIR))
    pages_bench.ENVIRONMENT["DATABASE_URL"] = url
    pages_bench.setup_django()
    return where


def create_pg_database(url: str, fresh: bool) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def generate_grades(ballots: int, rnd: random.Random):
    """(ballot, option, grade) rows: options of unequal quality, voters of unequal leniency."""
    quality = [4.3, 3.9, 3.6, 3.4, 3.1, 2.8, 2.5, 2.2, 1.8, 1.2]
    rnd.shuffle(quality)
    gauss = rnd.gauss
    for ballot in range(1, ballots + 1):
        leniency = gauss(0, 0.8)
        for option, mean in zip(GRADE_OPTION_IDS, quality, strict=True):
            grade = round(mean + leniency + gauss(0, 1.3))
            yield ballot, option, 0 if grade < 0 else 6 if grade > 6 else grade


def generate_rankings(ballots: int, rnd: random.Random):
    """(ballot, option, rank) rows: Plackett–Luce rankings by popularity, partial for most."""
    popularity = [math.log(1 / (i + 1) ** 0.9) for i in range(RANK_OPTIONS)]
    rnd.shuffle(popularity)
    uniform, randint = rnd.random, rnd.randint
    for ballot in range(1, ballots + 1):
        keyed = sorted(
            ((w - math.log(-math.log(uniform() or 1e-300)), option)
             for w, option in zip(popularity, RANK_OPTION_IDS, strict=True)),
            reverse=True,
        )  # fmt: skip
        length = RANK_OPTIONS if uniform() < 0.25 else randint(3, 10)
        tie = uniform() < 0.1
        for position, (_key, option) in enumerate(keyed[:length], start=1):
            yield ballot, option, 2 if tie and position == 3 else position


def prepare(args) -> dict:
    """Create and fill the scratch tables unless they already hold these ballots."""
    vendor = connection.vendor
    suffix = " WITHOUT ROWID" if vendor == "sqlite" else ""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS governance_bench_meta (name VARCHAR(40) PRIMARY KEY,"
            " value BIGINT NOT NULL)"
        )
        cursor.execute("SELECT name, value FROM governance_bench_meta")
        meta = dict(cursor.fetchall())
        wanted = {"ballots": args.ballots, "seed": SEED}
        if all(meta.get(key) == value for key, value in wanted.items()):
            return {"seconds": 0.0, "reused": True, **counts(cursor)}
        for table, column in (
            ("governance_bench_grade", "grade"),
            ("governance_bench_rank", "rank"),
        ):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(
                f"CREATE TABLE {table} (ballot_id INTEGER NOT NULL, option_id INTEGER NOT NULL,"
                f" {column} SMALLINT NOT NULL, PRIMARY KEY (ballot_id, option_id)){suffix}"
            )
        rnd = random.Random(SEED)
        print(f"  writing {args.ballots:,} graded and {args.ballots:,} ranked ballots…", flush=True)
        load(cursor, "governance_bench_grade", "grade", generate_grades(args.ballots, rnd))
        load(cursor, "governance_bench_rank", "rank", generate_rankings(args.ballots, rnd))
        cursor.execute("DELETE FROM governance_bench_meta")
        for key, value in wanted.items():
            cursor.execute("INSERT INTO governance_bench_meta VALUES (%s, %s)", [key, value])
        cursor.execute("ANALYZE")
        if vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE) governance_bench_grade")
            cursor.execute("VACUUM (ANALYZE) governance_bench_rank")
        return {
            "seconds": round(time.perf_counter() - started, 1),
            "reused": False,
            **counts(cursor),
        }


def load(cursor, table: str, column: str, rows) -> None:
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(
            f"COPY {table} (ballot_id, option_id, {column}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        return
    batch: list = []
    with transaction.atomic():
        for row in rows:
            batch.append(row)
            if len(batch) == 50_000:
                cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s)", batch)  # noqa: S608
                batch = []
        if batch:
            cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s)", batch)  # noqa: S608


def counts(cursor) -> dict:
    cursor.execute("SELECT COUNT(*) FROM governance_bench_grade")
    grade_rows = cursor.fetchone()[0]
    cursor.execute("SELECT COUNT(*) FROM governance_bench_rank")
    rank_rows = cursor.fetchone()[0]
    cursor.execute("SELECT COUNT(DISTINCT ballot_id) FROM governance_bench_rank")
    return {"grade_rows": grade_rows, "rank_rows": rank_rows, "ballots": cursor.fetchone()[0]}


# --- the tallies ----------------------------------------------------------------------------


def floor(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a constant)
        return cursor.fetchone()[0]


def judgment_sql():
    """Grade profile by GROUP BY, then decide."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT option_id, grade, COUNT(*) FROM governance_bench_grade"
            " GROUP BY option_id, grade"
        )
        aggregate = profile_from_rows(cursor.fetchall(), options=GRADE_OPTION_IDS)
    return get_method("judgment").decide(aggregate, options=GRADE_OPTION_IDS, settings={})


def schulze_stream():
    """Rows ordered by ballot, streamed into the bitset counter, then decide."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ballot_id, option_id, rank FROM governance_bench_rank ORDER BY ballot_id"
        )
        aggregate = pairwise_from_rows(_rows(cursor), options=RANK_OPTION_IDS)
    return get_method("schulze").decide(aggregate, options=RANK_OPTION_IDS, settings={})


def schulze_self_join():
    """The pairwise matrix by an SQL self-join: pairs both ranked, plus ranked over unranked."""
    keys = [str(o) for o in RANK_OPTION_IDS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(DISTINCT ballot_id) FROM governance_bench_rank")
        ballots = cursor.fetchone()[0]
        cursor.execute("SELECT option_id, COUNT(*) FROM governance_bench_rank GROUP BY option_id")
        ranked = {str(option): n for option, n in cursor.fetchall()}
        cursor.execute(
            "SELECT a.option_id, b.option_id,"
            " SUM(CASE WHEN a.rank < b.rank THEN 1 ELSE 0 END), COUNT(*)"
            " FROM governance_bench_rank a JOIN governance_bench_rank b"
            " ON a.ballot_id = b.ballot_id AND a.option_id <> b.option_id"
            " GROUP BY a.option_id, b.option_id"
        )
        both = {(str(a), str(b)): (int(better), n) for a, b, better, n in cursor.fetchall()}
    pairwise = {
        a: {
            b: both.get((a, b), (0, 0))[0] + ranked.get(a, 0) - both.get((a, b), (0, 0))[1]
            for b in keys
            if b != a
        }
        for a in keys
    }
    aggregate = {"ballots": ballots, "pairwise": pairwise}
    return get_method("schulze").decide(aggregate, options=RANK_OPTION_IDS, settings={})


def python_aggregate(method: str, table: str, column: str, key: str, options: list[int]):
    """What a service does when it loads every mark: rows → one dict per ballot → aggregate."""
    marks: dict[int, dict[str, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ballot_id, option_id, {column} FROM {table}")  # noqa: S608
        for ballot, option, value in _rows(cursor):
            marks[ballot][str(option)] = value
    chosen = get_method(method)
    responses = ({key: ballot} for ballot in marks.values())
    aggregate = chosen.aggregate(responses, options=options, settings={})
    return chosen.decide(aggregate, options=options, settings={})


def _rows(cursor, size: int = 20_000):
    while batch := cursor.fetchmany(size):
        yield from batch


def measure(run, table: str, runs: int) -> dict:
    """Median of `runs` timings of `run`, each after a floor (COUNT(*) of `table`)."""
    run()  # warm caches
    floor(table)
    floors, times, ratios, result = [], [], [], None
    for _i in range(runs):
        started = time.perf_counter()
        floor(table)
        floors.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
        ratios.append(times[-1] / floors[-1])
    return {
        "runs": runs,
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "floor_s": round(statistics.median(floors), 4),
        "ratio": round(statistics.median(ratios), 1),
        "outcome": result,
    }


# --- report ---------------------------------------------------------------------------------


def plan(args) -> list[tuple]:
    """(method, label, run, table of its floor[, runs]) for each timed tally."""
    grade, rank = "governance_bench_grade", "governance_bench_rank"
    timed = [
        ("judgment", f"majority judgment, {GRADE_OPTIONS} options: SQL GROUP BY + decide",
         judgment_sql, grade),
        ("schulze", f"Schulze, {RANK_OPTIONS} options: rows by ballot → bitsets + decide",
         schulze_stream, rank),
    ]  # fmt: skip
    if not args.no_self_join:
        # Slow (a join of every pair of ranked options per ballot): one timed run is enough.
        timed.append(("schulze", "Schulze: SQL self-join + decide", schulze_self_join, rank, 1))
    if not args.no_python:
        timed += [
            ("judgment", "majority judgment: all rows → dicts → aggregate in Python",
             lambda: python_aggregate("judgment", grade, "grade", "grades", GRADE_OPTION_IDS),
             grade),
            ("schulze", "Schulze: all rows → dicts → aggregate in Python",
             lambda: python_aggregate("schulze", rank, "rank", "ranking", RANK_OPTION_IDS),
             rank),
        ]  # fmt: skip
    return timed


def fingerprint(method: str, outcome) -> str:
    """A digest of the counts every way of counting must agree on."""
    counts = outcome.counts["profiles" if method == "judgment" else "pairwise"]
    return hashlib.sha256(json.dumps(counts, sort_keys=True).encode()).hexdigest()[:16]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each tally")
    parser.add_argument("--fresh", action="store_true", help="write the ballots again")
    parser.add_argument("--no-self-join", action="store_true", help="skip the SQL self-join")
    parser.add_argument("--no-python", action="store_true", help="skip the Python aggregates")
    args = parser.parse_args()
    where = configure(args)
    print(f"Governance tally benchmark on {where}", flush=True)
    data = prepare(args)
    reused = "reused" if data["reused"] else f"written in {data['seconds']} s"
    print(
        f"  {data['ballots']:,} ballots: {data['grade_rows']:,} grade rows, "
        f"{data['rank_rows']:,} rank rows ({reused})"
    )
    rows = []
    for method, label, run, table, *runs in plan(args):
        print(f"  timing: {label}…", flush=True)
        figure = measure(run, table, runs[0] if runs else args.runs)
        outcome = figure.pop("outcome")
        rows.append(
            {"method": method, "label": label, **figure, "target_s": TARGETS_S[method],
             "winners": list(outcome.winners), "ranking": [list(g) for g in outcome.ranking],
             "counts_digest": fingerprint(method, outcome)}
        )  # fmt: skip
    flags = check(rows)
    print_table(rows, data, connection.vendor, args.runs)
    for flag in flags:
        print(f"FLAG: {flag}")
    OUT.mkdir(parents=True, exist_ok=True)
    name = "governance-pg.json" if args.postgres else "governance.json"
    report = {"database": where, "data": data, "runs": args.runs, "results": rows, "flags": flags}
    (OUT / name).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWritten to {(OUT / name).relative_to(BASE_DIR)}")
    return 1 if flags else 0


def check(rows: list[dict]) -> list[str]:
    """Every way of counting one method must give the same counts and ranking; the two SQL
    tallies the issue sets targets for are flagged when over them."""
    flags = []
    for method in ("judgment", "schulze"):
        same = {
            (row["counts_digest"], str(row["ranking"])) for row in rows if row["method"] == method
        }
        if len(same) > 1:
            flags.append(f"{method}: the ways of counting disagree")
    for row in rows[:2]:
        if row["median_s"] > row["target_s"]:
            flags.append(
                f"{row['label']}: {row['median_s']} s, over the {row['target_s']} s target"
            )
    return flags


def print_table(rows: list[dict], data: dict, vendor: str, runs: int) -> None:
    print(f"\n{'tally of ' + format(data['ballots'], ',') + ' ballots':<66} {'median':>8} "
          f"{'COUNT(*)':>9} {'× floor':>8} {'target':>7}")  # fmt: skip
    print("-" * 102)
    for row in rows:
        print(
            f"{row['label']:<66} {row['median_s']:>7.3f}s {row['floor_s'] * 1000:>7.1f}ms "
            f"{row['ratio']:>8.1f} {'< ' + str(row['target_s']) + 's':>7}"
        )
        top = " > ".join("=".join(group) for group in row["ranking"][:4])
        print(f"    ranking {top} > …; counts {row['counts_digest']}")
    print("-" * 102)
    print(
        f"median of {runs} runs on {vendor} (the self-join: 1); floor: SELECT COUNT(*) over the "
        "same table, timed just before each run; × floor: median of the paired ratios"
    )


if __name__ == "__main__":
    sys.exit(main())
