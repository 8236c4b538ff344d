"""Shared bits of the carpool services: the app's one locking helper, distances, URLs."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.urls import reverse
from django.utils import timezone

from coops.core.geo import Point, haversine_km
from coops.core.money import Money
from coops.core.permissions import can, get_rule
from coops.core.routing import ROAD_FACTOR, route

from ..matching import Leg


def lock_objects(model: type, pk: Any, *related: str) -> Any:
    """Lock one row (not the rows it joins) for the rest of the transaction: the app's
    single locking helper."""
    rows = model.objects.select_for_update(of=("self",))
    if related:
        rows = rows.select_related(*related)
    return rows.get(pk=pk)


# The straight-line estimate drives at a town speed; a carpool leaves town. Its time is
# the first TOWN_KM at TOWN_KMH and the rest at ROAD_KMH (OSRM times are kept as given).
TOWN_KM, TOWN_KMH, ROAD_KMH = 10, 30, 70


def estimated_seconds(distance_m: int) -> int:
    km = distance_m / 1000
    town = min(km, TOWN_KM)
    return round((town / TOWN_KMH + (km - town) / ROAD_KMH) * 3600)


def ride_status_shared(ride_pk: int) -> str:
    """The ride's status, read under a shared lock (PostgreSQL FOR SHARE): bookings of a
    ride run side by side, but never while the ride is being cancelled (FOR UPDATE), so a
    booking cannot land on a ride cancelled meanwhile. SQLite serialises writers anyway."""
    from ..models import Ride

    connection = connections[router.db_for_write(Ride)]
    suffix = " FOR SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status FROM carpool_ride WHERE id = %s{suffix}", [ride_pk])  # noqa: S608
        return cursor.fetchone()[0]


def measure(a: Point, b: Point) -> Leg:
    """Road distance and time by car (core.routing: straight line × road factor, or OSRM)."""
    found = route(a, b, profile="car")
    if found.source == "straight":
        return Leg(found.distance_m, estimated_seconds(found.distance_m))
    return Leg(found.distance_m, found.duration_s)


def measurer() -> Callable[[Point, Point], Leg]:
    """`measure`, or with the offline router the very same arithmetic without going through
    core.routing's dispatch and settings on every call (a search measures thousands of
    legs)."""
    if getattr(settings, "ROUTER", "straight") != "straight":
        return measure
    factor = getattr(settings, "ROUTER_ROAD_FACTOR", ROAD_FACTOR)

    def straight(a: Point, b: Point) -> Leg:
        metres = round(haversine_km(a, b) * factor * 1000)
        return Leg(metres, estimated_seconds(metres))

    return straight


def check(user: Any, action: str, obj: Any) -> None:
    """core.permissions.require, for services (the same message)."""
    if not can(user, action, obj):
        raise PermissionDenied(get_rule(action).message)


def contribution_for(ride, distance_m: int, seats: int) -> Decimal:
    """Per km × the passenger's km × seats, rounded to the currency's minor unit."""
    if ride.is_free:
        return Decimal(0)
    amount = ride.contribution_per_km * Decimal(distance_m) / 1000 * seats
    return Money(amount, ride.currency).rounded().amount


def local_text(moment, group) -> str:
    return timezone.localtime(moment, group.zone).strftime("%d/%m/%Y %H:%M")


def page_url(group, name: str, **kwargs) -> str:
    return reverse(f"groups:carpool:{name}", kwargs={"slug": group.slug, **kwargs})
