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
