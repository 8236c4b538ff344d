"""A radius search's actors, collected once in SQL (PostgreSQL; ADRs 0031 to 0033).

The actors within the radius that hold the words are read once, from their compact
places in place order (coops.directory.places), as the materialised common table
expression `m` of one statement: each with its text rank, facet columns, sector, skill
and label ids, and one flag per ticked taxonomy facet. In that same statement every facet
counts the rows of `m` passing every filter but its own (coops.directory.selectors.facets)
and the page takes the rows passing them all, best ranked first. Only the counts and the
page's ids leave the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The columns of `m`, in the order of the collecting query's SELECT; then "has_<facet>"
# for each ticked taxonomy facet.
COLUMNS = (
    "id",
    "rank",
    "kind",
    "legal_form",
    "department",
    "city",
    "sector_ids",
    "skill_ids",
    "label_ids",
)
TERM_COLUMNS = {"sector": "sector_ids", "skill": "skill_ids", "label": "label_ids"}


@dataclass
class Collected:
    """The collecting query of a search (`sql`, `params`) and its facet filters as
    conditions on `m`: facet -> (SQL, parameters)."""

    sql: str
    params: list
    flags: list[str]  # the ticked taxonomy facets, in the order of their flag columns
    filters: dict[str, tuple[str, list]]
    connection: object
    # The page asked for, fetched with the facets: (offset, size), and its rows once read.
    wanted: tuple[int, int] | None = None
    page_rows: list[tuple[int, float]] | None = field(default=None, repr=False)

    def cte(self) -> str:
        columns = ", ".join([*COLUMNS, *(f"has_{facet}" for facet in self.flags)])
        return f"m ({columns}) AS MATERIALIZED ({self.sql})"

    def where(self, without: str | None = None) -> tuple[str, list]:
        """The rows of `m` passing every facet filter but `without`'s."""
        conditions, params = ["TRUE"], []
        for facet, (condition, condition_params) in self.filters.items():
            if facet != without:
                conditions.append(condition)
                params.extend(condition_params)
        return " AND ".join(conditions), params

    def page_sql(self, offset: int, size: int) -> tuple[str, list]:
        """The rows of a page as facet-statement rows: ("page", id, rank, "", position)."""
        where, params = self.where()
        return (
            "SELECT 'page' AS f, CAST(m.id AS TEXT) AS v, CAST(m.rank AS TEXT) AS fr, "  # noqa: S608
            f"'' AS en, 0 AS n FROM m WHERE {where} ORDER BY m.rank DESC, m.id "
            "LIMIT %s OFFSET %s"
        ), [*params, size, offset]

    def keep_page(self, rows: list[tuple]) -> None:
        """Keep the page's rows from a statement's rows (in their order)."""
        self.page_rows = [(int(row[1]), float(row[2])) for row in rows if row[0] == "page"]

    def page(self, start: int, stop: int) -> list[tuple[int, float]]:
        """(id, rank) of the rows passing every filter from `start` to `stop`, best first:
        those read with the facets, or one more statement (another page than the one
        asked for, or facets from the cache)."""
        if stop <= start:
            return []
        read = self.page_rows is not None and self.wanted is not None
        if read and self.wanted[0] == start and stop - start <= self.wanted[1]:
            return self.page_rows[: stop - start]
        sql, params = self.page_sql(start, stop - start)
        with self.connection.cursor() as cursor:
            cursor.execute(f"WITH {self.cte()} {sql}", [*self.params, *params])
            return [(int(pk), float(rank)) for _f, pk, rank, _en, _n in cursor.fetchall()]
