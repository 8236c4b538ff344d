"""Full-text search: one interface, two engines.

- SQLite: an FTS5 external-content table ``<table>_fts`` over the indexed column,
  rowid = primary key, kept in sync by triggers on the table; relevance is bm25.
- PostgreSQL: a stored tsvector column generated from the folded text (French stems
  joined with the 'simple' words, so a prefix of an unstemmed word still matches) with
  a GIN index, relevance is ts_rank; plus a trigram index on the folded name for
  `similar_filter`.

The app owning the table describes it with a `SearchIndex` and creates the database
objects in one of its migrations with `install(index, schema_editor)` (reverse with
`uninstall`). The indexed column holds text already folded (lower case, no accents);
queries are folded here the same way, and the last word of a query is a prefix:
"cooperative boulang" finds "Coopérative Boulangère" on both engines.

`search_filter(queryset, query, index=...)` keeps the rows matching every word and
annotates `search_rank` (higher is more relevant, on both engines); `RankedResults`
pages through the matches best first at the cost of one scan of the index.

On PostgreSQL a prefix (`word:*`) is a "partial match": GIN reads every row of every
indexed word starting with it into a bitmap before any other condition can narrow it,
which costs tens of milliseconds when the words are common. So the index also keeps its
vocabulary (`<table>_words`, the plain words of the text, filled by statement triggers),
and `search_filter(..., expand_prefix=True)` looks the last word up there first: the
prefix becomes the few whole words it stands for ("cooperativ" → cooperative |
cooperatives), which GIN intersects with the other conditions without reading them all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import BooleanField, Expression, F, FloatField, QuerySet, Value
from django.db.models.expressions import RawSQL

MAX_WORDS = 12
MAX_WORD_LENGTH = 40
MAX_EXPANSION = 64  # whole words a prefix may stand for before it is left a prefix
_WORD_RE = re.compile(r"[^\W_]+")
_IDENTIFIER_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """Where the searchable text lives: `table.column` (already folded), keyed by `pk`.

    `name_column` is the short human name used by `similar_filter` (duplicates).
    `vector_column` is PostgreSQL's stored tsvector, generated from `column` by the
    database (unknown to the Django model, which never selects it).
    `fold` must be the function that folded the indexed text, so queries match it.
    `words_of` names the table whose vocabulary (PostgreSQL) serves a copy of its rows
    and tsvector kept in `table` (only searched, never installed).
    """

    table: str
    column: str = "search_text"
    pk: str = "id"
    name_column: str = "name"
    config: str = "french"
    vector_column: str = "search_vector"
    fold: Callable[[str], str] = field(default=None, compare=False)  # type: ignore[assignment]
    words_of: str = ""

    def __post_init__(self) -> None:
        names = [self.table, self.column, self.pk, self.name_column, self.config]
        for value in [*names, self.vector_column, *([self.words_of] if self.words_of else [])]:
            if not _IDENTIFIER_RE.match(value):
                raise ValueError(f"not a plain SQL identifier: {value!r}")
        if self.fold is None:
            object.__setattr__(self, "fold", fold)

    @property
    def fts_table(self) -> str:
        return f"{self.table}_fts"

    @property
    def triggers(self) -> tuple[str, str, str]:
        return (f"{self.table}_fts_ai", f"{self.table}_fts_ad", f"{self.table}_fts_au")

    @property
    def words_table(self) -> str:
        """PostgreSQL: the vocabulary, one row per plain word of the indexed text."""
        return f"{self.words_of or self.table}_words"

    @property
    def words_triggers(self) -> tuple[str, str]:
        return (f"{self.table}_words_ai", f"{self.table}_words_au")

    @property
    def tsvector_index(self) -> str:
        return f"{self.table}_{self.column}_tsv"

    @property
    def trigram_index(self) -> str:
        return f"{self.table}_{self.name_column}_trgm"


def fold(text: str) -> str:
    """Lower-case without accents or ligatures, like the indexed text."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def terms(query: str, folder: Callable[[str], str] = fold) -> list[str]:
    """The words of a query, folded: letters and digits only, at most MAX_WORDS."""
    words = _WORD_RE.findall(folder(query))
    return [w[:MAX_WORD_LENGTH] for w in words[:MAX_WORDS]]


def _vendor(queryset: QuerySet) -> str:
    return connections[queryset.db].vendor


# --- Query expressions ---------------------------------------------------------------------


def _fts5_match(words: list[str]) -> str:
    """Every word as a quoted FTS5 string (no operator can be injected), the last a prefix."""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


class _Bm25(Expression):
    """-bm25 of the row in the FTS5 table: a correlated lookup by rowid."""

    output_field = FloatField()

    def __init__(self, index: SearchIndex, match: str, pk: Expression | None = None) -> None:
        super().__init__()
        self.index, self.match = index, match
        self.pk = pk if pk is not None else F("pk")

    def get_source_expressions(self) -> list:
        return [self.pk]

    def set_source_expressions(self, exprs: list) -> None:
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        pk_sql, pk_params = compiler.compile(self.pk)
        fts = self.index.fts_table
        sql = f"(SELECT -bm25({fts}) FROM {fts} WHERE {fts} MATCH %s AND rowid = {pk_sql})"  # noqa: S608
        return sql, [self.match, *pk_params]


def _pg_vector_sql(index: SearchIndex, column_sql: str) -> str:
    """The stored tsvector's expression: French stems, plus the plain words so that a
    prefix of an unstemmed word still matches ("cooperati" is no prefix of the stem
    "cooper")."""
    config = index.config
    return (
        f"(to_tsvector('{config}'::regconfig, immutable_unaccent({column_sql})) || "
        f"to_tsvector('simple'::regconfig, immutable_unaccent({column_sql})))"
    )


def _pg_query(
    index: SearchIndex, words: list[str], expansion: tuple[str, ...] | None = None
) -> tuple[str, list[str]]:
    """All words stemmed; the last one also as a prefix of the plain words, which hold
    every word of the text as written (folded), so "boulang" finds "boulangère". A
    prefix of the stem as well would scan the index a second time for little more.

    `expansion`, when given, is every plain word the prefix stands for (from the
    vocabulary): they replace the prefix, and an empty one leaves the stem alone."""
    config = index.config
    parts = [f"to_tsquery('{config}'::regconfig, %s)" for _ in words[:-1]]
    params = [*words[:-1], words[-1]]
    if expansion is None:
        parts.append(
            f"(to_tsquery('{config}'::regconfig, %s) || to_tsquery('simple'::regconfig, %s))"
        )
        params.append(f"{words[-1]}:*")
    elif expansion:
        # The words as they are in the index: a tsquery literal, not parsed again.
        parts.append(f"(to_tsquery('{config}'::regconfig, %s) || %s::tsquery)")
        params.append(" | ".join(_tsquery_lexeme(word) for word in expansion))
    else:
        parts.append(f"to_tsquery('{config}'::regconfig, %s)")
    return "(" + " && ".join(parts) + ")", params


def _tsquery_lexeme(word: str) -> str:
    """`word` quoted as one lexeme of tsquery's input syntax."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


class _PgSearch(Expression):
    """`vector @@ query` (as a condition) or `ts_rank(vector, query)` (as a rank)."""

    def __init__(
        self,
        index: SearchIndex,
        words: list[str],
        *,
        rank: bool,
        expansion: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__(output_field=FloatField() if rank else BooleanField())
        self.index, self.words, self.rank, self.expansion = index, words, rank, expansion
        self.column = F(index.column)

    def get_source_expressions(self) -> list:
        return [self.column]

    def set_source_expressions(self, exprs: list) -> None:
        (self.column,) = exprs

    @property
    def conditional(self) -> bool:
        return not self.rank

    def as_sql(self, compiler, connection):
        alias = getattr(self.column, "alias", None)
        if alias is None:
            raise ValueError("the indexed column must be a plain column")
        # The stored tsvector sits next to the text column, in the same (aliased) table.
        qn = compiler.quote_name_unless_alias
        vector = f"{qn(alias)}.{qn(self.index.vector_column)}"
        query_sql, params = _pg_query(self.index, self.words, self.expansion)
        if self.rank:
            return f"ts_rank({vector}, {query_sql})", params
        return f"{vector} @@ {query_sql}", params


# --- The interface ---------------------------------------------------------------------------


def search_filter(
    queryset: QuerySet,
    query: str,
    *,
    index: SearchIndex,
    rank: bool = True,
    narrowed: bool = False,
    expand_prefix: bool = False,
):
    """Rows of `queryset` whose indexed text holds every word of `query` (the last word as
    a prefix), annotated with `search_rank` when `rank` (higher is more relevant).

    `narrowed` says another indexed filter of `queryset` (a bounding box…) already keeps
    few rows: SQLite then walks that index and checks the text for each row, instead of
    walking every row the words match (its planner cannot tell which is smaller).

    `expand_prefix` (PostgreSQL; one more query) replaces the prefix by the whole words of
    the vocabulary it stands for, when there are at most MAX_EXPANSION: the same rows,
    found without reading every row of those words first (see the module's doc).

    A query without any word (empty, punctuation only) filters nothing and ranks 0.
    """
    words = terms(query, index.fold)
    if not words:
        return queryset.annotate(search_rank=Value(0.0, FloatField())) if rank else queryset
    vendor = _vendor(queryset)
    if vendor == "sqlite":
        match = _fts5_match(words)
        fts = index.fts_table
        matched = RawSQL(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [match])  # noqa: S608, S611
        if narrowed:  # "id + 0" cannot use the primary key: the other index leads
            pk = queryset.model._meta.pk.name
            queryset = queryset.alias(_search_pk=F(pk) + Value(0)).filter(_search_pk__in=matched)
        else:
            queryset = queryset.filter(pk__in=matched)
        return queryset.annotate(search_rank=_Bm25(index, match)) if rank else queryset
    if vendor == "postgresql":
        expansion = prefix_words(index, words[-1], using=queryset.db) if expand_prefix else None
        queryset = queryset.filter(_PgSearch(index, words, rank=False, expansion=expansion))
        if not rank:
            return queryset
        ranked = _PgSearch(index, words, rank=True, expansion=expansion)
        return queryset.annotate(search_rank=ranked)
    raise NotImplementedError(f"no search engine for the {vendor} database")


def prefix_words(index: SearchIndex, prefix: str, *, using: str = "default") -> tuple | None:
    """PostgreSQL: the plain words of the indexed text that start with `prefix` (folded),
    from the vocabulary; None when there are more than
    MAX_EXPANSION (the prefix is then searched as a prefix) or on other engines."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # A "C"-collated b-tree serves LIKE 'prefix%' as a range; a term holds no % or _.
        cursor.execute(
            f"SELECT DISTINCT word FROM {index.words_table} WHERE word LIKE %s "  # noqa: S608
            "ORDER BY word LIMIT %s",
            [f"{prefix}%", MAX_EXPANSION + 1],
        )
        found = tuple(row[0] for row in cursor.fetchall())
    return found if len(found) <= MAX_EXPANSION else None


class RankedResults:
    """`queryset`'s rows matching `query`, best first, for a Paginator: `count()` is one
    COUNT query and a slice is one ranking query for the slice's ids plus one query for
    their rows (taken from `rows`, default `queryset`: annotate or prefetch it there).
    Each row gets `search_rank`; ties go to the smaller primary key.

    With `expand_prefix`, the ranking query expands the prefix as `search_filter` does,
    so its ranks equal those of an expanded search (ts_rank divides an alternative by its
    number of words: the same rows rank on another scale than with the bare prefix).

    Prefer this to ordering `search_filter(..., rank=True)` by rank when many rows may
    match: SQLite's bm25() is only cheap inside one scan of the FTS5 table, which is how
    the ranking query here computes it (a per-row rank lookup repeats the whole match).
    """

    def __init__(self, queryset: QuerySet, query: str, *, index: SearchIndex,
                 rows: QuerySet | None = None, expand_prefix: bool = False) -> None:  # fmt: skip
        self.queryset, self.query, self.index = queryset, query, index
        self.expand_prefix = expand_prefix  # for the ranking query (see search_filter)
        self.rows = rows if rows is not None else queryset
        self.words = terms(query, index.fold)
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = search_filter(
                self.queryset, self.query, index=self.index, rank=False
            ).count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list:
        if not isinstance(item, slice) or item.step is not None:
            raise TypeError("RankedResults only supports slices without a step")
        start = item.start or 0
        stop = item.stop if item.stop is not None else self.count()
        if stop <= start:
            return []
        ranks = self._ranked_ids(start, stop - start)
        by_pk = self.rows.filter(pk__in=list(ranks)).in_bulk()
        found = []
        for pk, rank in ranks.items():
            if pk in by_pk:
                by_pk[pk].search_rank = rank
                found.append(by_pk[pk])
        return found

    def _ranked_ids(self, offset: int, limit: int) -> dict:
        """{pk: rank} of the slice, best first."""
        if not self.words:
            pks = self.queryset.order_by("pk").values_list("pk", flat=True)
            return dict.fromkeys(pks[offset : offset + limit], 0.0)
        vendor = _vendor(self.queryset)
        if vendor == "sqlite":
            fts = self.index.fts_table
            inner, params = self.queryset.order_by().values("pk").query.sql_with_params()
            # "+rowid" keeps SQLite from handing the IN list to FTS5 one value at a time.
            sql = (
                f"SELECT rowid, -bm25({fts}) AS r FROM {fts} WHERE {fts} MATCH %s "  # noqa: S608
                f"AND +rowid IN ({inner}) ORDER BY r DESC, rowid LIMIT %s OFFSET %s"
            )
            connection = connections[self.queryset.db]
            with connection.cursor() as cursor:
                cursor.execute(sql, [_fts5_match(self.words), *params, limit, offset])
                return dict(cursor.fetchall())
        if vendor == "postgresql":
            ranked = (
                search_filter(
                    self.queryset,
                    self.query,
                    index=self.index,
                    rank=True,
                    expand_prefix=self.expand_prefix,
                )
                .order_by("-search_rank", "pk")
                .values_list("pk", "search_rank")
            )
            return dict(ranked[offset : offset + limit])
        raise NotImplementedError(f"no search engine for the {vendor} database")


class _PgSimilar(Expression):
    """Trigram similarity of the folded name with a text (PostgreSQL)."""

    def __init__(self, index: SearchIndex, text: str, *, condition: bool) -> None:
        super().__init__(output_field=BooleanField() if condition else FloatField())
        self.index, self.text, self.condition = index, text, condition
        self.column = F(index.name_column)

    def get_source_expressions(self) -> list:
        return [self.column]

    def set_source_expressions(self, exprs: list) -> None:
        (self.column,) = exprs

    @property
    def conditional(self) -> bool:
        return self.condition

    def as_sql(self, compiler, connection):
        column_sql, _params = compiler.compile(self.column)
        folded = f"immutable_unaccent(lower({column_sql}))"
        if self.condition:
            return f"{folded} %% %s", [self.text]
        return f"similarity({folded}, %s)", [self.text]


def similar_filter(queryset: QuerySet, name: str, *, index: SearchIndex):
    """Candidates whose name looks like `name` (for duplicate detection), annotated with
    `similarity` between 0 and 1 (higher is closer).

    PostgreSQL: trigram similarity of the folded names (pg_trgm's `%` operator, its
    default threshold 0.3), using the trigram index. SQLite: rows holding any word of
    `name` in their indexed text, with a word-overlap similarity computed by the caller's
    own check if needed (annotated here as bm25 relevance, higher is closer).
    """
    words = terms(name, index.fold)
    if not words:
        return queryset.none()
    vendor = _vendor(queryset)
    if vendor == "postgresql":
        text = " ".join(words)
        return queryset.filter(_PgSimilar(index, text, condition=True)).annotate(
            similarity=_PgSimilar(index, text, condition=False)
        )
    if vendor == "sqlite":
        match = " OR ".join(f'"{w}"' for w in words)
        fts = index.fts_table
        return queryset.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [match])  # noqa: S608, S611
        ).annotate(similarity=_Bm25(index, match))
    raise NotImplementedError(f"no search engine for the {vendor} database")


# --- Database objects (called from the owning app's migration) --------------------------------


# Table, column and object names below come from SearchIndex, which only accepts plain
# identifiers ([a-z_][a-z0-9_]*): string-built SQL cannot carry user input.


def _sqlite_install(index: SearchIndex) -> list[str]:
    t, c, pk, fts = index.table, index.column, index.pk, index.fts_table
    ai, ad, au = index.triggers
    return [
        # prefix='2 3': short prefixes ("co*", "bio*") read a prefix index, not every term.
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({c}, content='{t}', "
        f"content_rowid='{pk}', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608
        f"CREATE TRIGGER IF NOT EXISTS {ai} AFTER INSERT ON {t} BEGIN "  # noqa: S608
        f"INSERT INTO {fts}(rowid, {c}) VALUES (new.{pk}, new.{c}); END",
        f"CREATE TRIGGER IF NOT EXISTS {ad} AFTER DELETE ON {t} BEGIN "  # noqa: S608
        f"INSERT INTO {fts}({fts}, rowid, {c}) VALUES ('delete', old.{pk}, old.{c}); END",
        f"CREATE TRIGGER IF NOT EXISTS {au} AFTER UPDATE OF {pk}, {c} ON {t} BEGIN "  # noqa: S608
        f"INSERT INTO {fts}({fts}, rowid, {c}) VALUES ('delete', old.{pk}, old.{c}); "
        f"INSERT INTO {fts}(rowid, {c}) VALUES (new.{pk}, new.{c}); END",
    ]


def _sqlite_uninstall(index: SearchIndex) -> list[str]:
    drops = [f"DROP TRIGGER IF EXISTS {name}" for name in index.triggers]
    return [*drops, f"DROP TABLE IF EXISTS {index.fts_table}"]


def _pg_words_sql(index: SearchIndex, rows: str) -> str:
    """The vocabulary's missing plain words of the texts in `rows` (a transition table or
    the table itself), exactly the plain lexemes of the stored tsvector. Without a unique
    constraint, concurrent writers never wait on each other; a word two of them add at
    once is kept twice, which the lookup's DISTINCT absorbs."""
    words = index.words_table
    return (
        f"INSERT INTO {words} (word) SELECT DISTINCT w.word FROM {rows} AS r, "  # noqa: S608
        f"unnest(tsvector_to_array(to_tsvector('simple'::regconfig, "
        f"immutable_unaccent(r.{index.column})))) AS w(word) "
        f"WHERE NOT EXISTS (SELECT 1 FROM {words} x WHERE x.word = w.word)"
    )


def _pg_words_install(index: SearchIndex) -> list[str]:
    t, words = index.table, index.words_table
    inserted, updated = index.words_triggers
    changed = (
        f"(SELECT n.* FROM new_rows n JOIN old_rows o ON o.{index.pk} = n.{index.pk} "  # noqa: S608
        f"WHERE n.{index.column} IS DISTINCT FROM o.{index.column})"
    )
    return [
        f'CREATE TABLE IF NOT EXISTS {words} (word text COLLATE "C" NOT NULL)',
        f"CREATE INDEX IF NOT EXISTS {words}_word ON {words} (word)",
        f"CREATE OR REPLACE FUNCTION {inserted}() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {_pg_words_sql(index, 'new_rows')}; RETURN NULL; END $$",
        f"CREATE OR REPLACE FUNCTION {updated}() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {_pg_words_sql(index, changed)}; RETURN NULL; END $$",
        f"CREATE OR REPLACE TRIGGER {inserted} AFTER INSERT ON {t} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {inserted}()",
        f"CREATE OR REPLACE TRIGGER {updated} AFTER UPDATE ON {t} "
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {updated}()",
        _pg_words_sql(index, t),
    ]


def _pg_install(index: SearchIndex, unaccent_schema: str) -> list[str]:
    s = unaccent_schema
    return [
        # Schema-qualified so the function does not depend on the caller's search_path,
        # which is what makes declaring it IMMUTABLE (required in an index) safe.
        "CREATE OR REPLACE FUNCTION immutable_unaccent(text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS "
        f"$$ SELECT {s}.unaccent('{s}.unaccent'::regdictionary, $1) $$",
        # A stored column, not an expression index: ts_rank() and the checks of rows
        # found by other indexes (a radius) then read the vector instead of re-parsing
        # the text of every candidate row.
        f"ALTER TABLE {index.table} ADD COLUMN IF NOT EXISTS {index.vector_column} tsvector "
        f"GENERATED ALWAYS AS ({_pg_vector_sql(index, index.column)}) STORED",
        f"CREATE INDEX IF NOT EXISTS {index.tsvector_index} ON {index.table} "
        f"USING gin ({index.vector_column})",
        f"CREATE INDEX IF NOT EXISTS {index.trigram_index} ON {index.table} "
        f"USING gin (immutable_unaccent(lower({index.name_column})) gin_trgm_ops)",
        *_pg_words_install(index),
    ]


def install(index: SearchIndex, schema_editor) -> None:
    """Create the engine's objects for `index` (FTS5 table and triggers, or PostgreSQL
    extensions, function, column and indexes). Run from a migration's RunPython.

    Idempotent: a later migration that makes SQLite rebuild the table (which drops its
    triggers) calls it again to put back what is missing."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = _sqlite_install(index)
    elif vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT extnamespace::regnamespace::text FROM pg_extension "
                "WHERE extname = 'unaccent'"
            )
            (schema,) = cursor.fetchone()
        statements = _pg_install(index, schema)
    else:
        raise NotImplementedError(f"no search engine for the {vendor} database")
    for statement in statements:
        schema_editor.execute(statement)


def uninstall(index: SearchIndex, schema_editor) -> None:
    """Drop what `install` created, except PostgreSQL extensions (others may use them)
    and the unaccent wrapper while another index still uses it."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = _sqlite_uninstall(index)
    elif vendor == "postgresql":
        statements = [
            *(f"DROP TRIGGER IF EXISTS {name} ON {index.table}" for name in index.words_triggers),
            *(f"DROP FUNCTION IF EXISTS {name}()" for name in index.words_triggers),
            f"DROP TABLE IF EXISTS {index.words_table}",
            f"DROP INDEX IF EXISTS {index.tsvector_index}",
            f"DROP INDEX IF EXISTS {index.trigram_index}",
            f"ALTER TABLE {index.table} DROP COLUMN IF EXISTS {index.vector_column}",
        ]
    else:
        raise NotImplementedError(f"no search engine for the {vendor} database")
    for statement in statements:
        schema_editor.execute(statement)
    if vendor == "postgresql" and not _pg_unaccent_in_use(schema_editor.connection):
        schema_editor.execute("DROP FUNCTION IF EXISTS immutable_unaccent(text)")


def _pg_unaccent_in_use(connection) -> bool:
    """Whether another index still uses immutable_unaccent (another SearchIndex)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid "
            "WHERE p.proname = 'immutable_unaccent' AND d.deptype = 'n')"
        )
        return bool(cursor.fetchone()[0])


def index_problems(index: SearchIndex, using: str = "default") -> list[str]:
    """What is missing from the database for `index` (empty when all is in place).

    On SQLite, a migration that rebuilds the table (Django does on many column changes)
    drops its triggers: this names them so a test catches it; re-run `install` then.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE (type = 'trigger' AND tbl_name = %s) "
                "OR (type = 'table' AND name = %s)",
                [index.table, index.fts_table],
            )
            expected = {*index.triggers, index.fts_table}
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s UNION ALL "
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = %s UNION ALL "
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass UNION ALL "
                "SELECT tablename FROM pg_tables WHERE tablename = %s",
                [index.table, index.table, index.vector_column, index.table, index.words_table],
            )
            expected = {
                index.tsvector_index,
                index.trigram_index,
                index.vector_column,
                *index.words_triggers,
                index.words_table,
            }
        present = {row[0] for row in cursor.fetchall()}
    return sorted(expected - present)


def rebuild(index: SearchIndex, using: str = "default") -> None:
    """Refill the SQLite FTS5 table from its content table (after bulk SQL outside the
    triggers' reach); on PostgreSQL, refill the vocabulary, which also drops the words no
    row holds any more (the triggers only add)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            fts = index.fts_table
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608
        elif connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {index.words_table}")  # noqa: S608
            cursor.execute(_pg_words_sql(index, index.table))
