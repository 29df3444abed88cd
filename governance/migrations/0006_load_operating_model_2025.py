"""Load the catalogue with the 2025 operating model: its framework of two delivery
archetypes (with their function holders, budget forms and asks of partners), its geographic
tiers, each framework's kind, and the lessons of each integration form. The loader is
idempotent, so the 2021 framework and the delivery models are written again unchanged but
for their new fields."""

from django.db import migrations


def load_catalogue(apps, schema_editor):
    from governance.catalogue.loader import catalogue_load_all

    catalogue_load_all(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_delivery_archetypes_functions_and_tiers"),
    ]

    operations = [
        migrations.RunPython(load_catalogue, migrations.RunPython.noop),
    ]
