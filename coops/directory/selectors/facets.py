"""Facet counts of a directory search, in SQL.

The matching actors are selected once, as a common table expression, and every facet is
a GROUP BY over it, all in one UNION ALL statement: the filters (text, radius,
taxonomy) run once however many facets are counted. A facet with ticked values counts
with every filter but its own (so ticking one more value shows what it adds), which is
one more statement per such facet.

A collected search (PostgreSQL, within a radius: see collected.py) is counted in a single
statement over its collected actors: each facet's branch filters them by every facet but
its own, counts their term ids without probing the many-to-many tables, and the page's
rows come with the counts.

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
from django.utils.translation import get_language

from ..models import Actor, ActorKind, LegalForm, Sector
from .collected import TERM_COLUMNS, Collected

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


def _through(facet: str):
    """The many-to-many table of a taxonomy facet (sector, skill or label)."""
    return getattr(Actor, f"{facet}s").through  # Actor.sectors, .skills, .labels


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


class _Statement:
    """Builds `WITH m AS (matching actors) SELECT … UNION ALL SELECT …`.

    `m` is the matching actors' query (every filter applied), or a search's collected
    actors, which every branch filters by all the facets but its own."""

    def __init__(self, source: QuerySet | Collected, sectors_depth: int) -> None:
        self.collected = source if isinstance(source, Collected) else None
        if self.collected is not None:
            self.connection = self.collected.connection
            self.matching, self.matching_params = self.collected.cte(), self.collected.params
        else:
            self.connection = connections[source.db]
            inner, inner_params = (
                source.order_by().values_list("pk", *COLUMN_FACETS).query.sql_with_params()
            )
            columns = ", ".join(["id", *COLUMN_FACETS])
            self.matching, self.matching_params = f"m ({columns}) AS ({inner})", list(inner_params)
        self.qn = self.connection.ops.quote_name
        self.depth = min(sectors_depth, MAX_SECTOR_DEPTH)
        self.branches: list[str] = []
        self.params: list = []
        self.ancestors = ""  # the sectors' ancestors, as a recursive CTE, when counted

    def _filter(self, without: str | None) -> tuple[str, list]:
        """The condition on `m`'s rows counted for facet `without` ("TRUE" but for
        collected actors: the query of `m` filters)."""
        if self.collected is None:
            return "TRUE", []
        return self.collected.where(without)

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
        where, params = self._filter(facet if selected else None)
        sql = (
            f"SELECT '{facet}' AS f, m.{facet} AS v, '' AS fr, '' AS en, COUNT(*) AS n "  # noqa: S608
            f"FROM m WHERE m.{facet} <> '' AND {where} GROUP BY m.{facet}"
        )
        top, top_params = self._top(sql, selected, limit)
        self._add(top, [*params, *top_params])

    def _links(self, facet: str) -> tuple[str, str, str]:
        """The FROM item pairing each row of `m` with its terms of `facet`, the condition
        that pairs them and the term id's column: the collected term ids, or the
        many-to-many table."""
        if self.collected is not None:
            return (
                f"m CROSS JOIN unnest(m.{TERM_COLUMNS[facet]}) AS t(term_id)",
                "TRUE",
                "t.term_id",
            )
        qn = self.qn
        through = _through(facet)
        actor_col = qn(through._meta.get_field("actor").column)
        term_col = qn(through._meta.get_field(facet).column)
        # CROSS JOIN keeps SQLite's loop on the few matching actors (m) first rather than
        # on every link of every term; PostgreSQL plans it as the inner join.
        table = qn(through._meta.db_table)
        return f"m CROSS JOIN {table} t", f"t.{actor_col} = m.id", f"t.{term_col}"

    def term(self, facet: str, selected: tuple[str, ...], limit: int | None) -> None:
        model = _through(facet)._meta.get_field(facet).related_model
        links, paired, term_id = self._links(facet)
        where, params = self._filter(facet if selected else None)
        sql = (
            f"SELECT '{facet}' AS f, s.slug AS v, s.name AS fr, s.name_en AS en, "  # noqa: S608
            f"COUNT(*) AS n FROM {links} CROSS JOIN {self.qn(model._meta.db_table)} s "
            f"WHERE {paired} AND s.id = {term_id} AND {where} GROUP BY s.slug, s.name, s.name_en"
        )
        top, top_params = self._top(sql, selected, limit)
        self._add(top, [*params, *top_params])

    def sector(self, selected: tuple[str, ...]) -> None:
        """Each actor counts once for every sector of its sectors' subtrees: a recursive
        CTE pairs every sector with itself and its ancestors (down to depth
        MAX_SECTOR_DEPTH), and the actors' links are read once and counted distinct per
        ancestor."""
        sector = self.qn(Sector._meta.db_table)
        links, paired, sector_id = self._links("sector")
        where, params = self._filter("sector" if selected else None)
        self.ancestors = (
            f"anc (sector_id, ancestor_id, depth) AS (SELECT id, id, depth FROM {sector} "  # noqa: S608
            f"UNION ALL SELECT anc.sector_id, p.id, p.depth FROM anc "
            f"JOIN {sector} s ON s.id = anc.ancestor_id JOIN {sector} p ON p.id = s.parent_id)"
        )
        self._add(
            f"SELECT 'sector' AS f, CAST(a.ancestor_id AS TEXT) AS v, '' AS fr, '' AS en, "  # noqa: S608
            f"COUNT(DISTINCT m.id) AS n FROM {links} JOIN anc a ON a.sector_id = {sector_id} "
            f"WHERE {paired} AND a.depth <= {self.depth} AND {where} GROUP BY a.ancestor_id",
            params,
        )

    def rows(self) -> list[tuple[str, str, str, str, int]]:
        """The counted rows, with ("total", …, n) first; from the cache for broad searches.
        Collected actors also give the page asked for, read in the same statement."""
        if not self.branches:
            return []
        ancestors = f"RECURSIVE {self.ancestors}, " if self.ancestors else ""
        where, where_params = self._filter(None)
        sql = (
            f"WITH {ancestors}{self.matching} "  # noqa: S608
            f"SELECT 'total' AS f, '' AS v, '' AS fr, '' AS en, COUNT(*) AS n FROM m "
            f"WHERE {where} UNION ALL " + " UNION ALL ".join(self.branches)
        )
        params = [*self.matching_params, *where_params, *self.params]
        key = f"directory:facets:{_digest(self.connection.alias, sql, params)}"
        cached = cache.get(key)
        if cached is not None:
            return cached
        page = self.collected.wanted if self.collected is not None else None
        with self.connection.cursor() as cursor:
            if page:
                page_sql, page_params = self.collected.page_sql(*page)
                cursor.execute(
                    f"{sql} UNION ALL SELECT * FROM ({page_sql}) AS page",  # noqa: S608
                    [*params, *page_params],
                )
            else:
                cursor.execute(sql, params)
            rows = [tuple(row) for row in cursor.fetchall()]
        if page:
            self.collected.keep_page(rows)
            rows = [row for row in rows if row[0] != "page"]
        if _total(rows) >= FACET_CACHE_MIN_ROWS:
            cache.set(key, rows, FACET_CACHE_SECONDS)
        return rows


def facet_counts(
    matching: Callable[[str | None], QuerySet | Collected],
    selected: dict[str, tuple[str, ...]],
    names: dict[tuple[str, str], str],
    labels: dict[str, str],
) -> tuple[list[Facet], int]:
    """The facets of a search, and the number of actors it finds (counted in passing).

    `matching(without)` gives the actors passing every filter but facet `without`'s (a
    queryset), or a search's collected actors, which filter per facet themselves;
    `selected` the ticked values per facet; `names` the labels of ticked taxonomy terms
    (shown even when nothing matches them, to be unticked)."""
    sectors = list(
        Sector.objects.only("id", "slug", "name", "name_en", "depth", "path").order_by("path")
    )
    depth = max((s.depth for s in sectors), default=0)
    rows: list[tuple] = []
    shared = _Statement(matching(None), depth)
    for facet in FACET_ORDER:
        # Collected actors are counted in one statement, each facet without its filter;
        # otherwise a facet with ticked values has its own statement without it.
        statement = shared
        if selected.get(facet) and shared.collected is None:
            statement = _Statement(matching(facet), depth)
        limit = FACET_LIMIT if facet in LONG_FACETS else None
        if facet == "sector":
            if sectors:
                statement.sector(selected.get(facet, ()))
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
