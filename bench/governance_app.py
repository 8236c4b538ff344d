"""`make bench-governance-app`: `proposal_tally` on the app's own tables at 100,000 ballots.

bench/governance.py times the counting itself on scratch tables; this one times what the
proposal page and the closing call, `coops.governance.selectors.tally.proposal_tally`, over
real rows: 100,000 members, their ballots and marks, through the models' tables and joins.

1. Data (kept between runs unless --fresh): var/bench/governance-app.sqlite3, or with
   --postgres the database coops_bench_governance_app. 100,000 users and active members of
   one group; a majority-judgment proposal with 10 options and a Schulze proposal with 20,
   opened through the services (the voters are snapshotted), then 100,000 ballots each with
   their marks written in bulk from the same seeded generator as bench/governance.py.
2. For each proposal: the median of --runs timings of `proposal_tally`, against a floor timed
   just before each run, `SELECT COUNT(*)` of that proposal's marks (the same join).
Prints a table and writes bench/out/governance-app.json (governance-app-pg.json).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from bench import governance as scratch  # noqa: E402

OUT = BASE_DIR / "bench" / "out"
PG_NAME = "coops_bench_governance_app"
GROUP_SLUG = "bench-tally"
TARGETS_S = {"judgment": 1.0, "schulze": 2.0}


def configure(args) -> str:
    return scratch.app_database(
        postgres=args.postgres,
        fresh=args.fresh,
        pg_name=PG_NAME,
        sqlite_file="governance-app.sqlite3",
    )


def prepare(ballots: int) -> dict:
    """The group, its members and the two proposals with their ballots, once."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from coops.accounts.models import User
    from coops.governance.models import Ballot, BallotMark, Method, Proposal
    from coops.governance.services.proposals import proposal_create, proposal_open
    from coops.groups.models import Group, GroupKind, Membership, MembershipStatus, Role

    call_command("migrate", verbosity=0, interactive=False)
    group = Group.objects.filter(slug=GROUP_SLUG).first()
    if group is not None and group.proposals.count() == 2:
        return {"reused": True, "ballots": Ballot.objects.filter(proposal__group=group).count()}
    started = time.perf_counter()
    print(f"  writing {ballots:,} members and their ballots…", flush=True)
    with transaction.atomic():
        group = Group.objects.create(name="Banc d'essai", slug=GROUP_SLUG, kind=GroupKind.NETWORK)
        User.objects.bulk_create(
            (
                User(email=f"votant{i}@bench.example", display_name=f"Votant {i}")
                for i in range(ballots)
            ),
            batch_size=5_000,
        )
        users = list(
            User.objects.filter(email__endswith="@bench.example")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Membership.objects.bulk_create(
            (
                Membership(group=group, user_id=uid, status=MembershipStatus.ACTIVE,
                           role=Role.ADMIN if i == 0 else Role.MEMBER)
                for i, uid in enumerate(users)
            ),
            batch_size=5_000,
        )  # fmt: skip
        author = User.objects.get(pk=users[0])
        rnd = random.Random(scratch.SEED)
        for method, count, generate in (
            (Method.JUDGMENT, scratch.GRADE_OPTIONS, scratch.generate_grades),
            (Method.SCHULZE, scratch.RANK_OPTIONS, scratch.generate_rankings),
        ):
            proposal = proposal_create(
                group=group,
                acting_user=author,
                title=f"Banc d'essai : {method}",
                method=method,
                options=[f"Option {n}" for n in range(1, count + 1)],
            )
            proposal_open(proposal=proposal, acting_user=author)
            options = list(proposal.options.order_by("position").values_list("pk", flat=True))
            scratch_ids = (
                scratch.GRADE_OPTION_IDS if method == Method.JUDGMENT else scratch.RANK_OPTION_IDS
            )
            option_of = dict(zip(scratch_ids, options, strict=True))
            Ballot.objects.bulk_create(
                (Ballot(proposal=proposal, voter_id=uid, cast_by_id=uid) for uid in users),
                batch_size=5_000,
            )
            ballot_of = dict(
                enumerate(
                    Ballot.objects.filter(proposal=proposal)
                    .order_by("voter_id")
                    .values_list("pk", flat=True)
                )
            )
            marks = (
                BallotMark(ballot_id=ballot_of[b - 1], option_id=option_of[o], value=v)
                for b, o, v in generate(ballots, rnd)
            )
            BallotMark.objects.bulk_create(marks, batch_size=10_000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "reused": False,
        "seconds": round(time.perf_counter() - started, 1),
        "ballots": Ballot.objects.filter(proposal__group=group).count(),
        "proposals": list(Proposal.objects.filter(group=group).values_list("method", flat=True)),
    }


def measure(proposal, runs: int) -> dict:
    from django.db import connection

    from coops.governance.selectors.tally import proposal_tally

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM governance_ballotmark m JOIN governance_ballot b"
                " ON b.id = m.ballot_id WHERE b.proposal_id = %s AND b.set_aside_at IS NULL",
                [proposal.pk],
            )
            cursor.fetchone()

    tally = proposal_tally(proposal)  # warm the caches
    floors, times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        floor()
        floors.append(time.perf_counter() - started)
        started = time.perf_counter()
        tally = proposal_tally(proposal)
        times.append(time.perf_counter() - started)
    return {
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "floor_s": round(statistics.median(floors), 4),
        "ratio": round(statistics.median(t / f for t, f in zip(times, floors, strict=True)), 1),
        "participants": tally.participants,
        "winners": list(tally.outcome.winners),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="write the data again")
    args = parser.parse_args()
    where = configure(args)
    from django.db import connection

    from coops.governance.models import Proposal

    print(f"proposal_tally benchmark on {where}", flush=True)
    data = prepare(args.ballots)
    state = "reused" if data["reused"] else "written"
    print(f"  {data['ballots']:,} ballots on 2 proposals ({state})")
    rows = []
    for proposal in Proposal.objects.filter(group__slug=GROUP_SLUG).order_by("pk"):
        figure = measure(proposal, args.runs)
        rows.append({"method": proposal.method, **figure, "target_s": TARGETS_S[proposal.method]})
    head = ("proposal_tally", "median", "max", "COUNT(*)", "× floor", "target")
    print("\n{:<20}{:>9}{:>9}{:>10}{:>9}{:>9}".format(*head))
    for row in rows:
        target = f"< {row['target_s']}s"
        print(
            f"{row['method']:<20}{row['median_s']:>8.3f}s{row['max_s']:>8.3f}s"
            f"{row['floor_s'] * 1000:>8.1f}ms{row['ratio']:>9.1f}{target:>9}"
        )
    print(f"median of {args.runs} runs on {connection.vendor}; floor: COUNT(*) of the marks")
    OUT.mkdir(parents=True, exist_ok=True)
    name = "governance-app-pg.json" if args.postgres else "governance-app.json"
    (OUT / name).write_text(
        json.dumps({"database": where, "data": data, "results": rows}, indent=2) + "\n"
    )
    print(f"Written to {(OUT / name).relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
