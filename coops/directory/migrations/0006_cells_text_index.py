"""PostgreSQL: one GIN index over the actors' grid cells and their text (replacing the
cells-only index of 0005), and the vocabulary of the text index (`directory_actor_words`
and its triggers, see coops.core.search) for prefix searches: databases migrated before
get it here, new ones from 0002's install. Nothing new on SQLite. (ADR 0031.)"""

from django.db import migrations

from coops.core import search
from coops.directory import geocells

ACTOR_INDEX = search.SearchIndex(table="directory_actor", column="search_text", name_column="name")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        search.install(ACTOR_INDEX, schema_editor)  # adds what is missing: the vocabulary
        schema_editor.execute(geocells.CELLS_TEXT_SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(geocells.CELLS_ONLY_SQL)


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_geo_cells")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
