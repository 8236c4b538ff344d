"""The directory search over published actors: text, facets, radius, sort, pages.

`actor_search(params)` runs a constant number of queries whatever the page size: up to
three look-ups of ticked taxonomy terms, the sector list, one facet statement (which
also counts the results) plus one per facet with ticked values, the page (two queries
in the relevance order: ranked ids, then rows) and one prefetch of the page's sectors.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import (
    ASin,
    Cast,
    Cos,
    Least,
    Length,
    Power,
    Radians,
    Sin,
    Sqrt,
    Substr,
)
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coops.core.geo import EARTH_RADIUS_KM, Point, bounding_box
from coops.core.search import RankedResults, SearchIndex, search_filter

from .. import geocells, indexing
from ..models import Actor, Label, Sector, Skill
from .facets import Facet, facet_counts

ACTOR_INDEX = SearchIndex(
    table=Actor._meta.db_table, column="search_text", name_column="name", fold=indexing.fold
)

PER_PAGE_CHOICES = (20, 50, 100)
MAX_VALUES = 20  # values kept per facet parameter
MAX_RADIUS_KM = 200
COLLECT_LIMIT = 20_000  # ids of a radius search handed from statement to statement
DEFAULT_RADIUS_KM = 10
DEPARTMENT_RE = re.compile(r"^(?:\d{2,3}|2A|2B)$")

SORT_RELEVANCE, SORT_DISTANCE, SORT_NEWEST, SORT_NAME = "relevance", "distance", "newest", "name"
SORTS = {
    SORT_RELEVANCE: gettext_lazy("Relevance"),
    SORT_DISTANCE: gettext_lazy("Distance"),
    SORT_NEWEST: gettext_lazy("Newest"),
    SORT_NAME: gettext_lazy("Name"),
}


FACET_LABELS = {
    "sector": gettext_lazy("Sector"),
    "kind": gettext_lazy("Kind of actor"),
    "legal_form": gettext_lazy("Legal form"),
    "skill": gettext_lazy("Skill or trade"),
    "label": gettext_lazy("Label"),
    "department": gettext_lazy("Department"),
    "city": gettext_lazy("City"),
}


@dataclass(frozen=True)
class SearchParams:
    """A parsed search: taxonomy terms by slug, choices by value, a point and radius."""

    q: str = ""
    sectors: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    legal_forms: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    point: Point | None = None
    radius_km: float | None = None
    sort: str = ""
    page: int | str = 1
    per_page: int = PER_PAGE_CHOICES[0]


@dataclass
class SearchResult:
    page: Page
    facets: list[Facet]
    sort: str  # the order applied
    sorts: list[tuple[str, str]]  # the orders that make sense for this search
    point: Point | None
    radius_km: float | None
    ignored: list[str] = field(default_factory=list)  # why a parameter was left out

    @property
    def total(self) -> int:
        return self.page.paginator.count


# --- Building blocks ---------------------------------------------------------------------


def distance_km_expression(point: Point) -> Func:
    """Haversine distance in km from `point` to the row's coordinates, in SQL (float)."""
    lat = Radians(Cast("latitude", FloatField()))
    lon = Radians(Cast("longitude", FloatField()))
    lat0, lon0 = math.radians(point.lat), math.radians(point.lon)
    half = Value(0.5, FloatField())
    h = Power(Sin((lat - Value(lat0)) * half), 2) + Value(math.cos(lat0)) * Cos(lat) * Power(
        Sin((lon - Value(lon0)) * half), 2
    )
    return Value(2 * EARTH_RADIUS_KM) * ASin(Least(Sqrt(h), Value(1.0)))


class _GeoCells(Expression):
    """PostgreSQL: the actor's grid cells overlap `cells` (served by the cells' GIN index,
    which covers published actors; see coops.directory.geocells)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, cells: list[int]) -> None:
        super().__init__()
        self.cells = cells

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(Actor._meta.db_table)
        lat, lon = (f"{table}.{connection.ops.quote_name(c)}" for c in ("latitude", "longitude"))
        return f"{geocells.FUNCTION}({lat}, {lon}) && %s::bigint[]", [self.cells]


class _IdIn(Expression):
    """`id = ANY(%s)` with one array parameter: thousands of ids cost one value to send
    and parse, where `IN (…)` costs one literal each."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, ids: list[int]) -> None:
        super().__init__()
        self.ids = ids

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(Actor._meta.db_table)
        return f"{table}.{connection.ops.quote_name('id')} = ANY(%s)", [self.ids]


def _within_radius(queryset: QuerySet, point: Point, radius_km: float) -> QuerySet:
    """Bounding box on the indexed coordinates first, then the exact distance."""
    box = bounding_box(point, radius_km)
    pad = Decimal("0.000001")

    def dec(value: float) -> Decimal:
        return Decimal(str(round(value, 6)))

    min_lat, max_lat = dec(box.min_lat) - pad, dec(box.max_lat) + pad
    min_lon, max_lon = dec(box.min_lon) - pad, dec(box.max_lon) + pad
    if connections[queryset.db].vendor == "postgresql":
        cells = geocells.cells_covering(min_lat, max_lat, min_lon, max_lon)
        if cells is not None:
            queryset = queryset.filter(_GeoCells(cells))
    queryset = queryset.filter(latitude__gte=min_lat, latitude__lte=max_lat)
    if box.min_lon <= box.max_lon:
        queryset = queryset.filter(longitude__gte=min_lon, longitude__lte=max_lon)
    else:  # across the antimeridian
        queryset = queryset.filter(Q(longitude__gte=min_lon) | Q(longitude__lte=max_lon))
    return queryset.alias(_distance=distance_km_expression(point)).filter(_distance__lte=radius_km)


def _sector_subtree(paths: list[str], prefix: str = "") -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{prefix}path": path}) | Q(**{f"{prefix}path__startswith": path + "/"})
    return condition


@dataclass
class _Resolved:
    """Selected taxonomy terms that exist (unknown slugs are reported and left out)."""

    sector_paths: dict[str, str] = field(default_factory=dict)  # slug -> path
    skill_ids: dict[str, int] = field(default_factory=dict)
    label_ids: dict[str, int] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # (facet, slug) -> label
    ignored: list[str] = field(default_factory=list)


def _resolve(params: SearchParams) -> _Resolved:
    resolved = _Resolved()
    lookups = [
        ("sector", Sector, "path", resolved.sector_paths, _("Unknown sector “%s” ignored.")),
        ("skill", Skill, "id", resolved.skill_ids, _("Unknown skill “%s” ignored.")),
        ("label", Label, "id", resolved.label_ids, _("Unknown label “%s” ignored.")),
    ]
    for facet, model, column, target, message in lookups:
        slugs = getattr(params, facet + "s")
        if not slugs:
            continue
        for term in model.objects.filter(slug__in=slugs).only("slug", column, "name", "name_en"):
            target[term.slug] = getattr(term, column)
            resolved.names[(facet, term.slug)] = term.label
        resolved.ignored.extend(message % slug for slug in slugs if slug not in target)
    return resolved


def _term_condition(through, correlated: bool, **lookup) -> Q:
    """Actors linked through `through` to a term matching `lookup`.

    Correlated (EXISTS per actor) when a radius already narrows the candidates to few
    rows; otherwise an "id IN (…)" list built once from the many-to-many table's index,
    which SQLite's planner cannot derive from EXISTS on its own.
    """
    links = through.objects.filter(**lookup)
    if correlated:
        return Q(Exists(links.filter(actor_id=OuterRef("pk"))))
    return Q(pk__in=links.values("actor_id"))


def _facet_conditions(params: SearchParams, resolved: _Resolved) -> dict[str, Q]:
    """One condition per facet: OR within a facet, AND across facets."""
    correlated = bool(params.point is not None and params.radius_km)
    conditions: dict[str, Q] = {}
    if resolved.sector_paths:
        subtree = Sector.objects.filter(_sector_subtree(list(resolved.sector_paths.values())))
        conditions["sector"] = _term_condition(
            Actor.sectors.through, correlated, sector_id__in=subtree.values("pk")
        )
    if resolved.skill_ids:
        conditions["skill"] = _term_condition(
            Actor.skills.through, correlated, skill_id__in=list(resolved.skill_ids.values())
        )
    if resolved.label_ids:
        conditions["label"] = _term_condition(
            Actor.labels.through, correlated, label_id__in=list(resolved.label_ids.values())
        )
    if params.kinds:
        conditions["kind"] = Q(kind__in=params.kinds)
    if params.legal_forms:
        conditions["legal_form"] = Q(legal_form__in=params.legal_forms)
    if params.departments:
        conditions["department"] = Q(department__in=params.departments)
    if params.cities:
        conditions["city"] = Q(city__in=params.cities)
    return conditions


class _Search:
    """The filtered actor querysets of one search, with or without one facet's filter."""

    def __init__(self, params: SearchParams, resolved: _Resolved, *, collect: bool = False):
        self.params = params
        self.conditions = _facet_conditions(params, resolved)
        base = Actor.objects.published()
        self.narrowed = bool(params.point is not None and params.radius_km)
        if self.narrowed:
            base = _within_radius(base, params.point, params.radius_km)
        self.base = base
        self.ranks: dict[int, float] | None = None  # ids collected with the text, and ranks
        if collect and self.narrowed and connections[base.db].vendor == "postgresql":
            self._collect()

    def _collect(self) -> None:
        """On PostgreSQL, intersect the text index and the radius box once, with each
        row's text rank, and hand the ids found to every later statement (facets, page),
        which would each intersect them again; the ranks order the page without another
        statement. Skipped when more than COLLECT_LIMIT actors match."""
        queryset = self.base.order_by()
        ranks = None
        if self.params.q:
            queryset = search_filter(queryset, self.params.q, index=ACTOR_INDEX, rank=True)
            ranks = dict(queryset.values_list("pk", "search_rank")[: COLLECT_LIMIT + 1])
            ids = list(ranks)
        else:
            ids = list(queryset.values_list("pk", flat=True)[: COLLECT_LIMIT + 1])
        # None found: keep the filters, as "id IN ()" has no SQL for the facet statement.
        if 0 < len(ids) <= COLLECT_LIMIT:
            self.base = Actor.objects.filter(_IdIn(ids))
            self.ranks = ranks  # with the text applied, they order the relevance page

    @property
    def text_applied(self) -> bool:
        """The collected ids already passed the text (their ranks were kept)."""
        return self.ranks is not None

    def matching(self, *, without: str | None = None, text: bool = True) -> QuerySet:
        """Published actors passing every filter but the facet `without` (and the text
        when not `text`, unless the ids were collected with it: ranking re-applies it)."""
        queryset = self.base
        if text and self.params.q and not self.text_applied:
            queryset = search_filter(
                queryset, self.params.q, index=ACTOR_INDEX, rank=False, narrowed=self.narrowed
            )
        for name, condition in self.conditions.items():
            if name != without:
                queryset = queryset.filter(condition)
        return queryset


def matching_actors(params: SearchParams) -> QuerySet:
    """Every published actor passing all the filters of `params` (text, taxonomy, choices,
    radius), unordered and unpaged: what the list page counts, for exports and the map.
    Unknown taxonomy slugs are left out, as on the list page. Up to three queries to look
    up ticked taxonomy terms; the queryset itself is lazy."""
    return _Search(params, _resolve(params)).matching()


# --- The search ------------------------------------------------------------------------------


def available_sorts(params: SearchParams) -> list[str]:
    sorts = []
    if params.q:
        sorts.append(SORT_RELEVANCE)
    if params.point is not None:
        sorts.append(SORT_DISTANCE)
    return [*sorts, SORT_NEWEST, SORT_NAME]


def effective_sort(params: SearchParams) -> str:
    """The requested order when it makes sense, else relevance, distance or name."""
    sorts = available_sorts(params)
    return params.sort if params.sort in sorts else sorts[0]


ORDERINGS = {
    SORT_DISTANCE: [F("distance_km").asc(nulls_last=True), "name", "pk"],
    SORT_NEWEST: ["-created_at", "-pk"],
    # The folded name opens search_text: "Épicerie" sorts with the E on every engine.
    SORT_NAME: [Substr("search_text", 1, Length("name")), "name", "pk"],
}


def _for_cards(queryset: QuerySet, params: SearchParams) -> QuerySet:
    """What a result card shows: the actor, its sectors and its distance to the point."""
    queryset = queryset.defer("search_text").prefetch_related(
        Prefetch(
            "sectors",
            queryset=Sector.objects.only("id", "slug", "name", "name_en", "path", "depth"),
        )
    )
    if params.point is not None:
        queryset = queryset.annotate(distance_km=distance_km_expression(params.point))
    return queryset


class _PreRanked:
    """The results of a search whose ids were collected with their rank, best first, for
    a Paginator: one statement for the ids passing the facet filters (none without
    facet filters), one for the page's rows. Ties go to the smaller id."""

    def __init__(self, search: _Search, *, rows: QuerySet) -> None:
        self.search, self.rows = search, rows
        self._ids: list[int] | None = None

    def ids(self) -> list[int]:
        if self._ids is None:
            ranks = self.search.ranks or {}
            if self.search.conditions:
                ids = list(self.search.matching().order_by().values_list("pk", flat=True))
            else:
                ids = list(ranks)
            self._ids = sorted(ids, key=lambda pk: (-ranks.get(pk, 0.0), pk))
        return self._ids

    def count(self) -> int:
        return len(self.ids())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list:
        page = self.ids()[item]
        by_pk = self.rows.filter(pk__in=page).in_bulk()
        ranks = self.search.ranks or {}
        found = []
        for pk in page:
            if pk in by_pk:
                by_pk[pk].search_rank = ranks.get(pk, 0.0)
                found.append(by_pk[pk])
        return found


class _CountedPaginator(Paginator):
    """A paginator told the number of rows (the facet statement counted them)."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def actor_search(params: SearchParams) -> SearchResult:
    """One page of published actors matching `params`, with facet counts.

    Guarantees: only published actors; text matches every word (the last as a prefix),
    accents and case ignored; within a facet the values are alternatives, across facets
    they all apply; each facet's counts apply every filter but its own (so ticking one
    more value shows how many it adds); a radius keeps actors at most `radius_km` from
    `point` (exact great-circle distance), and with a point each result carries
    `distance_km`. Unknown taxonomy slugs are left out and named in `ignored`.
    """
    resolved = _resolve(params)
    search = _Search(params, resolved, collect=True)
    sort = effective_sort(params)

    if sort == SORT_RELEVANCE and search.ranks is not None:
        listing = _PreRanked(search, rows=_for_cards(Actor.objects.all(), params))
    elif sort == SORT_RELEVANCE:
        listing = RankedResults(
            search.matching(text=False),
            params.q,
            index=ACTOR_INDEX,
            rows=_for_cards(Actor.objects.all(), params),
        )
    else:
        listing = _for_cards(search.matching(), params).order_by(*ORDERINGS[sort])
    facets, total = facet_counts(
        lambda without: search.matching(without=without),
        {
            "sector": params.sectors,
            "kind": params.kinds,
            "legal_form": params.legal_forms,
            "skill": params.skills,
            "label": params.labels,
            "department": params.departments,
            "city": params.cities,
        },
        resolved.names,
        FACET_LABELS,
    )
    per_page = params.per_page if params.per_page in PER_PAGE_CHOICES else PER_PAGE_CHOICES[0]
    page = _CountedPaginator(listing, per_page, count=total).get_page(params.page)
    return SearchResult(
        page=page,
        facets=facets,
        sort=sort,
        sorts=[(s, str(SORTS[s])) for s in available_sorts(params)],
        point=params.point,
        radius_km=params.radius_km if params.point is not None else None,
        ignored=resolved.ignored,
    )
