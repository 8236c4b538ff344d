"""Forms of the public directory pages. They parse input; the selectors read."""

from __future__ import annotations

import math

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from coops.core.geo import BoundingBox, GeoError, Point
from coops.core.geocoding import geocode
from coops.core.search import terms

from . import indexing
from .models import ActorKind, LegalForm
from .selectors import (
    DEFAULT_RADIUS_KM,
    DEPARTMENT_RE,
    MAX_RADIUS_KM,
    MAX_VALUES,
    PER_PAGE_CHOICES,
    SORTS,
    SearchParams,
)

FORM_ID = "directory-search"  # fields shown outside the <form> element point at it

# Facet parameters of the query string and the SearchParams field each one fills.
FACET_PARAMS = {
    "sector": "sectors",
    "kind": "kinds",
    "legal_form": "legal_forms",
    "skill": "skills",
    "department": "departments",
    "city": "cities",
    "label": "labels",
}


class _Values(forms.Field):
    """A repeated parameter (?kind=a&kind=b): trimmed, de-duplicated, at most MAX_VALUES
    non-empty values of at most `max_length` characters; longer ones are dropped."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_length: int = 120, **kwargs) -> None:
        self.max_length = max_length
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> tuple[str, ...]:
        if not value:
            return ()
        if isinstance(value, str):
            value = [value]
        kept: list[str] = []
        for item in value:
            item = str(item).strip()
            if item and len(item) <= self.max_length and item not in kept:
                kept.append(item)
        return tuple(kept[:MAX_VALUES])


class ActorSearchForm(forms.Form):
    """The directory's GET form. Every parameter is optional, and one that cannot be used
    (a radius that is not a number, an impossible position, an unknown town) gets an error
    message next to its field while the rest of the search still runs."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("bakery, repair café, SCOP…")}
        ),
    )
    place = forms.CharField(
        label=_("Near (town or postcode)"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    radius = forms.IntegerField(
        label=_("Within (km)"),
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("", _("Best order")), *SORTS.items()],
        widget=forms.Select(attrs={"form": FORM_ID}),
    )
    per_page = forms.TypedChoiceField(
        label=_("Results per page"),
        required=False,
        coerce=int,
        empty_value=PER_PAGE_CHOICES[0],
        choices=[(n, str(n)) for n in PER_PAGE_CHOICES],
        widget=forms.Select(attrs={"form": FORM_ID}),
    )

    sector = _Values(max_length=80)
    kind = _Values(max_length=20)
    legal_form = _Values(max_length=20)
    skill = _Values(max_length=80)
    department = _Values(max_length=3)
    city = _Values(max_length=120)
    label = _Values(max_length=80)

    def __init__(self, data: QueryDict | None = None, **kwargs) -> None:
        super().__init__(data if data is not None else QueryDict(), **kwargs)
        self.place_label = ""

    def clean_q(self) -> str:
        """A query without any word (punctuation only) is no query."""
        q = self.cleaned_data["q"].strip()
        return q if terms(q, indexing.fold) else ""

    def clean_kind(self) -> tuple[str, ...]:
        return tuple(v for v in self.cleaned_data["kind"] if v in ActorKind.values)

    def clean_legal_form(self) -> tuple[str, ...]:
        return tuple(v for v in self.cleaned_data["legal_form"] if v in LegalForm.values)

    def clean_department(self) -> tuple[str, ...]:
        return tuple(
            v.upper() for v in self.cleaned_data["department"] if DEPARTMENT_RE.match(v.upper())
        )

    def clean(self) -> dict:
        data = super().clean()
        data["point"] = self._point(data)
        return data

    def _point(self, data: dict) -> Point | None:
        """A typed place wins over the browser's position (lat/lon), which "near me" sends
        with an empty place: so typing a town in a shared "near me" link searches there."""
        place = data.get("place", "")
        if place:
            found = geocode(place)
            if found is None:
                self.add_error(
                    "place",
                    _(
                        "No town called “%(place)s” was found: "
                        "the search is not limited by distance."
                    )
                    % {"place": place},
                )
                return None
            self.place_label = found.label
            return found.point
        if "lat" in self.errors or "lon" in self.errors:
            self.add_error(None, _("Your position could not be used; search by town instead."))
            return None
        lat, lon = data.get("lat"), data.get("lon")
        if lat is None or lon is None:
            return None
        try:
            point = Point(lat, lon)
        except GeoError:
            return None
        self.place_label = str(_("your position"))
        return point

    def search_params(self) -> SearchParams:
        """The usable part of the input (call after is_valid(), whatever it returned)."""
        data = getattr(self, "cleaned_data", {})
        point = data.get("point")
        radius = data.get("radius")
        if point is not None and radius is None:  # none given, or not a usable number
            radius = DEFAULT_RADIUS_KM
        page = self.data.get("page", 1)
        return SearchParams(
            q=data.get("q", ""),
            point=point,
            radius_km=float(radius) if point is not None and radius else None,
            sort=data.get("sort", ""),
            page=page if isinstance(page, str) and len(page) <= 10 else 1,
            per_page=data.get("per_page") or PER_PAGE_CHOICES[0],
            **{field: data.get(param, ()) for param, field in FACET_PARAMS.items()},
        )


def search_query(params: SearchParams, *, place: str = "") -> QueryDict:
    """The query string that gives back `params` through ActorSearchForm (page left out)."""
    query = QueryDict(mutable=True)
    if params.q:
        query["q"] = params.q
    if params.point is not None:
        if place:
            query["place"] = place
        else:
            query["lat"], query["lon"] = str(params.point.lat), str(params.point.lon)
        if params.radius_km:
            query["radius"] = str(int(params.radius_km))
    for param, attr in FACET_PARAMS.items():
        values = getattr(params, attr)
        if values:
            query.setlist(param, list(values))
    if params.sort:
        query["sort"] = params.sort
    if params.per_page != PER_PAGE_CHOICES[0]:
        query["per_page"] = str(params.per_page)
    return query


# --- The map and the embedded widget ---------------------------------------------------------

MAX_MAP_ZOOM = 22


class MapViewForm(forms.Form):
    """The visible part of the map: ?bbox=west,south,east,north&zoom=Z, in degrees (WGS84).
    Edges past the world (a zoomed-out web map shows several) are brought back to it."""

    bbox = forms.CharField(max_length=200)
    zoom = forms.IntegerField(min_value=0, max_value=MAX_MAP_ZOOM)

    def clean_bbox(self) -> BoundingBox:
        message = _("bbox must be four numbers: west,south,east,north (in degrees).")
        try:
            west, south, east, north = (
                float(part) for part in self.cleaned_data["bbox"].split(",")
            )
        except ValueError:
            raise forms.ValidationError(message) from None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise forms.ValidationError(message)
        west, east = (min(180.0, max(-180.0, v)) for v in (west, east))
        south, north = (min(90.0, max(-90.0, v)) for v in (south, north))
        if west >= east or south >= north:
            raise forms.ValidationError(_("bbox must have west below east and south below north."))
        return BoundingBox(min_lat=south, min_lon=west, max_lat=north, max_lon=east)


EMBED_VIEWS = {"carte": _("Map"), "liste": _("List")}
EMBED_DEFAULT_HEIGHT = 450


class EmbedForm(forms.Form):
    """How a partner's website shows the directory: ?vue=carte (default) or liste, and
    the height of the frame in pixels for the code to copy."""

    vue = forms.ChoiceField(
        label=_("Show"), required=False, choices=list(EMBED_VIEWS.items()), widget=forms.RadioSelect
    )
    height = forms.IntegerField(
        label=_("Height (pixels)"),
        required=False,
        min_value=200,
        max_value=1500,
        widget=forms.NumberInput(
            attrs={"placeholder": EMBED_DEFAULT_HEIGHT, "inputmode": "numeric"}
        ),
    )

    def clean_vue(self) -> str:
        return self.cleaned_data["vue"] or "carte"

    def clean_height(self) -> int:
        return self.cleaned_data["height"] or EMBED_DEFAULT_HEIGHT
