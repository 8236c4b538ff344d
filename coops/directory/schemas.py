"""Typed input and output of the directory's read API (coops.directory.api).

Query parameters mirror the list page's (/annuaire/?q=…&sector=…), with a position given
as lat and lon. Input a search cannot use is refused with 422 and a message; unknown
taxonomy slugs are not an error but left out and named in `ignored`, as on the list page.
"""

# No `from __future__ import annotations` here: ninja reads the annotations at import.

from datetime import datetime
from enum import Enum, StrEnum
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import StringConstraints, field_validator, model_validator

from coops.core.geo import Point
from coops.groups.models import Visibility

from .models import Actor, ActorKind, GeocodeStatus, LegalForm
from .opendata import export_identity, public_url
from .selectors import (
    DEFAULT_RADIUS_KM,
    MAX_RADIUS_KM,
    MAX_VALUES,
    SORT_DISTANCE,
    SORT_NAME,
    SORT_NEWEST,
    SORT_RELEVANCE,
    SearchParams,
)


def _no_nul(value: str) -> str:
    return value.replace("\x00", "")


Slug = Annotated[str, StringConstraints(max_length=80)]
City = Annotated[str, StringConstraints(max_length=120)]
Department = Annotated[str, StringConstraints(pattern=r"^(?:\d{2,3}|2[ABab])$")]


class Sort(StrEnum):
    RELEVANCE = SORT_RELEVANCE
    DISTANCE = SORT_DISTANCE
    NEWEST = SORT_NEWEST
    NAME = SORT_NAME


class PerPage(int, Enum):
    SMALL = 20
    MEDIUM = 50
    LARGE = 100


class ActorFilters(Schema):
    """What narrows a search. Repeat a parameter for alternatives (?kind=shop&kind=craft);
    different parameters all apply."""

    q: str = Field("", max_length=200, description="Words in the name, description, town…")
    sector: list[Slug] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Sector slugs; a sector includes its sub-sectors",
    )
    kind: list[ActorKind] = Field(default_factory=list, max_length=MAX_VALUES)
    legal_form: list[LegalForm] = Field(default_factory=list, max_length=MAX_VALUES)
    skill: list[Slug] = Field(default_factory=list, max_length=MAX_VALUES)
    label: list[Slug] = Field(default_factory=list, max_length=MAX_VALUES)
    department: list[Department] = Field(
        default_factory=list, max_length=MAX_VALUES, description="59, 2A, 974…"
    )
    city: list[City] = Field(default_factory=list, max_length=MAX_VALUES)
    lat: float | None = Field(
        None, ge=-90, le=90, allow_inf_nan=False, description="Latitude of a point (WGS84)"
    )
    lon: float | None = Field(
        None, ge=-180, le=180, allow_inf_nan=False, description="Longitude of a point (WGS84)"
    )
    radius: int | None = Field(
        None,
        ge=1,
        le=MAX_RADIUS_KM,
        description=f"Kilometres around lat/lon ({DEFAULT_RADIUS_KM} when a point is given)",
    )

    @field_validator("q")
    @classmethod
    def _clean_q(cls, value: str) -> str:
        return _no_nul(value).strip()

    @field_validator("sector", "skill", "label", "city")
    @classmethod
    def _clean_values(cls, values: list[str]) -> list[str]:
        return [v for v in dict.fromkeys(_no_nul(value).strip() for value in values) if v]

    @model_validator(mode="after")
    def _point_needs_both(self):
        if (self.lat is None) != (self.lon is None):
            raise ValueError(_("Give both lat and lon, or neither."))
        if self.radius is not None and self.lat is None:
            raise ValueError(_("A radius needs a point: give lat and lon."))
        return self

    def search_params(self, **extra) -> SearchParams:
        point = Point(self.lat, self.lon) if self.lat is not None else None
        return SearchParams(
            q=self.q,
            sectors=tuple(self.sector),
            kinds=tuple(dict.fromkeys(k.value for k in self.kind)),
            legal_forms=tuple(dict.fromkeys(f.value for f in self.legal_form)),
            skills=tuple(self.skill),
            labels=tuple(self.label),
            departments=tuple(dict.fromkeys(d.upper() for d in self.department)),
            cities=tuple(self.city),
            point=point,
            radius_km=float(self.radius or DEFAULT_RADIUS_KM) if point else None,
            **extra,
        )


class ActorListFilters(ActorFilters):
    sort: Sort | None = Field(
        None,
        description="relevance needs q and distance a point; by default relevance with q, "
        "else distance with a point, else newest",
    )
    page: int = Field(1, ge=1, le=100_000)
    per_page: PerPage = PerPage.SMALL

    def search_params(self, **extra) -> SearchParams:
        return super().search_params(
            sort=self.sort.value if self.sort else "",
            page=self.page,
            per_page=self.per_page.value,
            **extra,
        )


# --- Output --------------------------------------------------------------------------------


class FacetOptionOut(Schema):
    value: str
    label: str
    count: int = Field(description="Matching actors with this value, other filters applied")
    selected: bool
    depth: int = Field(0, description="Depth in the sector tree (0 for other facets)")


class FacetOut(Schema):
    param: str = Field(description="The query parameter this facet fills")
    label: str
    options: list[FacetOptionOut]


def _blank_none(value: str) -> str | None:
    return value or None


class ActorSummaryOut(Schema):
    slug: str
    name: str
    kind: ActorKind
    legal_form: LegalForm | None
    city: str
    postcode: str
    latitude: float | None
    longitude: float | None
    sectors: list[str] = Field(description="Sector slugs")
    url: str = Field(description="The actor's page")
    distance_km: float | None = Field(None, description="From the point given, if any")

    @staticmethod
    def resolve_legal_form(obj: Actor) -> str | None:
        return _blank_none(obj.legal_form)

    @staticmethod
    def resolve_sectors(obj: Actor) -> list[str]:
        return [sector.slug for sector in obj.sectors.all()]

    @staticmethod
    def resolve_url(obj: Actor) -> str:
        return public_url(obj.get_absolute_url())

    @staticmethod
    def resolve_distance_km(obj: Actor) -> float | None:
        distance = getattr(obj, "distance_km", None)
        return None if distance is None else round(distance, 2)


class ActorPageOut(Schema):
    total: int = Field(description="Actors matching the search, on every page")
    page: int
    pages: int
    per_page: int
    sort: Sort = Field(description="The order applied")
    radius_km: float | None = Field(description="The radius applied around the point, if any")
    ignored: list[str] = Field(description="Why a parameter was left out (unknown slugs…)")
    facets: list[FacetOut]
    results: list[ActorSummaryOut]


class TermOut(Schema):
    slug: str
    name: str = Field(description="In the request's language")

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.label


class SectorTermOut(TermOut):
    path: str = Field(description="Slugs from the root: alimentation/maraichage")


class ActorDetailOut(Schema):
    slug: str
    name: str
    description: str
    kind: ActorKind
    kind_label: str
    legal_form: LegalForm | None
    legal_form_label: str
    siret: str
    sectors: list[SectorTermOut]
    skills: list[TermOut]
    labels: list[TermOut]
    tags: list[TermOut]
    street: str
    postcode: str
    city: str
    department: str
    country: str
    latitude: float | None
    longitude: float | None
    geocode_status: GeocodeStatus
    email: str
    telephone: str
    website: str
    opening_hours: str = Field(description="OpenStreetMap syntax")
    image: str | None
    group: str | None = Field(description="The slug of the linked group, when public")
    source: str = Field(description="With source_id, the actor's identity across instances")
    source_id: str
    licence: str
    url: str = Field(description="The actor's page")
    published_at: datetime | None
    updated_at: datetime

    @staticmethod
    def resolve_kind_label(obj: Actor) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_legal_form(obj: Actor) -> str | None:
        return _blank_none(obj.legal_form)

    @staticmethod
    def resolve_legal_form_label(obj: Actor) -> str:
        return str(obj.get_legal_form_display()) if obj.legal_form else ""

    @staticmethod
    def resolve_sectors(obj: Actor) -> list:
        return list(obj.sectors.all())

    @staticmethod
    def resolve_skills(obj: Actor) -> list:
        return list(obj.skills.all())

    @staticmethod
    def resolve_labels(obj: Actor) -> list:
        return list(obj.labels.all())

    @staticmethod
    def resolve_tags(obj: Actor) -> list:
        return list(obj.tags.all())

    @staticmethod
    def resolve_image(obj: Actor) -> str | None:
        return public_url(obj.image.url) if obj.image else None

    @staticmethod
    def resolve_group(obj: Actor) -> str | None:
        group = obj.group
        return group.slug if group is not None and group.visibility == Visibility.PUBLIC else None

    @staticmethod
    def resolve_source(obj: Actor) -> str:
        return export_identity(obj)[0]

    @staticmethod
    def resolve_source_id(obj: Actor) -> str:
        return export_identity(obj)[1]

    @staticmethod
    def resolve_url(obj: Actor) -> str:
        return public_url(obj.get_absolute_url())


class TaxonomyTermOut(Schema):
    slug: str
    name: str = Field(description="French name")
    name_en: str = Field(description="English name (may be empty)")
    label: str = Field(description="The name in the request's language")


class SectorOut(TaxonomyTermOut):
    parent: str | None = Field(description="The parent sector's slug")
    path: str
    depth: int

    @staticmethod
    def resolve_parent(obj) -> str | None:
        parts = obj.path.split("/")
        return parts[-2] if len(parts) > 1 else None


class SkillOut(TaxonomyTermOut):
    commission: str | None = Field(description="The slug of the public commission gathering it")

    @staticmethod
    def resolve_commission(obj) -> str | None:
        group = obj.commission
        return group.slug if group is not None and group.visibility == Visibility.PUBLIC else None


class ChoiceOut(Schema):
    value: str
    label: str


class TaxonomyOut(Schema):
    sectors: list[SectorOut] = Field(description="The tree, parents before children")
    skills: list[SkillOut]
    labels: list[TaxonomyTermOut]
    tags: list[TaxonomyTermOut]
    kinds: list[ChoiceOut]
    legal_forms: list[ChoiceOut]
