"""The directory map: the actors of a search inside a box, as points or as clusters.

`map_data(params, box=, zoom=)` answers one view of the map in at most two queries
(after the look-ups of ticked taxonomy terms that every search makes):

- one query reads up to `max_points + 1` located actors of the box; when there are at
  most `max_points` of them, they are the answer, as points, with the labels of their
  sectors (one more query);
- otherwise one GROUP BY over a grid (`core.geo.map_grid`) counts them per cell, with
  each cell's mean position, over the whole cells that cover the box (at most 50 × 50
  whatever the zoom, the box or the number of actors). Whole cells do not change when
  the map pans within them, so these counts are shared through the cache for a minute
  (ten when they hold 50,000 actors or more).

So the payload stays bounded: at most `max_points` points whose JSON fits in
`POINTS_MAX_BYTES`, else at most 50 × 50 clusters of three numbers (under 75 KB).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, FloatField, Func, IntegerField, Max, Min, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import get_language

from coops.core.geo import BoundingBox, Grid, bounding_box, map_grid

from ..models import Actor
from .search import PER_PAGE_CHOICES, SearchParams, matching_actors

POINTS_MAX_BYTES = 100_000  # JSON of the points and their sector labels
EXTENT_CACHE_SECONDS = 300
CLUSTERS_CACHE_SECONDS = 60  # as long as browsers and proxies keep an answer
# Cells holding this many actors cost seconds to group at 1M actors; a count of that size
# that lags ten minutes behind an edit is invisible (see ADR 18).
CLUSTERS_CACHE_LONG_SECONDS, LONG_CACHE_MIN_ACTORS = 600, 50_000
COORD_PLACES = 5  # about one metre
MICRO = Decimal("0.000001")  # the columns' precision


@dataclass(frozen=True)
class MapData:
    """One view of the map. `total` counts the located actors of the search in the box.
    Points are [lat, lon, name, slug, city, [sector ids]] with `sectors` naming the ids;
    clusters are [lat, lon, count]. One of the two lists is empty."""

    total: int
    points: list[list] = field(default_factory=list)
    clusters: list[list] = field(default_factory=list)
    sectors: dict[int, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "total": self.total,
            "points": self.points,
            "clusters": self.clusters,
            "sectors": self.sectors,
        }


class _Cell(Func):
    """The grid row (or column) of a coordinate: floor((value - origin) / step), as an
    integer. SQLite truncates a positive value on CAST, PostgreSQL rounds, hence FLOOR."""

    output_field = IntegerField()

    def __init__(self, column: str, *, origin: float, step: float) -> None:
        super().__init__(Cast(column, FloatField()))
        self.origin, self.step = origin, step

    def as_sql(self, compiler, connection, **extra):
        value, params = compiler.compile(self.source_expressions[0])
        sql = f"FLOOR(({value} - %s) / %s)"
        return f"CAST({sql} AS integer)", [*params, self.origin, self.step]

    def as_sqlite(self, compiler, connection, **extra):
        value, params = compiler.compile(self.source_expressions[0])
        return f"CAST(({value} - %s) / %s AS integer)", [*params, self.origin, self.step]


def _in_box(queryset: QuerySet, box: BoundingBox) -> QuerySet:
    """Located rows inside `box` (edges included), on the (status, latitude, longitude)
    index; the bounds are widened to the columns' precision, never narrowed."""

    def down(value: float) -> Decimal:
        return Decimal(repr(value)).quantize(MICRO, rounding=ROUND_FLOOR)

    def up(value: float) -> Decimal:
        return Decimal(repr(value)).quantize(MICRO, rounding=ROUND_CEILING)

    return queryset.filter(
        latitude__gte=down(box.min_lat),
        latitude__lte=up(box.max_lat),
        longitude__gte=down(box.min_lon),
        longitude__lte=up(box.max_lon),
    )


def _coord(value: Decimal | float, places: int = COORD_PLACES) -> float:
    return round(float(value), places)


def _sector_labels(actor_ids: list[int]) -> tuple[dict[int, list[int]], dict[int, str]]:
    """Sector ids per actor and the label of each, in the active language (one query)."""
    english = (get_language() or "fr").startswith("en")
    per_actor: dict[int, list[int]] = {}
    labels: dict[int, str] = {}
    links = (
        Actor.sectors.through.objects.filter(actor_id__in=actor_ids)
        .order_by("sector__path")
        .values_list("actor_id", "sector_id", "sector__name", "sector__name_en")
    )
    for actor_id, sector_id, name, name_en in links:
        per_actor.setdefault(actor_id, []).append(sector_id)
        labels[sector_id] = name_en if english and name_en else name
    return per_actor, labels


def _size(value) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def _points(rows: list[tuple]) -> MapData | None:
    """The rows as points, sorted by name; None when their JSON would pass the budget."""
    rows = sorted(rows, key=lambda row: (row[3], row[0]))
    sectors_of, labels = _sector_labels([row[0] for row in rows])
    points = [
        [_coord(lat), _coord(lon), name, slug, city, sectors_of.get(pk, [])]
        for pk, lat, lon, name, slug, city in rows
    ]
    if _size(points) + _size(labels) > POINTS_MAX_BYTES:
        return None
    return MapData(total=len(points), points=points, sectors=labels)


def _clusters(matching: QuerySet, grid: Grid, box: BoundingBox) -> list[list]:
    cells = (
        _in_box(matching, box)
        .annotate(
            cell_row=_Cell("latitude", origin=-90.0, step=grid.lat_step),
            cell_col=_Cell("longitude", origin=-180.0, step=grid.lon_step),
        )
        .values("cell_row", "cell_col")
        .annotate(
            n=Count("*"),
            lat=Avg(Cast("latitude", FloatField())),
            lon=Avg(Cast("longitude", FloatField())),
        )
        .order_by()
    )
    return sorted(
        ([_coord(c["lat"], 4), _coord(c["lon"], 4), c["n"]] for c in cells),
        key=lambda cluster: (-cluster[2], cluster[0], cluster[1]),
    )


def _key(kind: str, params: SearchParams, *more) -> str:
    """A cache key for the filters of `params` (paging and order left out) and `more`."""
    search = replace(params, sort="", page=1, per_page=PER_PAGE_CHOICES[0])
    digest = hashlib.sha256(repr((search, *more)).encode()).hexdigest()
    return f"directory:map-{kind}:{digest[:40]}"


def _cached_clusters(
    matching: QuerySet, params: SearchParams, grid: Grid, box: BoundingBox
) -> MapData:
    """The clusters of the whole cells covering `box`, from the cache when another view
    within the same cells asked for them less than a minute ago (ten minutes when they
    hold at least LONG_CACHE_MIN_ACTORS actors)."""
    cells = grid.snap(box)
    key = _key("cells", params, grid, cells)
    clusters = cache.get(key)
    if clusters is None:
        clusters = _clusters(matching, grid, cells)
        large = sum(c[2] for c in clusters) >= LONG_CACHE_MIN_ACTORS
        cache.set(key, clusters, CLUSTERS_CACHE_LONG_SECONDS if large else CLUSTERS_CACHE_SECONDS)
    return MapData(total=sum(c[2] for c in clusters), clusters=clusters)


def map_data(
    params: SearchParams, *, box: BoundingBox, zoom: int, max_points: int | None = None
) -> MapData:
    """The published, located actors matching `params` inside `box` (edges included),
    for a map seen at `zoom`.

    Guarantees: only published actors with coordinates, passing every filter of the
    search (text, facets, radius) exactly as the list does. When there are at most
    `max_points` of them in the box (default settings.MAP_MAX_POINTS) and their JSON fits
    in POINTS_MAX_BYTES, they come as points and `total` is their number. Otherwise they
    come as clusters, one per non-empty cell of `map_grid(box, zoom)` among the whole
    cells covering the box (at most 50 × 50), and `total` is the sum of their counts:
    every actor of the box, and those of the same cells just outside it.
    Raises GeoError for a box across the antimeridian or a negative zoom.
    """
    if max_points is None:
        max_points = settings.MAP_MAX_POINTS
    grid = map_grid(box, zoom)
    matching = matching_actors(params).order_by()
    fields = ("pk", "latitude", "longitude", "name", "slug", "city")
    rows = list(_in_box(matching, box).values_list(*fields)[: max_points + 1])
    if len(rows) <= max_points:
        data = _points(rows)
        if data is not None:
            return data
    return _cached_clusters(matching, params, grid, box)


def map_extent(params: SearchParams) -> BoundingBox | None:
    """Where to open the map for `params`: the disc of a radius search, else the box of
    the located actors matching it (cached for a few minutes), None when there is none."""
    if params.point is not None and params.radius_km:
        return bounding_box(params.point, params.radius_km)
    key = _key("extent", params)
    found = cache.get(key)
    if found is None:
        found = (
            matching_actors(params)
            .order_by()
            .filter(latitude__isnull=False, longitude__isnull=False)
            .aggregate(
                min_lat=Min("latitude"),
                min_lon=Min("longitude"),
                max_lat=Max("latitude"),
                max_lon=Max("longitude"),
            )
        )
        cache.set(key, found, EXTENT_CACHE_SECONDS)
    if found["min_lat"] is None:
        return None
    return BoundingBox(*(float(found[k]) for k in ("min_lat", "min_lon", "max_lat", "max_lon")))
