"""Load the catalogue: the 2021 design framework preset and the delivery models."""

from django.db import migrations


def load(apps, schema_editor):
    from governance.catalogue.loader import catalogue_load_all

    catalogue_load_all(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
