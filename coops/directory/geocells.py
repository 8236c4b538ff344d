"""Grid cells of actors' coordinates, indexed on PostgreSQL for radius searches.

A b-tree on (latitude, longitude) can only range-scan the latitude: a 40 km radius reads
the whole band of latitude across the country, tens of thousands of entries, before the
longitude is checked. Instead, each published actor's point falls in one cell of three
grids (0.05°, 0.25° and 1.25°), and a GIN index over the array of its three cell numbers
(an expression index on `directory_geo_cells(latitude, longitude)`) finds the actors of
the few cells covering a search box directly; PostgreSQL then intersects that with the
text index in one bitmap. The exact box and distance are still checked on every row: the
cells only narrow. (ADR 0017.)

Since migration 0006 the cells share one GIN index with the text's tsvector
(`CELLS_TEXT_INDEX`): a text search within a radius is then one index scan that
intersects place and words inside GIN, skipping through the longer posting lists, instead
of two bitmaps of tens of thousands of rows each ANDed afterwards (ADR 0031).

The SQL function and `cells_of` compute the same numbers: multiplications of exact
decimals (by 20, 4 and 0.8), floored. A cell number is level × 10⁹ + row × 10⁵ + column.
"""

from __future__ import annotations

import math
from decimal import Decimal

# Cells per degree of each level, finest first.
LEVELS = (Decimal(20), Decimal(4), Decimal("0.8"))
MAX_CELLS = 32  # the finest level whose cover of a box has at most this many cells
LEVEL_BASE = 1_000_000_000
ROW_BASE = 100_000

FUNCTION = "directory_geo_cells"
INDEX = "directory_actor_geo_cells"

CREATE_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(lat numeric, lon numeric) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN lat IS NULL OR lon IS NULL THEN NULL ELSE ARRAY[
    floor((lat + 90) * 20)::bigint * {ROW_BASE} + floor((lon + 180) * 20)::bigint,
    {LEVEL_BASE} + floor((lat + 90) * 4)::bigint * {ROW_BASE} + floor((lon + 180) * 4)::bigint,
    {2 * LEVEL_BASE} + floor((lat + 90) * 0.8)::bigint * {ROW_BASE}
      + floor((lon + 180) * 0.8)::bigint
  ] END
$$;
CREATE INDEX IF NOT EXISTS {INDEX} ON directory_actor
  USING gin ({FUNCTION}(latitude, longitude)) WHERE status = 'published';
"""

CELLS_TEXT_INDEX = "directory_actor_cells_text"

# Migration 0006: the cells and the text in one index (the tsvector column is
# coops.core.search's, created by migration 0002), replacing the cells-only one.
CELLS_TEXT_SQL = f"""
CREATE INDEX IF NOT EXISTS {CELLS_TEXT_INDEX} ON directory_actor
  USING gin ({FUNCTION}(latitude, longitude), search_vector) WHERE status = 'published';
DROP INDEX IF EXISTS {INDEX};
"""

CELLS_ONLY_SQL = f"""
CREATE INDEX IF NOT EXISTS {INDEX} ON directory_actor
  USING gin ({FUNCTION}(latitude, longitude)) WHERE status = 'published';
DROP INDEX IF EXISTS {CELLS_TEXT_INDEX};
"""

DROP_SQL = f"""
DROP INDEX IF EXISTS {INDEX};
DROP FUNCTION IF EXISTS {FUNCTION}(numeric, numeric);
"""


def _index(value: Decimal, offset: int, per_degree: Decimal) -> int:
    return math.floor((value + offset) * per_degree)


def cells_of(lat: Decimal, lon: Decimal) -> list[int]:
    """The three cell numbers of a point, as the SQL function computes them."""
    return [
        level * LEVEL_BASE + _index(lat, 90, per_degree) * ROW_BASE + _index(lon, 180, per_degree)
        for level, per_degree in enumerate(LEVELS)
    ]


def cells_covering(
    min_lat: Decimal, max_lat: Decimal, min_lon: Decimal, max_lon: Decimal
) -> list[int] | None:
    """The cells of the finest level that cover the box with at most MAX_CELLS cells
    (every point of the box lies in one of them), or None when even the coarsest level
    needs more, or when the box crosses the antimeridian (min_lon > max_lon)."""
    if min_lon > max_lon:
        return None
    for level, per_degree in enumerate(LEVELS):
        rows = range(_index(min_lat, 90, per_degree), _index(max_lat, 90, per_degree) + 1)
        cols = range(_index(min_lon, 180, per_degree), _index(max_lon, 180, per_degree) + 1)
        if len(rows) * len(cols) <= MAX_CELLS:
            return [level * LEVEL_BASE + r * ROW_BASE + c for r in rows for c in cols]
    return None
