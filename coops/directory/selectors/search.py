"""The directory search over published actors: text, facets, radius, sort, pages.

`actor_search(params)` runs a constant number of queries whatever the page size: up to
three look-ups of ticked taxonomy terms, the sector list, one facet statement (which
also counts the results) plus one per facet with ticked values, the page (two queries
in the relevance order: ranked ids, then rows) and one prefetch of the page's sectors.
On PostgreSQL, a text search first looks its last word up in the vocabulary, and a radius
search collects its actors in one statement whose ranks order the page (ADR 0031), from
a compact copy of the actors in place order (ADR 0032).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
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
from .facets import CountedRows, Facet, facet_counts

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
    lat, lon = "latitude", "longitude"
    if connections[queryset.db].vendor == "postgresql":
        cells = geocells.cells_covering(min_lat, max_lat, min_lon, max_lon)
        if cells is not None:
            queryset = queryset.filter(_GeoCells(cells))
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
# The taxonomy facets: facet name -> the actor's place's column of their ids.
TERM_COLUMNS = {"sector": "sector_ids", "skill": "skill_ids", "label": "label_ids"}
# Where a collected row (id, rank, these columns, the term ids, then the flags) holds
# each facet's values.
COLLECTED_POSITIONS = {
    name: position for position, name in enumerate([*COLUMN_FILTERS, *TERM_COLUMNS], start=2)
}
FLAGS_START = 2 + len(COLLECTED_POSITIONS)


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
        self.collected: list[tuple] | None = None  # see passing()
        self._passing: dict[str | None, list[tuple]] = {}
        if collect and self.narrowed and connections[Actor.objects.db].vendor == "postgresql":
            self._collect()

    @cached_property
    def base(self) -> QuerySet:
        """The published actors, within the radius if any (not built for collected rows)."""
        base = Actor.objects.published()
        if self.narrowed:
            base = _within_radius(base, self.params.point, self.params.radius_km)
        return base

    def _collect(self) -> None:
        """On PostgreSQL, read the actors within the radius that hold the words once, in
        one statement, from their compact places stored in place order
        (coops.directory.places): each one's text rank, facet columns, sector, skill and
        label ids, and whether it has the ticked terms (an array overlap per ticked
        taxonomy facet). The facet filters are then applied to these rows, the page is
        ordered by their ranks, and the facet statements count over them given by value,
        none of them reading the actors or their many-to-many tables again. Skipped when
        more than COLLECT_LIMIT actors match (the statements then filter). (ADRs 0031,
        0032.)"""
        if COLLECT_LIMIT < 1:
            return
        params = self.params
        queryset = _within_radius(ActorPlace.objects.all(), params.point, params.radius_km)
        zero = Value(0.0, FloatField())
        if params.q:
            queryset = search_filter(
                queryset, params.q, index=PLACE_INDEX, rank=True, expand_prefix=True
            )
            # Only the rows passing the column facets are ranked (the others only count
            # in those facets): ranking reads the row's stored tsvector, often out of line.
            chosen = Q()
            for name, condition in self.conditions.items():
                if name in COLUMN_FILTERS:
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
        # The term ids as text ("3,17"): they are only handed on to the facet statements,
        # and thousands of arrays would cost psycopg a parse each.
        term_ids = {
            f"_{column}": Func(
                F(column), Value(","), function="array_to_string", output_field=CharField()
            )
            for column in TERM_COLUMNS.values()
        }
        columns = [column for column, _param in COLUMN_FILTERS.values()]
        collect = queryset.annotate(**term_ids, **flags).values_list(
            "pk", "_rank", *columns, *term_ids, *flags
        )
        # A plain cursor: the values need no conversion, and there may be 20,000 rows.
        sql, sql_params = collect[: COLLECT_LIMIT + 1].query.sql_with_params()
        with connections[collect.db].cursor() as cursor:
            cursor.execute(sql, sql_params)
            rows = cursor.fetchall()
        if len(rows) <= COLLECT_LIMIT:
            # In id order: a parallel scan returns rows in any order, and the facet cache
            # is keyed by the statement's parameters.
            rows.sort()
            self.collected = rows

    def passing(self, without: str | None = None) -> list[tuple]:
        """The collected rows (id, rank, kind, legal_form, department, city, the sector,
        skill and label ids as "3,17", then one flag per ticked taxonomy facet) passing
        every facet filter but `without`'s."""
        if without in self._passing:
            return self._passing[without]
        rows = self.collected or []
        for name, (_column, param) in COLUMN_FILTERS.items():
            position, values = COLLECTED_POSITIONS[name], set(getattr(self.params, param))
            if values and name != without:
                rows = [row for row in rows if row[position] in values]
        for position, name in enumerate(self.term_lookups, start=FLAGS_START):
            if name != without:
                rows = [row for row in rows if row[position]]
        self._passing[without] = rows
        return rows

    def facet_source(self, without: str | None = None) -> QuerySet | CountedRows:
        """What the facet statements count: the collected rows passing the filters, given
        by value, or else the matching queryset."""
        if self.collected is None:
            return self.matching(without=without)
        return CountedRows(self.passing(without), COLLECTED_POSITIONS)

    def matching(self, *, without: str | None = None, text: bool = True) -> QuerySet:
        """Published actors passing every filter but the facet `without` (and the text
        when not `text`, unless the actors were collected with it)."""
        if self.collected is not None:
            return Actor.objects.filter(_IdIn([row[0] for row in self.passing(without)]))
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
    """The results of a collected search, best first, for a Paginator: the collected
    actors passing the facet filters sorted by their rank (ties to the smaller id), then
    one statement for the page's rows."""

    def __init__(self, search: _Search, *, rows: QuerySet) -> None:
        self.search, self.rows = search, rows
        self._ranked: list[tuple[int, float]] | None = None

    def ranked(self) -> list[tuple[int, float]]:
        """(id, rank), best first."""
        if self._ranked is None:
            # The rows are in id order and the sort is stable: ties stay in id order.
            self._ranked = [
                (row[0], row[1])
                for row in sorted(self.search.passing(), key=itemgetter(1), reverse=True)
            ]
        return self._ranked

    def count(self) -> int:
        return len(self.ranked())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list:
        page = self.ranked()[item]
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

    if sort == SORT_RELEVANCE and search.collected is not None:
        listing = _PreRanked(search, rows=_for_cards(Actor.objects.all(), params))
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
