"""`make bench-juntagrico`: a pickup point's member list, Coops against Juntagrico.

1. Members: --members (2,000) French members spread over the ten pickup points, drawn from
   one seeded generator (bench/shortcircuit.py) and written to var/bench/juntagrico-members.json.
   Both sides read that file.
2. Coops (this process, the project's settings with DEBUG off, var/bench/
   shortcircuit-juntagrico.sqlite3 or with --postgres the database
   coops_bench_sc_juntagrico): the hub, its ten pickup points, a small catalog, and
   - one distribution per pickup point, each member ordering 1–3 products at theirs;
   - one distribution at all ten points, each member ordering there too.
   Timed through the test Client, signed in as the hub's organiser: the sign-off sheet
   (report "signoff", `groups:shortcircuit:report`) of each pickup point's distribution
   (its ~200 members, with their order, products, total and a column to sign), and the
   sign-off sheet of the ten-point distribution (all 2,000 members).
3. Juntagrico (a subprocess: bench/juntagrico/measure.py with --venv's python, its own
   project in bench/juntagrico/, SQLite var/bench/juntagrico.sqlite3): the same members,
   one subscription each at their depot; timed through its test Client, signed in as a
   superuser coordinating every depot: each depot's member list
   (`manage/depot/<id>/subscription`) and the list of all active subscriptions
   (`manage/subscription`). It answers in a JSON file.
Each page request follows a request to its project's floor (a bare HttpResponse behind the
project's middleware). Prints p50/p95 of each side, each side's ratio to its own floor, and
ours ÷ Juntagrico (goal ≤ 0.5); writes bench/out/juntagrico.json (juntagrico-pg.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from bench import shortcircuit as sc  # noqa: E402

VAR = BASE_DIR / "var" / "bench"
OUT = BASE_DIR / "bench" / "out"
PG_NAME = "coops_bench_sc_juntagrico"
GROUP_SLUG = "bench-juntagrico"
SEED = 20261125
VENV = BASE_DIR / "bench" / ".juntagrico-venv"
MEMBERS_FILE = VAR / "juntagrico-members.json"
GOAL = 0.5


def configure(args) -> str:
    from bench import governance as scratch

    return scratch.app_database(
        postgres=args.postgres,
        fresh=True,  # rebuilt every run, like Juntagrico's side
        pg_name=PG_NAME,
        sqlite_file="shortcircuit-juntagrico.sqlite3",
    )


def prepare(people: list[dict]) -> dict:
    """The hub, its pickup points and catalog, and the members' orders."""
    from time import perf_counter

    from django.core.management import call_command
    from django.db import connection, transaction

    from coops.shortcircuit.models import DistributionStatus

    call_command("migrate", verbosity=0, interactive=False)
    started = perf_counter()
    rnd = random.Random(SEED)
    with transaction.atomic():
        group, organiser = sc.hub(
            slug=GROUP_SLUG, name="AMAP des Weppes", organiser_email="organisatrice@bench.example"
        )
        points = sc.pickup_points(group, len(sc.PICKUP_POINTS))
        variant_ids = sc.catalog(group, rnd, producers=12, variants=200)
        buyers = sc.users(group, people, prefix="membre")
        per_point = []
        for n, point in enumerate(points):
            dist = sc.distribution(
                group, title=f"Permanence {point.name}", points=[point],
                status=DistributionStatus.CLOSED, days=2, organiser=organiser,
            )  # fmt: skip
            sc.offers(dist, variant_ids)
            slot = dist.slots.get().pk
            here = [b for b, p in zip(buyers, people, strict=True) if p["point"] == n]
            sc.bulk_orders(dist, [(b, slot) for b in here], rnd, lines=(1, 3))
            per_point.append(dist)
        everywhere = sc.distribution(
            group, title="Distribution des dix permanences", points=points,
            status=DistributionStatus.CLOSED, days=2, organiser=organiser,
        )  # fmt: skip
        sc.offers(everywhere, variant_ids)
        slots = list(everywhere.slots.order_by("pk").values_list("pk", flat=True))
        sc.bulk_orders(
            everywhere,
            [(b, slots[p["point"]]) for b, p in zip(buyers, people, strict=True)],
            rnd,
            lines=(1, 3),
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "seconds": round(perf_counter() - started, 1),
        "group": group,
        "organiser": organiser,
        "per_point": per_point,
        "everywhere": everywhere,
    }


def ours(built: dict, people: list[dict], runs: int, all_runs: int) -> dict:
    from django.urls import reverse

    slug = built["group"].slug

    def signoff(dist) -> str:
        return reverse(
            "groups:shortcircuit:report", kwargs={"slug": slug, "pk": dist.pk, "kind": "signoff"}
        )

    client = sc.client_for(built["organiser"])
    paths = [signoff(d) for d in built["per_point"]]
    everyone = signoff(built["everywhere"])
    floor = "/__bench__/floor"
    sc.get_ok(client, floor)
    sc.get_ok(client, paths[0])  # warm-up: templates, translations, content types
    body = client.get(paths[0]).content
    names = {f"{p['first_name']} {p['last_name']}" for p in people if p["point"] == 0}
    if not all(name.encode() in body for name in names):
        raise SystemExit("the sign-off sheet does not show all the pickup point's members")
    depot_queries = sc.count_queries(client, paths[0])
    pages, floors, all_pages, all_floors = [], [], [], []
    for _ in range(runs):
        for path in paths:
            floors.append(sc.get_ok(client, floor))
            pages.append(sc.get_ok(client, path))
    all_queries = sc.count_queries(client, everyone)  # also its warm-up
    for _ in range(all_runs):
        all_floors.append(sc.get_ok(client, floor))
        all_pages.append(sc.get_ok(client, everyone))
    return {
        "depot": {
            "path": "report signoff of a one-point distribution",
            "pages": pages,
            "floors": floors,
            "queries": depot_queries,
            "kb": round(len(body) / 1024, 1),
        },
        "all": {
            "path": "report signoff of the ten-point distribution",
            "pages": all_pages,
            "floors": all_floors,
            "queries": all_queries,
            "kb": round(len(client.get(everyone).content) / 1024, 1),
        },
    }


def theirs(python: Path, runs: int, all_runs: int) -> dict:
    out = VAR / "juntagrico-result.json"
    out.unlink(missing_ok=True)
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env["DJANGO_SETTINGS_MODULE"] = "settings"
    subprocess.run(
        [str(python), str(BASE_DIR / "bench" / "juntagrico" / "measure.py"),
         "--members", str(MEMBERS_FILE), "--out", str(out), "--runs", str(runs),
         "--all-runs", str(all_runs)],
        env=env, check=True, timeout=1_800,
    )  # fmt: skip
    return json.loads(out.read_text())


def summary(side: dict) -> dict:
    pages, floors = side["pages"], side["floors"]
    return {
        "requests": len(pages),
        "p50_ms": sc.ms(pages, 50),
        "p95_ms": sc.ms(pages, 95),
        "floor_p50_ms": sc.ms(floors, 50),
        "ratio_to_floor": round(
            statistics.median(p / f for p, f in zip(pages, floors, strict=True)), 1
        ),
        "queries": side["queries"],
        "kb": side["kb"],
        "path": side["path"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="Coops on PostgreSQL")
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3, help="rounds over the ten points")
    parser.add_argument("--all-runs", type=int, default=3, help="requests to the whole list")
    parser.add_argument("--venv", default=str(VENV), help="Juntagrico's virtual environment")
    args = parser.parse_args()
    python = Path(args.venv) / "bin" / "python"
    if not python.exists():
        raise SystemExit(f"{python} is missing: `make bench-juntagrico` builds it")
    people = sc.write_members(MEMBERS_FILE, args.members, SEED)
    document = json.loads(MEMBERS_FILE.read_text())
    document["depots"] = [name for name, *_rest in sc.PICKUP_POINTS]
    MEMBERS_FILE.write_text(json.dumps(document, ensure_ascii=False, indent=1))

    where = configure(args)
    from django.conf import settings

    assert not settings.DEBUG, "benchmarks run with DEBUG off"
    print(f"Coops on {where}: writing {len(people):,} members and their orders…", flush=True)
    built = prepare(people)
    print(f"  written in {built['seconds']} s; timing the sign-off sheets…", flush=True)
    coops = ours(built, people, args.runs, args.all_runs)
    print(f"Juntagrico ({python}): loading the same members and timing…", flush=True)
    junta = theirs(python, args.runs, args.all_runs)

    rows = {
        "depot": (f"one pickup point (~{len(people) // 10} members)", "depot"),
        "all": (f"all {len(people):,} members, ten points", "all"),
    }
    result = {"database": where, "members": len(people), "juntagrico": junta["juntagrico"]}
    print(f"\nCoops (sign-off sheet) against Juntagrico {junta['juntagrico']} (depot list)")
    head = ("", "p50", "p95", "× own floor", "queries", "KB")
    print("{:<46}{:>10}{:>10}{:>12}{:>9}{:>8}".format(*head))
    print("-" * 95)
    for key, (label, _k) in rows.items():
        a, b = summary(coops[key]), summary(junta[key])
        ratio50 = round(a["p50_ms"] / b["p50_ms"], 4)
        ratio95 = round(a["p95_ms"] / b["p95_ms"], 4)
        for who, s in (("Coops", a), ("Juntagrico", b)):
            print(f"{who + ', ' + label:<46}{s['p50_ms']:>8.1f}ms{s['p95_ms']:>8.1f}ms"
                  f"{s['ratio_to_floor']:>12.1f}{s['queries']:>9}{s['kb']:>8.1f}")  # fmt: skip
        verdict = "goal met" if ratio95 <= GOAL else "GOAL MISSED"
        print(f"{'  ours ÷ Juntagrico':<46}{ratio50:>10.3f}{ratio95:>10.3f}"
              f"   (goal ≤ {GOAL}: {verdict})")  # fmt: skip
        result[key] = {"coops": a, "juntagrico": b, "ours_over_theirs_p50": ratio50,
                       "ours_over_theirs_p95": ratio95}  # fmt: skip
    print("-" * 95)
    print(
        f"floors (bare HttpResponse, p50): Coops {summary(coops['depot'])['floor_p50_ms']} ms,"
        f" Juntagrico {summary(junta['depot'])['floor_p50_ms']} ms; Coops on {where},"
        f" Juntagrico on SQLite; both DEBUG off, in-process test Client, after a warm-up"
    )
    result["machine"] = {
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    name = "juntagrico-pg.json" if args.postgres else "juntagrico.json"
    (OUT / name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {(OUT / name).relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
