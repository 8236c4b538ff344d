"""Facet counts of a directory search, in SQL.

The matching actors are selected once, as a common table expression, and every facet is
a GROUP BY over it, all in one UNION ALL statement: the filters (text, radius,
taxonomy) run once however many facets are counted. A facet with ticked values counts
with every filter but its own (so ticking one more value shows what it adds), which is
one more statement per such facet.

A collected search (PostgreSQL, within a radius: see search.py) gives its actors by value
(`CountedRows`) with their term ids, so the statement counts them without reading the
actors' table or probing the many-to-many tables again.

Counting a broad search (the whole directory, one large sector) groups tens of thousands
of rows, so a statement whose actors number at least FACET_CACHE_MIN_ROWS has its rows
cached for FACET_CACHE_SECONDS, keyed by its exact SQL and parameters. Narrow searches,
the ones a new entry visibly changes, are always counted live (ADR 0017).
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import get_language

from ..models import Actor, ActorKind, LegalForm, Sector

# The SQL below is assembled from facet names of this module and table and column names
# from the models' _meta; every value (ticked options, limits) is a query parameter.

FACET_LIMIT = 12  # options shown for long facets (skills, departments, cities)
MAX_SECTOR_DEPTH = 3  # sector trees are counted four levels deep
LONG_FACETS = {"skill", "department", "city"}
COLUMN_FACETS = ("kind", "legal_form", "department", "city")
TERM_FACETS = {"skill": "skills", "label": "labels"}
FACET_ORDER = ("sector", "kind", "legal_form", "skill", "label", "department", "city")
FACET_CACHE_MIN_ROWS = getattr(settings, "DIRECTORY_FACET_CACHE_MIN_ROWS", 5_000)
FACET_CACHE_SECONDS = getattr(settings, "DIRECTORY_FACET_CACHE_SECONDS", 120)


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    depth: int = 0


@dataclass(frozen=True)
class Facet:
    param: str  # the query-string parameter
    label: str
    options: list[FacetOption]


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


class CountedRows:
    """Matching actors given by value (PostgreSQL): rows holding the id first, each column
    facet's value and each taxonomy facet's term ids ("3,17") at `positions[facet]`."""

    def __init__(self, rows: list[tuple], positions: dict[str, int]) -> None:
        self.rows, self.positions = rows, positions

    @cached_property
    def ids(self) -> list[int]:
        return [row[0] for row in self.rows]

    def column(self, facet: str) -> list[str]:
        position = self.positions[facet]
        return [row[position] for row in self.rows]

    @cached_property
    def ids_text(self) -> str:
        return ",".join(map(str, self.ids))

    def terms_text(self, facet: str) -> str:
        """Each row's term ids of a taxonomy facet (held as "3,17"), joined by
        semicolons in the rows' order ("3,17;;5")."""
        position = self.positions[facet]
        return ";".join([row[position] for row in self.rows])


class _Given:
    """A parameter of a given statement, built only when the statement runs (cache keys
    hold the rows' ids instead): the rows' ids, or a taxonomy facet's term ids."""

    def __init__(self, facet: str | None = None) -> None:
        self.facet = facet

    def __repr__(self) -> str:
        return f"given:{self.facet or 'ids'}"

    def value(self, source: CountedRows) -> str:
        return source.ids_text if self.facet is None else source.terms_text(self.facet)


# The (actor, term) links of a taxonomy facet given by value: the ids, and their term ids.
_GIVEN_LINKS_SQL = (
    "(SELECT g.actor_id, u.term_id "
    "FROM unnest(string_to_array(%s, ',')::bigint[], string_to_array(%s, ';')) "
    "AS g(actor_id, terms), unnest(string_to_array(g.terms, ',')::bigint[]) AS u(term_id)) t"
)


# Thousands of values cost psycopg a regular expression each to quote as arrays: the ids
# go as one comma-separated string, and each column as its few distinct values plus one
# string of every row's position among them.
_GIVEN_ROWS_SQL = (
    "SELECT r.id, "  # noqa: S608
    + ", ".join(f"(%s::text[])[r.{facet}]" for facet in COLUMN_FACETS)
    + " FROM unnest("
    + ", ".join(["string_to_array(%s, ',')::bigint[]"] * (1 + len(COLUMN_FACETS)))
    + f") AS r(id, {', '.join(COLUMN_FACETS)})"
)


def _given_rows_params(source: CountedRows) -> list:
    """The parameters of _GIVEN_ROWS_SQL for `source`'s rows."""
    distincts, positions = [], []
    for facet in COLUMN_FACETS:
        column = source.column(facet)
        distinct = list(dict.fromkeys(column))
        index = {value: str(i) for i, value in enumerate(distinct, start=1)}
        distincts.append(distinct)
        positions.append(",".join([index[value] for value in column]))
    return [*distincts, source.ids_text, *positions]


class _Statement:
    """Builds `WITH m AS (matching actors) SELECT … UNION ALL SELECT …`."""

    def __init__(self, source: QuerySet | CountedRows, sectors_depth: int) -> None:
        self.given: CountedRows | None = None
        self.inner_params: list = []
        if isinstance(source, CountedRows):
            # Its parameters are only built if the statement runs (not from the cache).
            self.connection = connections[Actor.objects.db]
            self.inner, self.given = _GIVEN_ROWS_SQL, source
        else:
            self.connection = connections[source.db]
            self.inner, inner_params = (
                source.order_by().values_list("pk", *COLUMN_FACETS).query.sql_with_params()
            )
            self.inner_params = list(inner_params)
        self.qn = self.connection.ops.quote_name
        self.depth = min(sectors_depth, MAX_SECTOR_DEPTH)
        self.branches: list[str] = []
        self.params: list = []
        self.ancestors = ""  # the sectors' ancestors, as a recursive CTE, when counted

    @staticmethod
    def _top(sql: str, selected: tuple[str, ...], limit: int | None) -> tuple[str, list]:
        """Selected values first, then the largest counts; at most `limit` others."""
        if limit is None:
            return sql, []
        first = (
            f"CASE WHEN v IN ({', '.join(['%s'] * len(selected))}) THEN 0 ELSE 1 END, "
            if selected
            else ""
        )
        return (
            f"SELECT * FROM ({sql}) AS g ORDER BY {first}n DESC, v LIMIT %s",  # noqa: S608
            [*selected, limit + len(selected)],
        )

    def _add(self, sql: str, params: list) -> None:
        self.branches.append(f"SELECT * FROM ({sql}) AS b{len(self.branches)}")  # noqa: S608
        self.params.extend(params)

    def column(self, facet: str, selected: tuple[str, ...], limit: int | None) -> None:
        sql = (
            f"SELECT '{facet}' AS f, m.{facet} AS v, '' AS fr, '' AS en, COUNT(*) AS n "  # noqa: S608
            f"FROM m WHERE m.{facet} <> '' GROUP BY m.{facet}"
        )
        self._add(*self._top(sql, selected, limit))

    def _links(self, facet: str, through) -> tuple[str, str, str, list]:
        """The FROM item of `facet`'s links and its actor and term columns: the given
        ones (no probe of the many-to-many table per actor), or the table itself."""
        if self.given is not None:
            return _GIVEN_LINKS_SQL, "actor_id", "term_id", [_Given(), _Given(facet)]
        qn = self.qn
        actor_col = qn(through._meta.get_field("actor").column)
        term_col = qn(through._meta.get_field(facet).column)
        return f"{qn(through._meta.db_table)} t", actor_col, term_col, []

    def term(self, facet: str, selected: tuple[str, ...], limit: int | None) -> None:
        through = getattr(Actor, TERM_FACETS[facet]).through
        model = through._meta.get_field(facet).related_model
        term = self.qn(model._meta.db_table)
        links, actor_col, term_col, params = self._links(facet, through)
        if self.given is not None:  # the given links are the matching actors'
            joined = f"{links} JOIN {term} s ON s.id = t.{term_col}"
        else:
            # CROSS JOIN keeps SQLite's loop on the few matching actors (m) first rather
            # than on every link of every term; PostgreSQL plans it as the inner join.
            joined = (
                f"m CROSS JOIN {links} CROSS JOIN {term} s "
                f"WHERE t.{actor_col} = m.id AND s.id = t.{term_col}"
            )
        sql = (
            f"SELECT '{facet}' AS f, s.slug AS v, s.name AS fr, s.name_en AS en, "  # noqa: S608
            f"COUNT(*) AS n FROM {joined} GROUP BY s.slug, s.name, s.name_en"
        )
        top, top_params = self._top(sql, selected, limit)
        self._add(top, [*params, *top_params])

    def sector(self) -> None:
        """Each actor counts once for every sector of its sectors' subtrees: a recursive
        CTE pairs every sector with itself and its ancestors (down to depth
        MAX_SECTOR_DEPTH), and the actors' links are read once and counted distinct per
        ancestor."""
        qn = self.qn
        through = Actor.sectors.through
        sector = qn(Sector._meta.db_table)
        links, actor_col, sector_col, params = self._links("sector", through)
        if self.given is None:
            links = f"m JOIN {links} ON t.{actor_col} = m.id"
        self.ancestors = (
            f"anc (sector_id, ancestor_id, depth) AS (SELECT id, id, depth FROM {sector} "  # noqa: S608
            f"UNION ALL SELECT anc.sector_id, p.id, p.depth FROM anc "
            f"JOIN {sector} s ON s.id = anc.ancestor_id JOIN {sector} p ON p.id = s.parent_id)"
        )
        self._add(
            f"SELECT 'sector' AS f, CAST(a.ancestor_id AS TEXT) AS v, '' AS fr, '' AS en, "  # noqa: S608
            f"COUNT(DISTINCT t.{actor_col}) AS n FROM {links} "
            f"JOIN anc a ON a.sector_id = t.{sector_col} "
            f"WHERE a.depth <= {self.depth} GROUP BY a.ancestor_id",
            params,
        )

    def rows(self) -> list[tuple[str, str, str, str, int]]:
        """The counted rows, with ("total", …, n) first; from the cache for broad searches."""
        if not self.branches:
            return []
        ancestors = f"RECURSIVE {self.ancestors}, " if self.ancestors else ""
        sql = (
            f"WITH {ancestors}m (id, kind, legal_form, department, city) AS ({self.inner}) "  # noqa: S608
            "SELECT 'total' AS f, '' AS v, '' AS fr, '' AS en, COUNT(*) AS n FROM m UNION ALL "
            + " UNION ALL ".join(self.branches)
        )
        key = None
        if self.given is None or len(self.given.rows) >= FACET_CACHE_MIN_ROWS:
            # Given rows are keyed by their ids alone, as their columns were read with
            # them (a change shows within FACET_CACHE_SECONDS, as ever).
            inner = self.inner_params if self.given is None else [self.given.ids]
            key = f"directory:facets:{_digest(self.connection.alias, sql, [*inner, *self.params])}"
            cached = cache.get(key)
            if cached is not None:
                return cached
        with self.connection.cursor() as cursor:
            params = self.params
            if self.given is not None:
                inner = _given_rows_params(self.given)
                params = [p.value(self.given) if type(p) is _Given else p for p in params]
            else:
                inner = self.inner_params
            cursor.execute(sql, [*inner, *params])
            rows = [tuple(row) for row in cursor.fetchall()]
        if key is not None and _total(rows) >= FACET_CACHE_MIN_ROWS:
            cache.set(key, rows, FACET_CACHE_SECONDS)
        return rows


def facet_counts(
    matching: Callable[[str | None], QuerySet | CountedRows],
    selected: dict[str, tuple[str, ...]],
    names: dict[tuple[str, str], str],
    labels: dict[str, str],
) -> tuple[list[Facet], int]:
    """The facets of a search, and the number of actors it finds (counted in passing).

    `matching(without)` gives the actors passing every filter but facet `without`'s (a
    queryset, or the rows themselves);
    `selected` the ticked values per facet; `names` the labels of ticked taxonomy terms
    (shown even when nothing matches them, to be unticked)."""
    sectors = list(
        Sector.objects.only("id", "slug", "name", "name_en", "depth", "path").order_by("path")
    )
    depth = max((s.depth for s in sectors), default=0)
    rows: list[tuple] = []
    shared = _Statement(matching(None), depth)
    for facet in FACET_ORDER:
        statement = _Statement(matching(facet), depth) if selected.get(facet) else shared
        limit = FACET_LIMIT if facet in LONG_FACETS else None
        if facet == "sector":
            if sectors:
                statement.sector()
        elif facet in TERM_FACETS:
            statement.term(facet, selected.get(facet, ()), limit)
        else:
            statement.column(facet, selected.get(facet, ()), limit)
        if statement is not shared:
            # Its total leaves this facet's filter out: only the shared one counts.
            rows.extend(row for row in statement.rows() if row[0] != "total")
    rows.extend(shared.rows())

    by_facet: dict[str, list[tuple]] = {facet: [] for facet in FACET_ORDER}
    total = 0
    for facet, value, fr, en, n in rows:
        if facet == "total":
            total = n
        else:
            by_facet[facet].append((value, fr, en, n))
    english = _english()
    choices = {"kind": dict(ActorKind.choices), "legal_form": dict(LegalForm.choices)}
    sector_options = _sector_options(sectors, by_facet["sector"], selected.get("sector", ()))
    facets = [Facet("sector", labels["sector"], sector_options)]
    for facet in FACET_ORDER[1:]:
        ticked = selected.get(facet, ())
        options = [
            FacetOption(
                value=value,
                label=str(choices[facet].get(value, value))
                if facet in choices
                else ((en if english and en else fr) or value),
                count=n,
                selected=value in ticked,
            )
            for value, fr, en, n in _ordered(by_facet[facet], ticked)
        ]
        counted = {o.value for o in options}
        missing = [
            FacetOption(v, _missing_label(facet, v, names, choices), 0, True)
            for v in ticked
            if v not in counted and (facet not in TERM_FACETS or (facet, v) in names)
        ]
        facets.append(Facet(facet, labels[facet], missing + options))
    return facets, total


def _digest(alias: str, sql: str, params: list) -> str:
    """The cache key of a statement: its SQL and parameters, a list of ids (thousands for
    a collected search) hashed as bytes rather than through its repr."""
    digest = hashlib.sha256(f"{alias}\n{sql}\n".encode())
    for param in params:
        if isinstance(param, list) and param and set(map(type, param)) == {int}:
            digest.update(b"i%d:" % len(param) + array("q", param).tobytes())
        else:
            digest.update(b"r" + repr(param).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def _total(rows: list[tuple]) -> int:
    return next(row[4] for row in rows if row[0] == "total")


def _ordered(rows: Iterable[tuple], ticked: tuple[str, ...]) -> list[tuple]:
    """Ticked first, then by count (largest first), then by value."""
    return sorted(rows, key=lambda r: (r[0] not in ticked, -r[3], r[0]))


def _missing_label(facet: str, value: str, names: dict, choices: dict) -> str:
    if facet in TERM_FACETS:
        return names[(facet, value)]
    if facet in choices:
        return str(choices[facet].get(value, value))
    return value


def _sector_options(
    sectors: list[Sector], rows: list[tuple], ticked: tuple[str, ...]
) -> list[FacetOption]:
    """Sectors in tree order with the number of matching actors in their subtree; those
    without any left out unless ticked."""
    counts = {int(value): n for value, _fr, _en, n in rows if value is not None}
    english = _english()
    return [
        FacetOption(
            value=s.slug,
            label=(s.name_en if english and s.name_en else s.name),
            count=counts.get(s.pk, 0),
            selected=s.slug in ticked,
            depth=s.depth,
        )
        for s in sectors
        if counts.get(s.pk) or s.slug in ticked
    ]
