"""Where the hub is: its producers and pickup points on a map, and pickup points sorted
by distance from a place ("near me"). Coordinates are never invented: places still to
geolocate are left off the map and listed last."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.dates import WEEKDAYS

from coops.core.geo import Point, haversine_km

from ..models import HubProducer, PickupPoint


@dataclass(frozen=True, slots=True)
class NearPoint:
    point: PickupPoint
    km: float | None

    @property
    def opening(self) -> list[tuple[str, str, str]]:
        """The weekly opening slots as (day name, start, end), Monday first."""
        return [
            (str(WEEKDAYS[s["weekday"]]), s["start"], s["end"]) for s in self.point.opening_slots
        ]


def map_data(*, group: Any) -> dict:
    """A compact payload for the map: [lat, lng, name, detail] rows (two queries)."""
    producers = (
        HubProducer.objects.filter(
            group=group, producer__latitude__isnull=False, producer__longitude__isnull=False
        )
        .order_by("producer__name")
        .values_list(
            "producer__latitude", "producer__longitude", "producer__name", "producer__city"
        )
    )
    points = (
        PickupPoint.objects.filter(group=group, active=True, latitude__isnull=False)
        .order_by("name")
        .values_list("latitude", "longitude", "name", "address")
    )
    return {
        "producers": [[float(lat), float(lng), name, city] for lat, lng, name, city in producers],
        "points": [[float(lat), float(lng), name, address] for lat, lng, name, address in points],
    }


def points_near(
    *, group: Any, origin: Point | None, radius_km: float | None = None
) -> list[NearPoint]:
    """The group's active pickup points, nearest first from `origin` (within
    `radius_km` when given); by name when there is no origin."""
    points = list(PickupPoint.objects.filter(group=group, active=True).order_by("name"))
    if origin is None:
        return [NearPoint(p, None) for p in points]
    rows = []
    for point in points:
        where = Point.maybe(point.latitude, point.longitude)
        km = round(haversine_km(origin, where), 1) if where else None
        if radius_km is not None and (km is None or km > radius_km):
            continue
        rows.append(NearPoint(point, km))
    return sorted(rows, key=lambda r: (r.km is None, r.km or 0.0, r.point.name))
