"""PostgreSQL: the compact copy of published, geocoded actors in place order that radius
searches read (`directory_actor_place`, its indexes and the triggers that keep it; see
coops/directory/places.py), filled from the actors. Nothing on SQLite: the model is
unmanaged. (ADR 0032.)"""

from django.contrib.postgres.fields import ArrayField
from django.db import migrations, models

from coops.directory import places


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(places.CREATE_SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(places.DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_cells_text_index")]

    operations = [
        migrations.CreateModel(
            name="ActorPlace",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("latitude", models.DecimalField(decimal_places=6, max_digits=9)),
                ("longitude", models.DecimalField(decimal_places=6, max_digits=9)),
                ("kind", models.CharField(max_length=20)),
                ("legal_form", models.CharField(max_length=20)),
                ("department", models.CharField(max_length=3)),
                ("city", models.CharField(max_length=120)),
                ("search_vector", models.TextField()),
                ("sector_ids", ArrayField(base_field=models.BigIntegerField(), size=None)),
                ("skill_ids", ArrayField(base_field=models.BigIntegerField(), size=None)),
                ("label_ids", ArrayField(base_field=models.BigIntegerField(), size=None)),
            ],
            options={
                "db_table": "directory_actor_place",
                "managed": False,
                "default_permissions": (),
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
