"""Geocoding behind one interface: `geocode(query) -> GeocodeResult | None`.

Two backends, chosen by the ``GEOCODER`` setting:

- ``"offline"`` (default): French communes from ``core/data/communes.csv``, matched by
  name (accents, case and punctuation ignored) or by exact postcode.
- ``"ban"``: the national address API (Base Adresse Nationale). Any network, HTTP or
  format error falls back to the offline list, so a page never fails because the
  API is down.

None means "not found": callers keep the text and leave coordinates empty
("to geolocate"), never 0,0.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .geo import GeoError, Point

logger = logging.getLogger(__name__)

COMMUNES_CSV = Path(__file__).resolve().parent / "data" / "communes.csv"
BAN_SEARCH_URL = "https://api-adresse.data.gouv.fr/search/"
BAN_TIMEOUT_SECONDS = 3.0
# BAN scores run from 0 to 1; below this the "match" is usually noise.
BAN_MIN_SCORE = 0.4

_POSTCODE_RE = re.compile(r"^\d{5}$")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    label: str
    postcode: str
    city: str
    lat: float
    lon: float
    source: str

    @property
    def point(self) -> Point:
        return Point(self.lat, self.lon)


@dataclass(frozen=True, slots=True)
class Commune:
    insee: str
    name: str
    postcode: str
    department: str
    lat: float
    lon: float

    def as_result(self) -> GeocodeResult:
        return GeocodeResult(
            label=f"{self.name} ({self.postcode})",
            postcode=self.postcode,
            city=self.name,
            lat=self.lat,
            lon=self.lon,
            source="offline",
        )


def normalise(text: str) -> str:
    """Fold case, accents, ligatures and punctuation: "Marcq-en-Barœul" -> "marcq en baroeul"."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


@dataclass(frozen=True)
class _Index:
    by_name: dict[str, tuple[Commune, ...]]
    by_postcode: dict[str, tuple[Commune, ...]]


@lru_cache(maxsize=1)
def _index() -> _Index:
    """Read the communes file once per process. Rows keep file order: main postcode first."""
    by_name: dict[str, list[Commune]] = {}
    by_postcode: dict[str, list[Commune]] = {}
    with COMMUNES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            commune = Commune(
                insee=row["insee"],
                name=row["name"],
                postcode=row["postcode"],
                department=row["department"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            by_name.setdefault(normalise(commune.name), []).append(commune)
            by_postcode.setdefault(commune.postcode, []).append(commune)
    return _Index(
        by_name={k: tuple(v) for k, v in by_name.items()},
        by_postcode={k: tuple(v) for k, v in by_postcode.items()},
    )


def geocode_offline(query: str) -> GeocodeResult | None:
    """Look a town up by name, by postcode, or by both ("59800 Lille", "Lille 59800")."""
    words = normalise(query).split()
    postcodes = [w for w in words if _POSTCODE_RE.match(w)]
    name = " ".join(w for w in words if not _POSTCODE_RE.match(w))
    index = _index()
    if len(postcodes) > 1:
        return None
    if postcodes:
        candidates = index.by_postcode.get(postcodes[0], ())
        if name:
            candidates = tuple(c for c in candidates if normalise(c.name) == name)
        return candidates[0].as_result() if candidates else None
    if not name:
        return None
    candidates = index.by_name.get(name, ())
    return candidates[0].as_result() if candidates else None


class GeocoderUnavailable(Exception):
    """The remote geocoder failed (network, HTTP status, unexpected payload)."""


def geocode_ban(query: str) -> GeocodeResult | None:
    """Ask the BAN API. Raises GeocoderUnavailable on any failure; None when nothing matches."""
    base_url = getattr(settings, "GEOCODER_BAN_URL", BAN_SEARCH_URL)
    timeout = getattr(settings, "GEOCODER_TIMEOUT", BAN_TIMEOUT_SECONDS)
    if not base_url.startswith("https://"):
        raise GeocoderUnavailable("the BAN URL must use https")
    url = base_url + "?" + urllib.parse.urlencode({"q": query, "limit": 1})
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            payload = json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError) as exc:  # URLError, HTTPError and timeouts are OSErrors
        raise GeocoderUnavailable(str(exc)) from exc
    try:
        features = payload["features"]
        if not features:
            return None
        feature = features[0]
        props = feature["properties"]
        if float(props.get("score", 1)) < BAN_MIN_SCORE:
            return None
        lon, lat = (float(v) for v in feature["geometry"]["coordinates"][:2])
        Point(lat, lon)  # validates the range
        return GeocodeResult(
            label=str(props["label"]),
            postcode=str(props.get("postcode", "")),
            city=str(props.get("city") or props.get("name") or props["label"]),
            lat=round(lat, 6),
            lon=round(lon, 6),
            source="ban",
        )
    except (KeyError, IndexError, TypeError, ValueError, GeoError) as exc:
        raise GeocoderUnavailable(f"unexpected BAN answer: {exc}") from exc


def geocode(query: str) -> GeocodeResult | None:
    """Find a French town from free text (name or postcode); None when not found."""
    query = " ".join(query.split())
    if not query:
        return None
    backend = getattr(settings, "GEOCODER", "offline")
    if backend == "ban":
        try:
            return geocode_ban(query)
        except GeocoderUnavailable as exc:
            logger.warning("BAN geocoder unavailable, using the offline list: %s", exc)
            return geocode_offline(query)
    if backend != "offline":
        raise ImproperlyConfigured(f"GEOCODER must be 'offline' or 'ban', not {backend!r}")
    return geocode_offline(query)
