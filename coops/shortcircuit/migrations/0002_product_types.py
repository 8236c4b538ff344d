"""Load the DFC product types taxonomy shipped in data/dfc_product_types.json."""

from django.db import migrations


def load(apps, schema_editor):
    from coops.shortcircuit.taxonomy import product_types_sync

    product_types_sync(apps.get_model("shortcircuit", "ProductType"))


class Migration(migrations.Migration):
    dependencies = [("shortcircuit", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
