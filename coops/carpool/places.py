"""Places people type: a town name or postcode (geocoded), or coordinates."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from coops.core.geo import GeoError, Point, haversine_km
from coops.core.geocoding import geocode

# Two places closer than this are the same place.
SAME_PLACE_KM = 0.2


@dataclass(frozen=True, slots=True)
class Place:
    label: str
    point: Point

    @property
    def lat(self) -> float:
        return self.point.lat

    @property
    def lon(self) -> float:
        return self.point.lon

    def as_json(self) -> dict:
        return {"label": self.label, "lat": self.lat, "lon": self.lon}


def place_resolve(text: str, lat: float | None = None, lon: float | None = None) -> Place:
    """A place from coordinates (when both are given) or from its name or postcode.
    Raises ValidationError with a message a person can act on."""
    text = " ".join((text or "").split())[:200]
    if lat is not None or lon is not None:
        if lat is None or lon is None:
            raise ValidationError(
                _("Give both the latitude and the longitude."), code="coordinates"
            )
        try:
            point = Point(float(lat), float(lon))
        except GeoError:
            raise ValidationError(
                _(
                    "These coordinates are outside the map (latitude −90 to 90, longitude −180 "
                    "to 180)."
                ),
                code="coordinates",
            ) from None
        return Place(text or f"{point.lat:.5f}, {point.lon:.5f}", point)
    if not text:
        raise ValidationError(_("Give a town, a postcode or coordinates."), code="required")
    found = geocode(text)
    if found is None:
        raise ValidationError(
            _(
                "We could not find “%(place)s”: try a town name or a postcode, or give its "
                "coordinates."
            )
            % {"place": text},
            code="unknown_place",
        )
    return Place(found.label, found.point)


def same_place(a: Place | Point, b: Place | Point) -> bool:
    a = a.point if isinstance(a, Place) else a
    b = b.point if isinstance(b, Place) else b
    return haversine_km(a, b) < SAME_PLACE_KM
