"""Geo helpers on WGS84 latitude/longitude, without GDAL.

A missing coordinate is None ("to geolocate"), never 0,0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


class GeoError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Point:
    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0):
            raise GeoError(f"latitude out of range: {self.lat}")
        if not (-180.0 <= self.lon <= 180.0):
            raise GeoError(f"longitude out of range: {self.lon}")

    @classmethod
    def maybe(cls, lat: float | None, lon: float | None) -> Point | None:
        if lat is None or lon is None:
            return None
        return cls(float(lat), float(lon))


@dataclass(frozen=True, slots=True)
class BoundingBox:
    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    def contains(self, point: Point) -> bool:
        in_lat = self.min_lat <= point.lat <= self.max_lat
        if self.min_lon <= self.max_lon:
            return in_lat and self.min_lon <= point.lon <= self.max_lon
        return in_lat and (point.lon >= self.min_lon or point.lon <= self.max_lon)


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi = phi2 - phi1
    dlmb = math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(center: Point, radius_km: float) -> BoundingBox:
    """Smallest lat/lon box holding every point within `radius_km` of `center`.

    Used as an indexable pre-filter before an exact haversine check. Near the poles
    the box spans every longitude; across the antimeridian min_lon > max_lon.
    """
    if radius_km < 0:
        raise GeoError("radius must be positive")
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    min_lat, max_lat = center.lat - dlat, center.lat + dlat
    if min_lat <= -90 or max_lat >= 90:
        return BoundingBox(max(min_lat, -90.0), -180.0, min(max_lat, 90.0), 180.0)
    # Largest longitude spread is at the latitude where the circle touches its meridian tangent.
    ratio = math.sin(radius_km / EARTH_RADIUS_KM) / math.cos(math.radians(center.lat))
    if ratio >= 1:
        return BoundingBox(min_lat, -180.0, max_lat, 180.0)
    dlon = math.degrees(math.asin(ratio))
    min_lon, max_lon = center.lon - dlon, center.lon + dlon
    if min_lon < -180:
        min_lon += 360
    if max_lon > 180:
        max_lon -= 360
    return BoundingBox(min_lat, min_lon, max_lat, max_lon)


# --- grids for map clustering -----------------------------------------------------------------

TILE_PX = 256  # web-map tiles: the world is TILE_PX * 2**zoom pixels wide


@dataclass(frozen=True, slots=True)
class Grid:
    """Square-looking cells of `lat_step` × `lon_step` degrees, counted from (-90, -180),
    so that a point's cell does not depend on the box that was asked for."""

    lat_step: float
    lon_step: float

    def cell(self, point: Point) -> tuple[int, int]:
        """(row, column) of the cell holding `point`."""
        return (
            math.floor((point.lat + 90.0) / self.lat_step),
            math.floor((point.lon + 180.0) / self.lon_step),
        )

    def snap(self, box: BoundingBox) -> BoundingBox:
        """The smallest union of whole cells covering `box`, cut to the world (and never
        short of the box by a rounding error)."""

        def start(value: float, origin: float, step: float) -> float:
            return min(value, math.floor((value - origin) / step) * step + origin)

        def end(value: float, origin: float, step: float) -> float:
            return max(value, (math.floor((value - origin) / step) + 1) * step + origin)

        return BoundingBox(
            min_lat=max(-90.0, start(box.min_lat, -90.0, self.lat_step)),
            min_lon=max(-180.0, start(box.min_lon, -180.0, self.lon_step)),
            max_lat=min(90.0, end(box.max_lat, -90.0, self.lat_step)),
            max_lon=min(180.0, end(box.max_lon, -180.0, self.lon_step)),
        )


def map_grid(box: BoundingBox, zoom: int, *, cell_px: int = 64, max_per_axis: int = 48) -> Grid:
    """The grid to cluster the points of `box` seen at web-map `zoom`: cells of about
    `cell_px` screen pixels, doubled until the box spans at most `max_per_axis` cells each
    way, so that the number of cells stays bounded whatever box and zoom a client sends.

    Latitude steps are longitude steps times the cosine of the box's middle latitude
    (rounded to one decimal, so panning a little keeps the same grid), which keeps cells
    roughly square on a Mercator map.
    """
    if zoom < 0:
        raise GeoError("zoom must be positive")
    if box.min_lon > box.max_lon or box.min_lat > box.max_lat:
        raise GeoError("the box must not cross the antimeridian")
    lon_step = 360.0 / (2**zoom * TILE_PX / cell_px)
    shrink = max(0.1, round(math.cos(math.radians((box.min_lat + box.max_lat) / 2)), 1))
    lat_step = lon_step * shrink
    lat_span, lon_span = box.max_lat - box.min_lat, box.max_lon - box.min_lon
    while lon_span / lon_step > max_per_axis or lat_span / lat_step > max_per_axis:
        lon_step, lat_step = lon_step * 2, lat_step * 2
    return Grid(lat_step=lat_step, lon_step=lon_step)


def web_map_box(center: Point, zoom: int, width_px: int, height_px: int) -> BoundingBox:
    """The box a web map (Web Mercator, TILE_PX tiles) of `width_px` × `height_px` pixels
    shows around `center` at `zoom`, cut to the world: what a browser's map asks for."""
    world = TILE_PX * 2**zoom
    x = (center.lon + 180.0) / 360.0 * world
    sin_lat = math.sin(math.radians(center.lat))
    y = (0.5 - math.log((1 + sin_lat) / (1 - sin_lat)) / (4 * math.pi)) * world

    def lat_at(pixel_y: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * pixel_y / world))))

    def lon_at(pixel_x: float) -> float:
        return pixel_x / world * 360.0 - 180.0

    return BoundingBox(
        min_lat=max(-90.0, lat_at(y + height_px / 2)),
        min_lon=max(-180.0, lon_at(x - width_px / 2)),
        max_lat=min(90.0, lat_at(y - height_px / 2)),
        max_lon=min(180.0, lon_at(x + width_px / 2)),
    )
