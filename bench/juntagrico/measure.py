"""Juntagrico's side of `make bench-juntagrico`, run with bench/.juntagrico-venv's python.

Reads the members written by bench/juntagrico_side.py (one JSON file, the same people on
both sides), loads them into a fresh Juntagrico database as one subscription each at one
of ten depots, then times, through Django's test Client signed in as a superuser who
coordinates every depot (after a warm-up request):
- each depot's member list, `manage/depot/<id>/subscription` (the view
  `DepotSubscriptionView`: every active subscription of the depot with its members);
- the list of all active subscriptions with their depot, `manage/subscription`;
- the floor, a bare HttpResponse behind the same middleware, just before each request.
Writes the timings (seconds) and query counts as JSON to --out.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path
from time import perf_counter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")


def load(people: list[dict], depots: list[str]) -> dict:
    """Users, members, depots, one subscription type, then one active subscription per
    member at their depot (subscriptions are saved one by one: they are a multi-table
    child of Billable, which bulk_create cannot write; their primary member is set once
    the memberships exist, as the sign-up does)."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.utils import timezone
    from juntagrico.entity.depot import Depot, DepotCoordinator
    from juntagrico.entity.location import Location
    from juntagrico.entity.member import Member, SubscriptionMembership
    from juntagrico.entity.subs import Subscription, SubscriptionPart
    from juntagrico.entity.subtypes import (
        ProductSize,
        SubscriptionBundle,
        SubscriptionBundleProductSize,
        SubscriptionCategory,
        SubscriptionProduct,
        SubscriptionType,
    )

    started = perf_counter()
    since = timezone.localdate() - datetime.timedelta(days=100)
    with transaction.atomic():
        staff = User.objects.create_superuser("coordinatrice", "coordinatrice@bench.example", "x")
        coordinator = Member.objects.create(
            user=staff, first_name="Coordinatrice", last_name="du banc",
            email="coordinatrice@bench.example", addr_street="Place de la République",
            addr_zipcode="59136", addr_location="Wavrin", phone="03 20 00 00 00",
        )  # fmt: skip
        rows = []
        for depot_name in depots:
            location = Location.objects.create(name=depot_name, addr_location="Weppes")
            rows.append(Depot.objects.create(name=depot_name, weekday=3, location=location))
        DepotCoordinator.objects.bulk_create(
            DepotCoordinator(depot=d, member=coordinator) for d in rows
        )
        product = SubscriptionProduct.objects.create(name="Légumes")
        size = ProductSize.objects.create(name="Panier", units=1, product=product)
        category = SubscriptionCategory.objects.create(name="Paniers")
        bundle = SubscriptionBundle.objects.create(long_name="Panier de légumes", category=category)
        SubscriptionBundleProductSize.objects.create(bundle=bundle, product_size=size)
        kind = SubscriptionType.objects.create(
            name="Panier", bundle=bundle, required_assignments=2, price=600
        )
        users = User.objects.bulk_create(
            User(username=f"membre{n}", email=p["email"]) for n, p in enumerate(people)
        )
        members = Member.objects.bulk_create(
            Member(
                user=user,
                first_name=p["first_name"],
                last_name=p["last_name"],
                email=p["email"],
                addr_street=p["street"],
                addr_zipcode=p["postcode"],
                addr_location=p["city"],
                phone=p["phone"],
                confirmed=True,
            )
            for user, p in zip(users, people, strict=True)
        )
        subscriptions = []
        for member, p in zip(members, people, strict=True):
            subscription = Subscription(
                depot=rows[p["point"]], start_date=since, activation_date=since
            )
            subscription.save()
            subscription.primary_member = member
            subscriptions.append(subscription)
        SubscriptionPart.objects.bulk_create(
            SubscriptionPart(subscription=s, type=kind, activation_date=since)
            for s in subscriptions
        )
        SubscriptionMembership.objects.bulk_create(
            SubscriptionMembership(member=m, subscription=s, join_date=since)
            for m, s in zip(members, subscriptions, strict=True)
        )
        # Set once the memberships exist (the pre-save checks read them), without signals.
        Subscription.objects.bulk_update(subscriptions, ["primary_member"], batch_size=500)
    return {"seconds": round(perf_counter() - started, 1), "members": len(members)}


def timed(client, path: str) -> float:
    started = perf_counter()
    response = client.get(path)
    elapsed = perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"Juntagrico: {path} answered {response.status_code}, expected 200")
    return elapsed


def queries(client, path: str) -> tuple[int, bytes]:
    """Queries of one request (counted by an execute wrapper: Django's query log stops at
    9,000) and the answer."""
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        response = client.get(path)
    return count, response.content


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", required=True, help="the JSON file of members")
    parser.add_argument("--out", required=True, help="where to write the timings")
    parser.add_argument("--runs", type=int, default=3, help="rounds over the ten depots")
    parser.add_argument("--all-runs", type=int, default=3, help="requests to the whole list")
    args = parser.parse_args()
    data = json.loads(Path(args.members).read_text())
    db = Path(
        os.environ.get("JUNTAGRICO_DB", HERE.parents[1] / "var" / "bench" / "juntagrico.sqlite3")
    )
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)

    import django

    django.setup()
    import juntagrico
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from juntagrico.entity.depot import Depot

    assert not settings.DEBUG
    call_command("migrate", verbosity=0, interactive=False)
    loaded = load(data["members"], data["depots"])
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(User.objects.get(username="coordinatrice"))
    depots = list(Depot.objects.order_by("pk"))
    paths = [reverse("manage-depot-subs", args=[d.pk]) for d in depots]
    everyone = reverse("manage-subscription")
    floor = "/__bench__/floor"
    timed(client, floor)
    timed(client, paths[0])  # warm-up: templates, translations, content types
    depot_queries, body = queries(client, paths[0])
    names = {p["last_name"] for p in data["members"] if p["point"] == 0}
    if not all(name.encode() in body for name in names):
        raise SystemExit("Juntagrico: the depot list does not show all its members")
    pages, floors, all_pages, all_floors = [], [], [], []
    for _ in range(args.runs):
        for path in paths:
            floors.append(timed(client, floor))
            pages.append(timed(client, path))
    all_queries, all_body = queries(client, everyone)  # also its warm-up
    for _ in range(args.all_runs):
        all_floors.append(timed(client, floor))
        all_pages.append(timed(client, everyone))
    result = {
        "juntagrico": getattr(juntagrico, "__version__", "?"),
        "django": django.get_version(),
        "database": "sqlite",
        "load": loaded,
        "depot": {
            "path": "manage/depot/<id>/subscription",
            "pages": pages,
            "floors": floors,
            "queries": depot_queries,
            "kb": round(len(body) / 1024, 1),
        },
        "all": {
            "path": "manage/subscription",
            "pages": all_pages,
            "floors": all_floors,
            "queries": all_queries,
            "kb": round(len(all_body) / 1024, 1),
        },
    }
    Path(args.out).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
