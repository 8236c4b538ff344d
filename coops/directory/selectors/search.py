"""The directory search over published actors: text, facets, radius, sort, pages.

`actor_search(params)` runs a constant number of queries whatever the page size: up to
three look-ups of ticked taxonomy terms, the sector list, one facet statement (which
also counts the results) plus one per facet with ticked values, the page (two queries
in the relevance order: ranked ids, then rows) and one prefetch of the page's sectors.
On PostgreSQL, a text search first looks its last word up in the vocabulary, and a radius
search collects its actors, counts every facet over them and takes the page's ids in one
statement (ADRs 0031 and 0033), from a compact copy of the actors in place order (ADR
0032).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
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

from .. import geocells, indexing, places
from ..models import Actor, ActorPlace, Label, Sector, Skill
from .collected import TERM_COLUMNS, Collected
from .facets import Facet, facet_counts

ACTOR_INDEX = SearchIndex(
    table=Actor._meta.db_table, column="search_text", name_column="name", fold=indexing.fold
)
# PostgreSQL: the actors' places copy their tsvector (coops.directory.places).
PLACE_INDEX = SearchIndex(
    table=places.TABLE,
    column="search_vector",
    name_column="city",
    fold=indexing.fold,
    words_of=Actor._meta.db_table,
)

PER_PAGE_CHOICES = (20, 50, 100)
MAX_VALUES = 20  # values kept per facet parameter
MAX_RADIUS_KM = 200
COLLECT = True  # PostgreSQL radius searches collect their actors (tests turn it off to compare)
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
    """PostgreSQL: the row's grid cells overlap `cells` (served by the GIN index of the
    cells and text of published actors, or of their places; see coops.directory.geocells)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, cells: list[int]) -> None:
        super().__init__()
        self.cells = cells
        self.point = [F("latitude"), F("longitude")]

    def get_source_expressions(self) -> list:
        return self.point

    def set_source_expressions(self, exprs: list) -> None:
        self.point = list(exprs)

    def as_sql(self, compiler, connection):
        (lat, lat_params), (lon, lon_params) = (compiler.compile(e) for e in self.point)
        sql = f"{geocells.FUNCTION}({lat}, {lon}) && %s::bigint[]"
        return sql, [*lat_params, *lon_params, self.cells]


def _within_radius(
    queryset: QuerySet, point: Point, radius_km: float, *, with_box: bool = True
) -> QuerySet:
    """Bounding box on the indexed coordinates first, then the exact distance. Without
    `with_box`, the grid cells covering the box (PostgreSQL) go straight to the distance."""
    box = bounding_box(point, radius_km)
    pad = Decimal("0.000001")

    def dec(value: float) -> Decimal:
        return Decimal(str(round(value, 6)))

    min_lat, max_lat = dec(box.min_lat) - pad, dec(box.max_lat) + pad
    min_lon, max_lon = dec(box.min_lon) - pad, dec(box.max_lon) + pad
    lat, lon = "latitude", "longitude"
    if connections[queryset.db].vendor == "postgresql":
        cells = geocells.cells_covering(min_lat, max_lat, min_lon, max_lon)
        if cells is not None:
            queryset = queryset.filter(_GeoCells(cells))
            if not with_box:
                # The box would hardly narrow the cells' rows, and its four comparisons
                # of computed values make the planner expect a handful of rows (ADR 0033).
                return _within_distance(queryset, point, radius_km)
            # The cells lead, with the text in the same index. Compared as "latitude + 0",
            # the box cannot be read from the b-tree on (status, latitude, longitude)
            # instead, which the planner picks by underestimating dense towns' boxes
            # (their latitude band times their longitude band), reading tens of
            # thousands of rows to check their text one by one (ADR 0031).
            lat, lon = "_box_lat", "_box_lon"
            queryset = queryset.alias(
                _box_lat=F("latitude") + Value(Decimal(0)),
                _box_lon=F("longitude") + Value(Decimal(0)),
            )
    queryset = queryset.filter(**{f"{lat}__gte": min_lat, f"{lat}__lte": max_lat})
    if box.min_lon <= box.max_lon:
        queryset = queryset.filter(**{f"{lon}__gte": min_lon, f"{lon}__lte": max_lon})
    else:  # across the antimeridian
        queryset = queryset.filter(Q(**{f"{lon}__gte": min_lon}) | Q(**{f"{lon}__lte": max_lon}))
    return _within_distance(queryset, point, radius_km)


def _within_distance(queryset: QuerySet, point: Point, radius_km: float) -> QuerySet:
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


def _term_links(through, **lookup) -> QuerySet:
    return through.objects.filter(**lookup)


def _term_condition(through, correlated: bool, **lookup) -> Q:
    """Actors linked through `through` to a term matching `lookup`.

    Correlated (EXISTS per actor) when a radius already narrows the candidates to few
    rows; otherwise an "id IN (…)" list built once from the many-to-many table's index,
    which SQLite's planner cannot derive from EXISTS on its own.
    """
    links = _term_links(through, **lookup)
    if correlated:
        return Q(Exists(links.filter(actor_id=OuterRef("pk"))))
    return Q(pk__in=links.values("actor_id"))


def _term_lookups(resolved: _Resolved) -> dict[str, tuple]:
    """The ticked taxonomy facets: name -> (many-to-many table, lookup of its terms)."""
    lookups: dict[str, tuple] = {}
    if resolved.sector_paths:
        subtree = Sector.objects.filter(_sector_subtree(list(resolved.sector_paths.values())))
        lookups["sector"] = (Actor.sectors.through, {"sector_id__in": subtree.values("pk")})
    if resolved.skill_ids:
        skills = list(resolved.skill_ids.values())
        lookups["skill"] = (Actor.skills.through, {"skill_id__in": skills})
    if resolved.label_ids:
        labels = list(resolved.label_ids.values())
        lookups["label"] = (Actor.labels.through, {"label_id__in": labels})
    return lookups


# The facets whose values are columns of the actor: facet name -> (column, parameter).
COLUMN_FILTERS = {
    "kind": ("kind", "kinds"),
    "legal_form": ("legal_form", "legal_forms"),
    "department": ("department", "departments"),
    "city": ("city", "cities"),
}


def _facet_conditions(params: SearchParams, term_lookups: dict[str, tuple]) -> dict[str, Q]:
    """One condition per facet: OR within a facet, AND across facets."""
    correlated = bool(params.point is not None and params.radius_km)
    conditions: dict[str, Q] = {
        name: _term_condition(through, correlated, **lookup)
        for name, (through, lookup) in term_lookups.items()
    }
    for name, (column, param) in COLUMN_FILTERS.items():
        if getattr(params, param):
            conditions[name] = Q(**{f"{column}__in": getattr(params, param)})
    return conditions


class _Search:
    """The filtered actor querysets of one search, with or without one facet's filter."""

    def __init__(self, params: SearchParams, resolved: _Resolved, *, collect: bool = False):
        self.params = params
        self.term_lookups = _term_lookups(resolved)
        self.conditions = _facet_conditions(params, self.term_lookups)
        self.narrowed = bool(params.point is not None and params.radius_km)
        self.collected: Collected | None = None
        postgresql = connections[Actor.objects.db].vendor == "postgresql"
        if collect and COLLECT and self.narrowed and postgresql:
            self._collect()

    @cached_property
    def base(self) -> QuerySet:
        """The published actors, within the radius if any (not built for collected rows)."""
        base = Actor.objects.published()
        if self.narrowed:
            base = _within_radius(base, self.params.point, self.params.radius_km)
        return base

    def _collect(self) -> None:
        """On PostgreSQL, the actors within the radius that hold the words, read once in
        the statement that counts the facets and takes the page (collected.py): from their
        compact places stored in place order (coops.directory.places), each one's text
        rank, facet columns, sector, skill and label ids, and whether it has the ticked
        terms (an array overlap per ticked taxonomy facet). (ADRs 0031 to 0033.)"""
        params = self.params
        queryset = _within_radius(
            ActorPlace.objects.all(), params.point, params.radius_km, with_box=False
        )
        zero = Value(0.0, FloatField())
        column_filters = {
            name: condition for name, condition in self.conditions.items() if name in COLUMN_FILTERS
        }
        if params.q:
            queryset = search_filter(
                queryset, params.q, index=PLACE_INDEX, rank=True, expand_prefix=True
            )
            # Only the rows passing the column facets are ranked (the others only count
            # in those facets): ranking reads the row's stored tsvector, often out of line.
            chosen = Q()
            for condition in column_filters.values():
                chosen &= condition
            rank = Case(When(chosen, then=F("search_rank")), default=zero) if chosen else None
            queryset = queryset.annotate(_rank=rank or F("search_rank"))
        else:
            queryset = queryset.annotate(_rank=zero)
        # Whether the actor has a ticked term of each ticked taxonomy facet.
        flags = {}
        for name, (_through, lookup) in self.term_lookups.items():
            (terms,) = lookup.values()  # ids, or the query of a sector's subtree
            if isinstance(terms, QuerySet):
                terms = ArraySubquery(terms)
            overlap = Q(**{f"{TERM_COLUMNS[name]}__overlap": terms})
            flags[f"_has_{name}"] = ExpressionWrapper(overlap, output_field=BooleanField())
        columns = [column for column, _param in COLUMN_FILTERS.values()]
        collect = queryset.annotate(**flags).values_list(
            "pk", "_rank", *columns, *TERM_COLUMNS.values(), *flags
        )
        sql, sql_params = collect.query.sql_with_params()
        filters = {
            name: (f"m.{column} = ANY(%s)", [list(getattr(params, param))])
            for name, (column, param) in COLUMN_FILTERS.items()
            if name in column_filters
        }
        filters.update((name, (f"m.has_{name}", [])) for name in self.term_lookups)
        self.collected = Collected(
            sql=sql,
            params=list(sql_params),
            flags=list(self.term_lookups),
            filters=filters,
            connection=connections[collect.db],
        )

    def facet_source(self, without: str | None = None) -> QuerySet | Collected:
        """What the facet statements count: the collected actors (one statement filters
        them per facet), or else the queryset matching every filter but `without`'s."""
        if self.collected is not None:
            return self.collected
        return self.matching(without=without)

    def matching(self, *, without: str | None = None, text: bool = True) -> QuerySet:
        """Published actors passing every filter but the facet `without` (and the text
        when not `text`)."""
        queryset = self.base
        if text and self.params.q:
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
    """The results of a collected search, best first, for a Paginator: the page's (id,
    rank) from the collecting statement (collected.py), then one statement for the
    page's rows."""

    def __init__(self, collected: Collected, *, rows: QuerySet) -> None:
        self.collected, self.rows = collected, rows

    def __getitem__(self, item: slice) -> list:
        page = self.collected.page(item.start or 0, item.stop)
        by_pk = self.rows.filter(pk__in=[pk for pk, _rank in page]).in_bulk()
        found = []
        for pk, rank in page:
            if pk in by_pk:
                by_pk[pk].search_rank = rank
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


def _page_number(page: int | str) -> int:
    """The page number asked for, as the paginator reads it (1 when not a number; a page
    past 10^9 is past the last one anyway, and its offset must fit in SQL's bigint)."""
    try:
        return min(max(int(page), 1), 10**9)
    except (TypeError, ValueError):
        return 1


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

    per_page = params.per_page if params.per_page in PER_PAGE_CHOICES else PER_PAGE_CHOICES[0]
    if sort == SORT_RELEVANCE and search.collected is not None:
        listing = _PreRanked(search.collected, rows=_for_cards(Actor.objects.all(), params))
        # The page asked for is read with the facet counts (another one after them).
        search.collected.wanted = ((_page_number(params.page) - 1) * per_page, per_page)
    elif sort == SORT_RELEVANCE:
        listing = RankedResults(
            search.matching(text=False),
            params.q,
            index=ACTOR_INDEX,
            rows=_for_cards(Actor.objects.all(), params),
            expand_prefix=True,
        )
    else:
        listing = _for_cards(search.matching(), params).order_by(*ORDERINGS[sort])
    facets, total = facet_counts(
        search.facet_source,
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
