# The outbox (PendingTask) now belongs to core, which took over its table as it is
# (core 0001). Only Django's state forgets it here; the table and its rows stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0001_squashed'),
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='PendingTask')],
            database_operations=[],
        ),
    ]
