"""PostgreSQL: the `directory_geo_cells` function and the GIN index of published actors'
grid cells, for radius searches (see coops/directory/geocells.py). Nothing on SQLite."""

from django.db import migrations

from coops.directory import geocells


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(geocells.CREATE_SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(geocells.DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_report_resolution")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
