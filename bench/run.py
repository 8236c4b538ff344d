"""`make bench`: page throughput as ratios to a floor measured in the same run.

1. Builds a fresh SQLite database in var/bench/ (migrations + a small network: a network
   group with local groups under it, one with 10 members and one with 1,000).
2. Counts SQL queries per group page, in-process, through Django's test Client.
3. Serves the site with gunicorn (2 sync workers, DEBUG off) on a free port of 127.0.0.1 and
   loads it with one load generator (wrk, or a Python client). For each page, one-second
   slices alternate: the floor (a view returning "ok" through the full middleware stack),
   then the page, five times over. The page's ratio is the median of the paired ratios.
4. Prints a table and writes bench/out/results.json.

Absolute numbers depend on the machine; the ratios to the floor are what to compare.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
VAR = BASE_DIR / "var" / "bench"
OUT = BASE_DIR / "bench" / "out"
DB_PATH = VAR / "bench.sqlite3"
HOST = "127.0.0.1"
WORKERS = 2
CONNECTIONS = 4
SMALL, LARGE = 10, 1_000
NETWORK_CHILDREN = 12

ENVIRONMENT = {
    "COOPS_ENV": "development",
    "DEBUG": "0",
    "DATABASE_URL": f"sqlite:///{DB_PATH}",
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "TASKS_IMMEDIATE": "0",
    "LOG_LEVEL": "WARNING",
}


@dataclass
class Page:
    key: str
    label: str
    path: str
    member: bool = False
    headers: dict = field(default_factory=lambda: {"Accept-Language": "fr"})


@dataclass
class Measurement:
    key: str
    label: str
    path: str
    requests_per_s: float
    ratio_to_floor: float
    requests: int
    errors: int
    slices: list[float]
    queries: int | None = None


@dataclass
class Results:
    generator: str
    slice_s: int
    rounds: int
    warmup_s: int
    workers: int
    connections: int
    measurements: list[Measurement] = field(default_factory=list)
    floor_spread: float = 0.0
    queries: dict[str, int] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


# --- the data set --------------------------------------------------------------------------


def setup_django() -> None:
    os.environ.update(ENVIRONMENT)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def prepare_database() -> dict:
    """A fresh database: migrations, then the groups and members, in bulk."""
    VAR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from coops.accounts.models import User
    from coops.groups.models import (
        Group,
        GroupKind,
        JoinPolicy,
        Membership,
        MembershipStatus,
        Role,
        Visibility,
    )

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    now = timezone.now()
    with transaction.atomic():
        password = make_password(None)  # unusable: nobody signs in with a password here
        users = User.objects.bulk_create(
            User(
                email=f"adherent{n}@bench.example.org",
                display_name=f"Adhérent·e {n}",
                home_town="Lille",
                password=password,
            )
            for n in range(LARGE + SMALL)
        )
        network = Group.objects.create(
            name="Réseau des Hauts-de-France",
            slug="reseau-hdf",
            kind=GroupKind.NETWORK,
            visibility=Visibility.PUBLIC,
            join_policy=JoinPolicy.REQUEST,
            description="Le réseau régional de l’économie sociale et solidaire.",
            city="Lille",
        )
        children = Group.objects.bulk_create(
            Group(
                name=f"Groupe local {n}",
                slug=f"groupe-local-{n}",
                kind=GroupKind.LOCAL,
                parent=network,
                visibility=Visibility.PUBLIC,
                join_policy=JoinPolicy.OPEN,
                description="Un groupe local du réseau.",
            )
            for n in range(NETWORK_CHILDREN)
        )
        small, large = children[0], children[1]
        Group.objects.filter(pk=small.pk).update(name="AMAP des Weppes", slug="amap-10")
        Group.objects.filter(pk=large.pk).update(name="Coopérative 1000", slug="coop-1000")
        visitor = users[0]  # a member of both groups, for the signed-in measurements
        members = [(small, users[:SMALL]), (large, [visitor, *users[SMALL + 1 : SMALL + LARGE]])]
        Membership.objects.bulk_create(
            Membership(
                group=group,
                user=user,
                role=Role.ADMIN if n == 1 else Role.MEMBER,
                status=MembershipStatus.ACTIVE,
                joined_at=now,
            )
            for group, people in members
            for n, user in enumerate(people)
        )
    counts = {
        "small": Membership.objects.filter(group=small).count(),
        "large": Membership.objects.filter(group=large).count(),
    }
    assert counts == {"small": SMALL, "large": LARGE}, counts
    return {
        "visitor": visitor,
        "seconds": time.perf_counter() - started,
        "users": len(users),
        "groups": 1 + len(children),
    }


def count_queries(pages: list[Page], visitor) -> tuple[dict[str, int], str]:
    """Queries per page through the test Client; also returns the visitor's session cookie."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anonymous = Client()
    member = Client()
    member.force_login(visitor)
    counts = {}
    for page in pages:
        client = member if page.member else anonymous
        client.get(page.path)  # warm caches (content types, templates) before counting
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path)
        if response.status_code != 200:
            raise SystemExit(f"{page.path} answered {response.status_code}, expected 200")
        counts[page.key] = len(queries)
    return counts, member.cookies[settings.SESSION_COOKIE_NAME].value


# --- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    log = open(VAR / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "coops.config.wsgi:application",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{port}",
            "--chdir",
            str(BASE_DIR),
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env={**os.environ, **ENVIRONMENT, "PYTHONPATH": str(BASE_DIR)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log = log
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {VAR / 'gunicorn.log'}")
        try:
            if fetch(port, "/__bench__/floor")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(process)
    raise SystemExit(f"gunicorn did not answer within 30 s; see {VAR / 'gunicorn.log'}")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.log.close()


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- load generators -----------------------------------------------------------------------


def find_wrk() -> str | None:
    """wrk if installed; as root in a non-interactive run, try Debian's package once."""
    found = shutil.which("wrk")
    if found:
        return found
    interactive = sys.stdin is not None and sys.stdin.isatty()
    if os.geteuid() == 0 and not interactive and shutil.which("apt-get"):
        print("wrk is missing: trying `apt-get install -y wrk`…", flush=True)
        try:
            subprocess.run(
                ["apt-get", "install", "-y", "-q", "wrk"],
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                capture_output=True,
                timeout=300,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return shutil.which("wrk")
    return None


@dataclass
class Slice:
    rate: float
    requests: int
    errors: int


class Wrk:
    """wrk, one thread, CONNECTIONS connections."""

    def __init__(self, executable: str, port: int):
        self.executable, self.port = executable, port
        self.name = "wrk"

    def run(self, path: str, headers: dict, seconds: int) -> Slice:
        command = [self.executable, "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s"]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        url = f"http://{HOST}:{self.port}{path}"
        output = subprocess.run(
            [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
        ).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        total = int(re.search(r"(\d+) requests in", output).group(1))
        errors = 0
        if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
            errors += int(match.group(1))
        if match := re.search(r"connect (\d+), read \d+, write (\d+), timeout (\d+)", output):
            # Read errors are left out: gunicorn's sync workers close every connection.
            errors += sum(int(n) for n in match.groups())
        return Slice(rate, total, errors)

    def close(self) -> None:
        pass


def _python_client(job: tuple[int, str, dict, float]) -> tuple[int, int, float]:
    port, path, headers, seconds = job
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    done = errors = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if 200 <= response.status < 400:
                done += 1
            else:
                errors += 1
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
    connection.close()
    return done, errors, time.perf_counter() - started


class PythonClient:
    """CONNECTIONS processes, each a loop of http.client requests (no GIL contention)."""

    def __init__(self, port: int):
        self.port = port
        self.name = f"python http.client × {CONNECTIONS} processes"
        self.pool = multiprocessing.get_context("fork").Pool(CONNECTIONS)

    def run(self, path: str, headers: dict, seconds: int) -> Slice:
        jobs = [(self.port, path, headers, seconds)] * CONNECTIONS
        results = self.pool.map(_python_client, jobs)
        rate = sum(done / elapsed for done, _errors, elapsed in results)
        return Slice(rate, sum(r[0] for r in results), sum(r[1] for r in results))

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


def measure(load, floor: Page, page: Page, rounds: int, warmup: int):
    """Alternate one-second slices of the floor and of the page; pair them up.

    A busy machine slows both members of a pair alike, so the median of the paired ratios
    holds still much better than a ratio of two measurements taken a minute apart.
    """
    status, _body = fetch(load.port, page.path, page.headers)
    if status != 200:
        raise SystemExit(f"{page.path} answered {status} from gunicorn, expected 200")
    load.run(page.path, page.headers, warmup)
    floors, pages = [], []
    for _ in range(rounds):
        floors.append(load.run(floor.path, floor.headers, 1))
        pages.append(load.run(page.path, page.headers, 1))
    ratio = statistics.median(p.rate / f.rate for p, f in zip(pages, floors, strict=True))
    return floors, pages, ratio


# --- the run -------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds", type=int, default=5, help="paired one-second slices (floor, page) per page"
    )
    parser.add_argument("--warmup", type=int, default=1, help="seconds on each page first")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()

    # Only pages are measured: static files are not collected, and whitenoise says so.
    warnings.filterwarnings("ignore", message=r"No directory at: .*static")
    setup_django()
    from django.conf import settings
    from django.db import connections

    assert not settings.DEBUG, "benchmarks run with DEBUG off"
    print(f"Preparing {DB_PATH.relative_to(BASE_DIR)}…", flush=True)
    data = prepare_database()
    print(
        f"  {data['users']} users, {data['groups']} groups, in {data['seconds']:.1f} s",
        flush=True,
    )

    floor = Page("floor", "floor: HttpResponse('ok')", "/__bench__/floor")
    pages = [
        Page("home", "home page, anonymous", "/"),
        Page("group_10", f"group page, {SMALL} members, anonymous", "/g/amap-10/"),
        Page("group_1000", f"group page, {LARGE:,} members, anonymous", "/g/coop-1000/"),
        Page("group_10_member", f"group page, {SMALL} members, member", "/g/amap-10/", True),
        Page("group_1000_member", f"group page, {LARGE:,} members, member", "/g/coop-1000/", True),
    ]
    queries, cookie = count_queries(pages, data["visitor"])
    for page in pages:
        if page.member:
            page.headers = {**page.headers, "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}
    connections.close_all()

    wrk = find_wrk() if args.generator in ("auto", "wrk") else None
    if wrk is None and args.generator == "wrk":
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    port = free_port()
    server = start_server(port)
    load = Wrk(wrk, port) if wrk else PythonClient(port)
    results = Results(load.name, 1, args.rounds, args.warmup, WORKERS, CONNECTIONS, queries=queries)
    print(f"gunicorn: {WORKERS} sync workers on {HOST}:{port}; load: {load.name}", flush=True)
    all_floors = []
    try:
        for page in pages:
            print(f"  {page.label}…", end=" ", flush=True)
            floors, slices, ratio = measure(load, floor, page, args.rounds, args.warmup)
            all_floors += floors
            m = Measurement(
                key=page.key,
                label=page.label,
                path=page.path,
                requests_per_s=round(statistics.median(s.rate for s in slices), 1),
                ratio_to_floor=round(ratio, 3),
                requests=sum(s.requests for s in slices),
                errors=sum(s.errors for s in slices),
                slices=[round(s.rate, 1) for s in slices],
                queries=queries[page.key],
            )
            print(f"{m.requests_per_s:,.0f} req/s, {m.ratio_to_floor:.3f} × floor", flush=True)
            results.measurements.append(m)
    finally:
        load.close()
        stop_server(server)

    floor_rates = [f.rate for f in all_floors]
    floor_rate = statistics.median(floor_rates)
    results.measurements.insert(
        0,
        Measurement(
            key=floor.key,
            label=floor.label,
            path=floor.path,
            requests_per_s=round(floor_rate, 1),
            ratio_to_floor=1.0,
            requests=sum(f.requests for f in all_floors),
            errors=sum(f.errors for f in all_floors),
            slices=[round(r, 1) for r in floor_rates],
        ),
    )
    results.floor_spread = round((max(floor_rates) - min(floor_rates)) / floor_rate, 3)
    flag_results(results)

    print_table(results)
    OUT.mkdir(parents=True, exist_ok=True)
    document = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "database": "sqlite",
        "floor_requests_per_s": round(floor_rate, 1),
        **asdict(results),
    }
    (OUT / "results.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWritten to {(OUT / 'results.json').relative_to(BASE_DIR)}")
    return 0


def flag_results(results: Results) -> None:
    for m in results.measurements:
        if m.errors:
            results.flags.append(f"{m.label}: {m.errors} failed requests")
    if results.floor_spread > 0.5:
        results.flags.append(
            f"the floor varied by {results.floor_spread:.0%} during the run: the machine is"
            " busy; paired ratios absorb some of it, absolute req/s are unreliable"
        )
    queries = results.queries
    for who in ("", "_member"):
        small, large = queries[f"group_10{who}"], queries[f"group_1000{who}"]
        if large > small:
            results.flags.append(
                f"group page{' (member)' if who else ''}: {large} queries with {LARGE:,} members"
                f" against {small} with {SMALL}: the query count grows with the group"
            )


def print_table(results: Results) -> None:
    print()
    print(f"{'page':<40} {'req/s':>9} {'× floor':>8} {'queries':>8}")
    print("-" * 68)
    for m in results.measurements:
        queries = "" if m.queries is None else str(m.queries)
        print(f"{m.label:<40} {m.requests_per_s:>9,.0f} {m.ratio_to_floor:>8.3f} {queries:>8}")
    print("-" * 68)
    print(
        f"req/s: median of {results.rounds} one-second slices; × floor: median of the ratios"
        " of each page slice to the floor slice just before it"
        f" (floor spread over the run: {results.floor_spread:.0%})"
    )
    print(
        f"load: {results.generator}, {results.connections} connections, 127.0.0.1;"
        f" server: gunicorn, {results.workers} sync workers, DEBUG off, SQLite"
    )
    if results.flags:
        print()
        for flag in results.flags:
            print(f"FLAG: {flag}")


if __name__ == "__main__":
    sys.exit(main())
