"""PostgreSQL: a compact copy of the published, geocoded actors, stored in place order,
for radius searches (ADR 0032).

A radius search collects every actor of the radius that holds the words (thousands around
a city). Read from the actors' table, each is a row of 1.5 kB in its own page, its
tsvector often compressed out of line: about 6 µs a row, 70 ms for 11,000 rows, before
any ranking. `directory_actor_place` holds only what the search reads (coordinates, the
facet columns and the tsvector), and its rows are written in place order: the 11,049
"cooperative" around Toulouse share 1,435 pages instead of 6,585, read in half the time.

It also holds the ids of each actor's sectors, skills and labels, so that the search
tells and counts them without probing the many-to-many tables once per actor. Statement
triggers on the actors' table and on those tables keep it in step: inserted, changed,
unpublished, deleted and truncated actors, added and removed terms. New rows land where
there is room, so the order wears with time: `manage.py directory_reorder` (nightly)
writes the table again in place order.
Nothing on SQLite, whose radius search reads the actors' table.
"""

from __future__ import annotations

from django.db import connections, transaction

from . import geocells

TABLE = "directory_actor_place"
INDEX = "directory_actor_place_cells_text"
COLUMNS = ("id", "latitude", "longitude", "kind", "legal_form", "department", "city")
# The ids of the actor's taxonomy terms, copied from the many-to-many tables: column ->
# (table, column of the term).
TERMS = {
    "sector_ids": ("directory_actor_sectors", "sector_id"),
    "skill_ids": ("directory_actor_skills", "skill_id"),
    "label_ids": ("directory_actor_labels", "label_id"),
}
TRIGGERS = ("directory_actor_place_ai", "directory_actor_place_au", "directory_actor_place_ad")
TRUNCATE_TRIGGER = "directory_actor_place_at"

_KEPT = "r.status = 'published' AND r.latitude IS NOT NULL AND r.longitude IS NOT NULL"
# The coarse cell (0.25°, about 25 km) then the fine one (0.05°): a town's actors are a
# few runs of pages.
_CELLS = f"{geocells.FUNCTION}(r.latitude, r.longitude)"
_ORDER = f"({_CELLS})[2], ({_CELLS})[1]"


def _term_ids(column: str, actor: str) -> str:
    table, term = TERMS[column]
    return f"ARRAY(SELECT l.{term} FROM {table} l WHERE l.actor_id = {actor} ORDER BY 1)"  # noqa: S608


_COPIED = [*COLUMNS, "search_vector", *TERMS]
_VALUES = ", ".join(
    [f"r.{c}" for c in [*COLUMNS, "search_vector"]] + [_term_ids(c, "r.id") for c in TERMS]
)


def _copy(rows: str) -> str:
    """Insert or refresh the kept rows of `rows` (a transition table or the actors)."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in _COPIED[1:])
    changed = " OR ".join(f"p.{c} IS DISTINCT FROM excluded.{c}" for c in _COPIED[1:])
    return (
        f"INSERT INTO {TABLE} AS p ({', '.join(_COPIED)}) "  # noqa: S608
        f"SELECT {_VALUES} FROM {rows} AS r WHERE {_KEPT} ORDER BY {_ORDER} "
        f"ON CONFLICT (id) DO UPDATE SET {updates} WHERE {changed}"
    )


# Triggers (and their functions) on the many-to-many tables: (name, table, event).
LINK_TRIGGERS = [
    (f"{TABLE}_{column.removesuffix('_ids')}_{suffix}", table, event)
    for column, (table, _term) in TERMS.items()
    for suffix, event in (("li", "INSERT"), ("ld", "DELETE"))
]


def _links_sql() -> str:
    """The many-to-many tables' triggers: their actors' term ids copied again."""
    statements = []
    for name, table, event in LINK_TRIGGERS:
        column = next(c for c, (t, _term) in TERMS.items() if t == table)
        rows, kind = ("new_rows", "NEW") if event == "INSERT" else ("old_rows", "OLD")
        # The actors' rows are locked first, as a change of the actor locks them: the
        # copy then reads the links after the other transaction's end, whichever of the
        # two came first, and neither leaves a stale list.
        lock = (
            f"PERFORM 1 FROM directory_actor WHERE id IN (SELECT actor_id FROM {rows}) "  # noqa: S608
            "ORDER BY id FOR NO KEY UPDATE"
        )
        refresh = (
            f"UPDATE {TABLE} p SET {column} = {_term_ids(column, 'p.id')} "  # noqa: S608
            f"WHERE p.id IN (SELECT actor_id FROM {rows})"
        )
        statements += [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {lock}; {refresh}; RETURN NULL; END $$;",
            f"CREATE OR REPLACE TRIGGER {name} AFTER {event} ON {table} "
            f"REFERENCING {kind} TABLE AS {rows} FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
        ]
    return "\n".join(statements)


_DROP_LEFT = f"DELETE FROM {TABLE} p USING new_rows r WHERE p.id = r.id AND NOT ({_KEPT})"  # noqa: S608

# Names from this module; no value from outside.
CREATE_SQL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
  id bigint PRIMARY KEY,
  latitude numeric(9, 6) NOT NULL,
  longitude numeric(9, 6) NOT NULL,
  kind varchar(20) NOT NULL,
  legal_form varchar(20) NOT NULL,
  department varchar(3) NOT NULL,
  city varchar(120) NOT NULL,
  search_vector tsvector,
  sector_ids bigint[] NOT NULL DEFAULT '{{}}',
  skill_ids bigint[] NOT NULL DEFAULT '{{}}',
  label_ids bigint[] NOT NULL DEFAULT '{{}}'
) WITH (fillfactor = 90);
CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE}
  USING gin ({geocells.FUNCTION}(latitude, longitude), search_vector);
CREATE OR REPLACE FUNCTION {TRIGGERS[0]}() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN {_copy("new_rows")}; RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION {TRIGGERS[1]}() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN {_DROP_LEFT}; {_copy("new_rows")}; RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION {TRIGGERS[2]}() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN DELETE FROM {TABLE} p USING old_rows r WHERE p.id = r.id; RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION {TRUNCATE_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN TRUNCATE {TABLE}; RETURN NULL; END $$;
CREATE OR REPLACE TRIGGER {TRIGGERS[0]} AFTER INSERT ON directory_actor
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGERS[0]}();
CREATE OR REPLACE TRIGGER {TRIGGERS[1]} AFTER UPDATE ON directory_actor
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGERS[1]}();
CREATE OR REPLACE TRIGGER {TRIGGERS[2]} AFTER DELETE ON directory_actor
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGERS[2]}();
CREATE OR REPLACE TRIGGER {TRUNCATE_TRIGGER} AFTER TRUNCATE ON directory_actor
  FOR EACH STATEMENT EXECUTE FUNCTION {TRUNCATE_TRIGGER}();
{_links_sql()}
{_copy("directory_actor")};
ANALYZE {TABLE};
"""  # noqa: S608

DROP_SQL = "\n".join(
    [
        *(f"DROP TRIGGER IF EXISTS {name} ON directory_actor;" for name in TRIGGERS),
        f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON directory_actor;",
        *(f"DROP TRIGGER IF EXISTS {name} ON {table};" for name, table, _e in LINK_TRIGGERS),
        *(f"DROP FUNCTION IF EXISTS {name}();" for name, _table, _e in LINK_TRIGGERS),
        *(f"DROP FUNCTION IF EXISTS {name}();" for name in [*TRIGGERS, TRUNCATE_TRIGGER]),
        f"DROP TABLE IF EXISTS {TABLE};",
    ]
)


def reorder(using: str = "default") -> bool:
    """Write the table again from the actors, in place order (PostgreSQL), in one
    transaction: radius searches wait for it (about a minute per million actors), and
    anything the triggers could have missed is copied afresh. False on other engines."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")
        cursor.execute(_copy("directory_actor"))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")
    return True
