"""`make bench-ledger`: ledger transfers/s on PostgreSQL, as a ratio to a bare INSERT floor.

1. Creates a scratch PostgreSQL database (coops_bench_ledger, dropped and recreated each
   run), runs the migrations, and loads one group's books: 10,000 member accounts, one cash
   box, then 1,000 entries of balanced history. It times balance reads, loads the history up
   to 1,000,000 entries, and times them again.
2. Sets limits on the member accounts (−50.00 € to 500.00 €), so that every transfer checks
   them and some are refused.
3. Starts N worker processes, each with its own connection. Slices of a few seconds
   alternate: the floor (a bare single-row INSERT and its commit, in a loop), then
   `coops.ledger.services.transfer` between random member accounts. The transfers' ratio is
   the median of the paired ratios.
4. Checks the book with `ledger_violations()` (what `manage.py ledger_check` runs), prints a
   table and writes bench/out/ledger.json.

Absolute numbers depend on the machine; the ratios to the floor are what to compare.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import queue
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[1]
OUT = BASE_DIR / "bench" / "out"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/"
DB_NAME = "coops_bench_ledger"
CURRENCY = "EUR"
FIRST_ENTRIES = 1_000  # the book's size at the first balance-read measurement
HOT_EVERY = 10  # one historical transaction in HOT_EVERY goes through the cash box
HISTORY_MAX_CENTS = 500  # amounts of the loaded history: 0.01 € to 5.00 €
TRANSFER_MAX_CENTS = 5_000  # amounts of the measured transfers: 0.01 € to 50.00 €
MIN_BALANCE, MAX_BALANCE = -5_000, 50_000  # −50.00 € and 500.00 €


@dataclass
class Config:
    workers: int
    seconds: float
    rounds: int
    warmup: float
    seed: int
    group_id: int = 0
    actor_id: int = 0


@dataclass
class Slice:
    mode: str
    seconds: float
    done: int  # floor: inserts; transfers: attempts (posted + refused)
    posted: int = 0
    refused: int = 0
    errors: int = 0
    first_error: str = ""

    @property
    def rate(self) -> float:
        return self.done / self.seconds

    @property
    def posted_rate(self) -> float:
        return self.posted / self.seconds


@dataclass
class Reads:
    label: str
    entries_in_book: int
    account_entries: int
    median_ms: float
    p95_ms: float


@dataclass
class Results:
    postgres: str
    settings: dict[str, str]
    accounts: int
    entries: int
    workers: int
    seconds: float
    rounds: int
    warmup: float
    load_seconds: float = 0.0
    statements_per_transfer: list[str] = field(default_factory=list)
    floor_per_s: float = 0.0
    attempts_per_s: float = 0.0
    posted_per_s: float = 0.0
    refused_per_s: float = 0.0
    ratio_attempts: float = 0.0
    ratio_posted: float = 0.0
    floor_spread: float = 0.0
    slices: list[dict] = field(default_factory=list)
    reads: list[Reads] = field(default_factory=list)
    sums: list[Reads] = field(default_factory=list)
    check_seconds: float = 0.0
    violations: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


# --- the database -----------------------------------------------------------------------------


def database_urls() -> tuple[str, str]:
    """(maintenance URL, bench URL): the server of DATABASE_URL, or of the default."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"bench/ledger.py measures PostgreSQL only; DATABASE_URL is {url!r}")
    scheme = "postgres"
    admin = urlunsplit((scheme, parts.netloc, "/postgres", parts.query, ""))
    bench = urlunsplit((scheme, parts.netloc, f"/{DB_NAME}", parts.query, ""))
    return admin, bench


def recreate_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def drop_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def setup_django(bench_url: str) -> None:
    os.environ.update(
        {
            "COOPS_ENV": "development",
            "DEBUG": "0",
            "DATABASE_URL": bench_url,
            "DJANGO_SETTINGS_MODULE": "coops.config.settings",
            "TASKS_IMMEDIATE": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


# --- the data set -----------------------------------------------------------------------------


def create_books(accounts: int) -> dict:
    """A group, its treasurer, `accounts` members with one EUR account each, a cash box."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from coops.accounts.models import User
    from coops.groups.models import Group, GroupKind, JoinPolicy, Visibility
    from coops.ledger.models import LedgerAccount, Purpose

    with transaction.atomic():
        group = Group.objects.create(
            name="Monnaie locale du Pévèle",
            slug="monnaie-pevele",
            kind=GroupKind.LOCAL,
            visibility=Visibility.PUBLIC,
            join_policy=JoinPolicy.OPEN,
            city="Orchies",
        )
        password = make_password(None)
        users = User.objects.bulk_create(
            (
                User(
                    email=f"membre{n}@bench.example.org",
                    display_name=f"Membre {n}",
                    home_town="Orchies",
                    password=password,
                )
                for n in range(accounts + 1)
            ),
            batch_size=2_000,
        )
        treasurer, members = users[0], users[1:]
        user_type = ContentType.objects.get_for_model(User)
        cash = LedgerAccount.objects.create(
            group=group,
            currency=CURRENCY,
            purpose=Purpose.CASH,
            owner_type=ContentType.objects.get_for_model(Group),
            owner_id=str(group.pk),
            name="Caisse du groupe",
        )
        LedgerAccount.objects.bulk_create(
            (
                LedgerAccount(
                    group=group,
                    currency=CURRENCY,
                    purpose=Purpose.MEMBER,
                    owner_type=user_type,
                    owner_id=str(user.pk),
                    name=user.display_name,
                )
                for user in members
            ),
            batch_size=2_000,
        )
        with connection.cursor() as cursor:
            # Session-local map from 0..n-1 to the member accounts' ids, for the loader.
            cursor.execute(
                "CREATE TEMP TABLE bench_members ON COMMIT PRESERVE ROWS AS"
                " SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, id"
                " FROM ledger_ledgeraccount WHERE purpose = 'member'"
            )
            cursor.execute("CREATE UNIQUE INDEX ON bench_members (idx)")
            cursor.execute("CREATE TABLE bench_floor (n bigint NOT NULL, at timestamptz NOT NULL)")
    return {"group": group, "treasurer": treasurer, "cash": cash}


def load_history(*, group_id: int, cash_id: int, accounts: int, transactions: int,
                 total_transactions: int, start: datetime, seed: float) -> None:  # fmt: skip
    """Append `transactions` balanced two-leg transactions to the book, in SQL.

    Every HOT_EVERY-th transaction moves money between the cash box and a member; the
    others between two distinct random members. Each entry's balance_after is the running
    balance of its account in entry order, and the accounts' stored balances follow, so
    the book stays exactly as `transaction_post` would have left it (without audit events).
    """
    from django.db import connection, transaction

    step = timedelta(days=365) / total_transactions
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        cursor.execute("SELECT coalesce(max(id), 0) FROM ledger_transaction")
        tx_base = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM ledger_entry")
        entry_base = cursor.fetchone()[0]
        cursor.execute(
            """
            CREATE TEMP TABLE bench_legs ON COMMIT DROP AS
            WITH draws AS (
                SELECT g,
                       floor(random() * %(n)s)::int AS a,
                       floor(random() * (%(n)s - 1))::int AS b,
                       random() < 0.5 AS cash_pays,
                       1 + floor(random() * %(max_cents)s)::bigint AS amount
                FROM generate_series(1, %(count)s) AS g
            ), pairs AS (
                SELECT g, amount,
                       CASE WHEN g %% %(hot)s = 0 AND cash_pays THEN %(cash)s
                            ELSE ma.id END AS payer,
                       CASE WHEN g %% %(hot)s = 0 AND NOT cash_pays THEN %(cash)s
                            WHEN g %% %(hot)s = 0 THEN ma.id
                            ELSE mb.id END AS payee
                FROM draws
                JOIN bench_members ma ON ma.idx = draws.a
                JOIN bench_members mb ON mb.idx = (draws.a + 1 + draws.b) %% %(n)s
            )
            SELECT %(tx_base)s + g AS tx, payer, payee, amount FROM pairs
            """,
            {
                "n": accounts,
                "count": transactions,
                "max_cents": HISTORY_MAX_CENTS,
                "hot": HOT_EVERY,
                "cash": cash_id,
                "tx_base": tx_base,
            },
        )
        cursor.execute(
            """
            INSERT INTO ledger_transaction (id, group_id, kind, memo, source_id, created_at)
            SELECT tx, %(group)s, 'ledger.adjustment', 'Historique', '',
                   %(start)s + (tx * %(step)s::float8) * interval '1 second'
            FROM bench_legs
            """,
            {"group": group_id, "start": start, "step": step.total_seconds()},
        )
        # Legs in account order within each transaction, as transaction_post writes them.
        cursor.execute(
            """
            INSERT INTO ledger_entry
                (id, transaction_id, account_id, currency, amount, balance_after)
            SELECT l.id, l.tx, l.account, %(currency)s, l.amount,
                   a.balance + sum(l.amount) OVER (PARTITION BY l.account ORDER BY l.id)
            FROM (
                SELECT %(entry_base)s + row_number() OVER (ORDER BY tx, account) AS id,
                       tx, account, amount
                FROM (
                    SELECT tx, payer AS account, -amount AS amount FROM bench_legs
                    UNION ALL
                    SELECT tx, payee, amount FROM bench_legs
                ) AS legs
            ) AS l
            JOIN ledger_ledgeraccount a ON a.id = l.account
            """,
            {"currency": CURRENCY, "entry_base": entry_base},
        )
        cursor.execute(
            """
            UPDATE ledger_ledgeraccount a SET balance = a.balance + s.total
            FROM (SELECT account_id, sum(amount) AS total FROM ledger_entry
                  WHERE id > %(entry_base)s GROUP BY account_id) AS s
            WHERE a.id = s.account_id
            """,
            {"entry_base": entry_base},
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('ledger_transaction', 'id'),"
            " (SELECT max(id) FROM ledger_transaction))"
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('ledger_entry', 'id'),"
            " (SELECT max(id) FROM ledger_entry))"
        )
    with connection.cursor() as cursor:
        for table in ("ledger_transaction", "ledger_entry", "ledger_ledgeraccount"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def set_limits() -> int:
    """Tight-ish limits on every member account (the cash box keeps none)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_ledgeraccount SET min_balance = %s, max_balance = %s"
            " WHERE purpose = 'member'",
            [MIN_BALANCE, MAX_BALANCE],
        )
        return cursor.rowcount


def checkpoint() -> None:
    """Flush the loaded pages now, so no checkpoint lands in the middle of the slices."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:
        pass  # needs a superuser or pg_checkpoint; the run is still valid without it


# --- balance reads ----------------------------------------------------------------------------


def time_calls(fn, count: int) -> tuple[float, float]:
    """(median, 95th percentile) of `count` calls, in milliseconds, after a warm-up."""
    for _ in range(min(20, count)):
        fn()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def measure_reads(accounts: dict[str, int], reads: int) -> tuple[list[Reads], list[Reads]]:
    """Balance reads (the O(1) path) and, for contrast, summing each account's entries."""
    from django.db.models import Sum

    from coops.ledger.models import Entry, LedgerAccount
    from coops.ledger.selectors import balance_of

    in_book = Entry.objects.count()
    out, sums = [], []
    for label, pk in accounts.items():
        own = Entry.objects.filter(account_id=pk).count()
        median, p95 = time_calls(lambda pk=pk: balance_of(LedgerAccount.objects.get(pk=pk)), reads)
        out.append(Reads(label, in_book, own, median, p95))
        median, p95 = time_calls(
            lambda pk=pk: Entry.objects.filter(account_id=pk).aggregate(s=Sum("amount")),
            max(10, reads // 20),
        )
        sums.append(Reads(label, in_book, own, median, p95))
    return out, sums


# --- workers ----------------------------------------------------------------------------------


def _worker(index: int, config: Config, bench_url: str, commands, results) -> None:
    """One process, one connection: runs the floor or the transfers when told to."""
    setup_django(bench_url)
    from django.db import DatabaseError, connection, connections, transaction
    from django.utils import timezone

    from coops.accounts.models import User
    from coops.groups.models import Group
    from coops.ledger.kinds import ADJUSTMENT
    from coops.ledger.models import LedgerAccount, Purpose
    from coops.ledger.services import LimitExceeded, transfer

    connections.close_all()  # nothing inherited: this process opens its own connection
    group = Group.objects.get(pk=config.group_id)
    actor = User.objects.get(pk=config.actor_id)
    members = list(LedgerAccount.objects.filter(purpose=Purpose.MEMBER).order_by("pk"))
    rng = random.Random(config.seed * 1_000 + index)
    cursor = connection.cursor()
    sql = "INSERT INTO bench_floor (n, at) VALUES (%s, %s)"
    results.put(("ready", index))

    while (command := commands.get()) is not None:
        mode, start_at, end_at = command
        while (now := time.monotonic()) < start_at:
            time.sleep(min(0.01, start_at - now))
        done = posted = refused = errors = 0
        first_error = ""
        if mode == "floor":
            while time.monotonic() < end_at:
                with transaction.atomic():
                    cursor.execute(sql, [done, timezone.now()])
                done += 1
        else:
            while time.monotonic() < end_at:
                payer, payee = rng.sample(members, 2)
                try:
                    transfer(
                        group=group,
                        payer=payer,
                        payee=payee,
                        amount=rng.randint(1, TRANSFER_MAX_CENTS),
                        kind=ADJUSTMENT,
                        acting_user=actor,
                        memo="Virement entre membres",
                    )
                    posted += 1
                except LimitExceeded:
                    refused += 1
                except DatabaseError as error:
                    errors += 1
                    first_error = first_error or repr(error)
            done = posted + refused
        elapsed = time.monotonic() - start_at
        results.put((mode, index, elapsed, done, posted, refused, errors, first_error))
    cursor.close()
    connection.close()


class Pool:
    """`workers` spawned processes (a fresh interpreter and django.setup() each)."""

    def __init__(self, config: Config, bench_url: str):
        context = multiprocessing.get_context("spawn")
        self.results = context.Queue()
        self.commands = [context.Queue() for _ in range(config.workers)]
        self.processes = [
            context.Process(
                target=_worker,
                args=(n, config, bench_url, self.commands[n], self.results),
                daemon=True,
            )
            for n in range(config.workers)
        ]
        for process in self.processes:
            process.start()
        for _ in self.processes:
            self._get()

    def _get(self):
        while True:
            try:
                return self.results.get(timeout=5)
            except queue.Empty as error:  # check that nobody died meanwhile
                dead = [p for p in self.processes if not p.is_alive()]
                if dead:
                    raise SystemExit(f"a bench worker exited (code {dead[0].exitcode})") from error

    def run(self, mode: str, seconds: float) -> Slice:
        start_at = time.monotonic() + 0.1
        for commands in self.commands:
            commands.put((mode, start_at, start_at + seconds))
        parts = [self._get() for _ in self.processes]
        total = Slice(mode, statistics.mean(p[2] for p in parts), 0)
        for _mode, _index, _elapsed, done, posted, refused, errors, first_error in parts:
            total.done += done
            total.posted += posted
            total.refused += refused
            total.errors += errors
            total.first_error = total.first_error or first_error
        return total

    def close(self) -> None:
        for commands in self.commands:
            commands.put(None)
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
                process.join()


def statements_per_transfer(group, actor, payer, payee) -> list[str]:
    """The SQL of one posted transfer, BEGIN and COMMIT included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coops.ledger.kinds import ADJUSTMENT
    from coops.ledger.services import transfer

    with CaptureQueriesContext(connection) as queries:
        transfer(
            group=group,
            payer=payer,
            payee=payee,
            amount=1,
            kind=ADJUSTMENT,
            acting_user=actor,
            memo="Virement entre membres",
        )
    return [" ".join(q["sql"].split())[:110] for q in queries]


# --- the run ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4, help="processes, one connection each")
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per side")
    parser.add_argument("--rounds", type=int, default=10, help="paired slices (floor, transfers)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of each side first")
    parser.add_argument("--accounts", type=int, default=10_000, help="member accounts")
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries in the book")
    parser.add_argument("--reads", type=int, default=2_000, help="balance reads per figure")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help=f"keep the {DB_NAME} database")
    args = parser.parse_args()
    if args.entries < 2 * FIRST_ENTRIES or args.entries % 2:
        parser.error(f"--entries must be even and at least {2 * FIRST_ENTRIES:,}")
    if args.accounts < 2 or args.workers < 1 or args.rounds < 1:
        parser.error("--accounts ≥ 2, --workers ≥ 1 and --rounds ≥ 1")

    admin_url, bench_url = database_urls()
    recreate_database(admin_url)
    try:
        results = run(args, bench_url)
    finally:
        if "django.db" in sys.modules:
            from django.apps import apps
            from django.db import connections

            if apps.ready:
                connections.close_all()
        if not args.keep:
            drop_database(admin_url)
    print_table(results, args.keep)
    OUT.mkdir(parents=True, exist_ok=True)
    document = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "database": "postgresql",
        **asdict(results),
    }
    (OUT / "ledger.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWritten to {(OUT / 'ledger.json').relative_to(BASE_DIR)}")
    return 1 if results.violations else 0


def run(args, bench_url: str) -> Results:
    setup_django(bench_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from coops.ledger.invariants import ledger_violations
    from coops.ledger.models import Entry, LedgerAccount

    assert not settings.DEBUG, "benchmarks run with DEBUG off"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        pg_settings = {}
        for name in ("synchronous_commit", "fsync", "shared_buffers"):
            cursor.execute(f"SHOW {name}")
            pg_settings[name] = cursor.fetchone()[0]
    results = Results(
        postgres=version,
        settings=pg_settings,
        accounts=args.accounts,
        entries=args.entries,
        workers=args.workers,
        seconds=args.seconds,
        rounds=args.rounds,
        warmup=args.warmup,
    )
    print(f"PostgreSQL {version}, database {DB_NAME}: migrating…", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    books = create_books(args.accounts)
    total_tx = args.entries // 2
    history_start = timezone.now() - timedelta(days=366)
    common = {
        "group_id": books["group"].pk,
        "cash_id": books["cash"].pk,
        "accounts": args.accounts,
        "total_transactions": total_tx,
        "start": history_start,
    }
    seeds = random.Random(args.seed)
    load_history(transactions=FIRST_ENTRIES // 2, seed=seeds.uniform(-1, 1), **common)
    print(
        f"  {args.accounts:,} member accounts and {FIRST_ENTRIES:,} entries"
        f" in {time.perf_counter() - started:.1f} s; timing balance reads…",
        flush=True,
    )
    # A member account that has entries at 1k, and the cash box (1 transaction in 10).
    member = (
        Entry.objects.exclude(account_id=books["cash"].pk)
        .values_list("account_id", flat=True)
        .order_by("account_id")
        .first()
    )
    probes = {"member account": member, "cash box (hot account)": books["cash"].pk}
    reads, sums = measure_reads(probes, args.reads)
    loading = time.perf_counter()
    load_history(transactions=total_tx - FIRST_ENTRIES // 2, seed=seeds.uniform(-1, 1), **common)
    results.load_seconds = round(time.perf_counter() - loading, 1)
    print(
        f"  history up to {args.entries:,} entries in {results.load_seconds:.1f} s;"
        " timing balance reads again…",
        flush=True,
    )
    more_reads, more_sums = measure_reads(probes, args.reads)
    results.reads, results.sums = reads + more_reads, sums + more_sums
    limited = set_limits()
    checkpoint()

    payer, payee = LedgerAccount.objects.filter(purpose="member").order_by("pk")[:2]
    statements_per_transfer(books["group"], books["treasurer"], payee, payer)  # warm caches
    results.statements_per_transfer = statements_per_transfer(
        books["group"], books["treasurer"], payer, payee
    )
    config = Config(
        workers=args.workers,
        seconds=args.seconds,
        rounds=args.rounds,
        warmup=args.warmup,
        seed=args.seed,
        group_id=books["group"].pk,
        actor_id=books["treasurer"].pk,
    )
    connection.close()
    print(
        f"  limits −50.00 € / 500.00 € on {limited:,} member accounts;"
        f" starting {args.workers} workers…",
        flush=True,
    )
    pool = Pool(config, bench_url)
    slice_s = args.seconds / args.rounds
    floors: list[Slice] = []
    transfers: list[Slice] = []
    try:
        if args.warmup:
            pool.run("floor", args.warmup)
            pool.run("transfer", args.warmup)
        for n in range(args.rounds):
            floors.append(pool.run("floor", slice_s))
            transfers.append(pool.run("transfer", slice_s))
            print(
                f"  slice {n + 1}/{args.rounds}: floor {floors[-1].rate:,.0f}/s,"
                f" transfers {transfers[-1].rate:,.0f}/s"
                f" (posted {transfers[-1].posted_rate:,.0f}/s)",
                flush=True,
            )
    finally:
        pool.close()

    floor_time = sum(s.seconds for s in floors)
    transfer_time = sum(s.seconds for s in transfers)
    results.floor_per_s = round(sum(s.done for s in floors) / floor_time, 1)
    results.attempts_per_s = round(sum(s.done for s in transfers) / transfer_time, 1)
    results.posted_per_s = round(sum(s.posted for s in transfers) / transfer_time, 1)
    results.refused_per_s = round(sum(s.refused for s in transfers) / transfer_time, 1)
    pairs = list(zip(floors, transfers, strict=True))
    results.ratio_attempts = round(statistics.median(t.rate / f.rate for f, t in pairs), 3)
    results.ratio_posted = round(statistics.median(t.posted_rate / f.rate for f, t in pairs), 3)
    floor_rates = [s.rate for s in floors]
    results.floor_spread = round(
        (max(floor_rates) - min(floor_rates)) / statistics.median(floor_rates), 3
    )
    results.slices = [
        {
            "floor_per_s": round(f.rate, 1),
            "attempts_per_s": round(t.rate, 1),
            "posted_per_s": round(t.posted_rate, 1),
            "refused": t.refused,
        }
        for f, t in pairs
    ]
    errors = sum(s.errors for s in transfers)
    if errors:
        first = next(s.first_error for s in transfers if s.first_error)
        results.flags.append(f"{errors} transfers failed with a database error, first: {first}")
    if results.floor_spread > 0.5:
        results.flags.append(
            f"the floor varied by {results.floor_spread:.0%} during the run: the machine is"
            " busy; paired ratios absorb some of it, absolute rates are unreliable"
        )

    print("Checking the book (ledger_violations)…", flush=True)
    started = time.perf_counter()
    results.violations = ledger_violations()
    results.check_seconds = round(time.perf_counter() - started, 1)
    results.entries = Entry.objects.count()
    return results


def print_table(results: Results, kept: bool) -> None:
    floor = results.floor_per_s
    print()
    print(f"{'ledger, PostgreSQL':<46} {'per s':>9} {'× floor':>8}")
    print("-" * 65)
    print(f"{'floor: INSERT one row + COMMIT':<46} {floor:>9,.0f} {1:>8.3f}")
    attempts = "transfer() attempts (posted + refused)"
    print(f"{attempts:<46} {results.attempts_per_s:>9,.0f} {results.ratio_attempts:>8.3f}")
    print(f"{'  posted':<46} {results.posted_per_s:>9,.0f} {results.ratio_posted:>8.3f}")
    print(f"{'  refused (LimitExceeded)':<46} {results.refused_per_s:>9,.0f}")
    print("-" * 65)
    print(
        f"transfers/s {results.attempts_per_s:,.0f} (posted {results.posted_per_s:,.0f},"
        f" refused {results.refused_per_s:,.0f}) | bare INSERT/s {floor:,.0f}"
        f" | ratio {results.ratio_attempts:.3f}× (posted {results.ratio_posted:.3f}×)"
    )
    verdict = "met" if results.posted_per_s >= 1_000 else "NOT met"
    print(
        f"target ≥ 1,000 posted transfers/s with limit checks: {verdict} on this machine"
        f" ({results.posted_per_s:,.0f}/s)"
    )
    print(
        f"{results.workers} worker processes, one connection each; {results.rounds} paired"
        f" slices of {results.seconds / results.rounds:g} s (floor, then transfers) after"
        f" {results.warmup:g} s of warm-up each; × floor: median of the paired ratios"
        f" (floor spread {results.floor_spread:.0%})"
    )
    print(
        f"book: {results.accounts:,} member accounts + a cash box, {results.entries:,} entries"
        f" after the run; PostgreSQL {results.postgres},"
        + " "
        + ", ".join(f"{k}={v}" for k, v in results.settings.items())
    )
    print(
        f"SQL of one posted transfer, warm caches: {len(results.statements_per_transfer)}"
        " round trips, BEGIN and COMMIT included"
    )
    for sql in results.statements_per_transfer:
        print(f"    {sql}")

    print()
    small_book, large_book = (
        f"{r.entries_in_book:,}" for r in (results.reads[0], results.reads[-1])
    )
    print(
        f"{'balance_of(LedgerAccount.objects.get(pk=…))':<46}"
        f" {small_book:>9} {large_book:>9} {'ratio':>7}"
    )
    print("-" * 73)
    half = len(results.reads) // 2
    for title, rows in (("", results.reads), ("Sum(amount) instead: ", results.sums)):
        for small, large in zip(rows[:half], rows[half:], strict=True):
            label = f"{title}{small.label}"
            print(
                f"{label:<46} {small.median_ms:>7.3f}ms {large.median_ms:>7.3f}ms"
                f" {large.median_ms / small.median_ms:>6.2f}×"
            )
            print(
                f"{'':<4}its entries: {small.account_entries:,} then {large.account_entries:,};"
                f" book: {small.entries_in_book:,} then {large.entries_in_book:,};"
                f" p95 {small.p95_ms:.3f} then {large.p95_ms:.3f} ms"
            )
    print("-" * 73)
    print("median of the reads, one connection, in the bench process")

    print()
    if results.violations:
        print(f"ledger_check: {len(results.violations)} violation(s)")
        for line in results.violations:
            print(f"  {line}")
    else:
        print(f"ledger_check: OK ({results.check_seconds:.1f} s)")
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} at the end of the run")
    if kept:
        print(f"database kept: {DB_NAME}")
    for flag in results.flags:
        print(f"FLAG: {flag}")


if __name__ == "__main__":
    sys.exit(main())
