"""The full-text index of actors (see coops.core.search).

SQLite: an FTS5 external-content table directory_actor_fts (rowid = actor id) kept in
sync by AFTER INSERT/UPDATE/DELETE triggers on directory_actor.

PostgreSQL: the `unaccent` and `pg_trgm` extensions, an IMMUTABLE `immutable_unaccent`
wrapper, a stored generated column `search_vector` (the French + simple tsvector of
to_tsvector(immutable_unaccent(search_text))) with a GIN index, and a GIN trigram index
on the folded name. The column is not on the Django model (Django never selects it);
while it exists, changing search_text's type needs it dropped first.

Creating an extension needs a superuser (or, since PostgreSQL 13, a database owner
for these two "trusted" extensions): in production run
`CREATE EXTENSION unaccent; CREATE EXTENSION pg_trgm;` as such a role before migrating.

Reversing drops the table, triggers, column, indexes and function, not the extensions.
Note for later migrations: on SQLite, Django rebuilds a table for many column changes,
which drops its triggers; such a migration must call `search.install` again
(coops/directory/tests/test_search.py checks the triggers are in place).
"""

from django.db import migrations

from coops.core import search

ACTOR_INDEX = search.SearchIndex(table="directory_actor", column="search_text", name_column="name")


def forwards(apps, schema_editor):
    search.install(ACTOR_INDEX, schema_editor)


def backwards(apps, schema_editor):
    search.uninstall(ACTOR_INDEX, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
