# The outbox moved here from partners. Its table already exists (partners 0003) and keeps
# its name, so this only tells Django's state that core owns it now.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('partners', '0001_squashed'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PendingTask',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('task_name', models.CharField(max_length=200)),
                        ('kwargs', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('attempts', models.PositiveIntegerField(default=0, help_text='How many times the scheduler has tried to publish it.')),
                        ('last_error', models.TextField(blank=True)),
                        ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'db_table': 'partners_pendingtask',
                        'ordering': ['next_attempt_at', 'pk'],
                        'indexes': [models.Index(fields=['next_attempt_at'], name='pendingtask_due')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
