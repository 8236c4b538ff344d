"""Road distance and travel time behind one interface: `route(a, b, profile=…) -> Route`.

Two backends, chosen by the ``ROUTER`` setting:

- ``"straight"`` (default, offline): the great-circle distance × a road factor, at an
  average speed per profile. Good enough for quotes and matching; it never fails.
- ``"osrm"``: an OSRM server at ``OSRM_URL`` (``/route/v1/<profile>/…``). Any network
  or format error falls back to the straight-line estimate, so a quote never fails
  because the server is down.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .geo import Point, haversine_km

logger = logging.getLogger(__name__)

# Road distance over straight-line distance: about 1.3 in French towns and countryside.
ROAD_FACTOR = 1.3
# Average door-to-door speeds in town, km/h.
SPEED_KMH = {"bike": 15.0, "cargo_bike": 12.0, "car": 30.0, "van": 25.0, "foot": 5.0}
DEFAULT_PROFILE = "car"
OSRM_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class Route:
    distance_m: int
    duration_s: int
    source: str  # "straight" or "osrm"


def straight_route(a: Point, b: Point, *, profile: str = DEFAULT_PROFILE) -> Route:
    """The offline estimate: straight line × ROAD_FACTOR at the profile's average speed."""
    factor = getattr(settings, "ROUTER_ROAD_FACTOR", ROAD_FACTOR)
    km = haversine_km(a, b) * factor
    speed = SPEED_KMH.get(profile, SPEED_KMH[DEFAULT_PROFILE])
    return Route(
        distance_m=round(km * 1000), duration_s=round(km / speed * 3600), source="straight"
    )


class RouterUnavailable(Exception):
    pass


def osrm_route(a: Point, b: Point, *, profile: str = DEFAULT_PROFILE) -> Route:
    """Ask an OSRM server. Raises RouterUnavailable on any failure."""
    base = getattr(settings, "OSRM_URL", "").rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise RouterUnavailable("OSRM_URL must be an http(s) URL")
    osrm_profile = "bike" if profile in ("bike", "cargo_bike") else profile
    osrm_profile = "foot" if profile == "foot" else osrm_profile
    osrm_profile = "car" if osrm_profile not in ("bike", "foot") else osrm_profile
    url = f"{base}/route/v1/{osrm_profile}/{a.lon},{a.lat};{b.lon},{b.lat}?overview=false"
    timeout = getattr(settings, "OSRM_TIMEOUT", OSRM_TIMEOUT_SECONDS)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            payload = json.loads(response.read().decode("utf-8"))
        best = payload["routes"][0]
        return Route(round(best["distance"]), round(best["duration"]), "osrm")
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise RouterUnavailable(str(exc)) from exc


def route(a: Point, b: Point, *, profile: str = DEFAULT_PROFILE) -> Route:
    """Distance and time from `a` to `b` for `profile` (bike, cargo_bike, car, van, foot)."""
    backend = getattr(settings, "ROUTER", "straight")
    if backend == "osrm":
        try:
            return osrm_route(a, b, profile=profile)
        except RouterUnavailable as exc:
            logger.warning("OSRM unavailable, using the straight-line estimate: %s", exc)
            return straight_route(a, b, profile=profile)
    if backend != "straight":
        raise ImproperlyConfigured(f"ROUTER must be 'straight' or 'osrm', not {backend!r}")
    return straight_route(a, b, profile=profile)
