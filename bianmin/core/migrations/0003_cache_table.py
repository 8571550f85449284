# The table of Django's database cache (settings.CACHES, LOCATION "bianmin_cache"), shared by every worker and app
# node (issue 16 item 3). The columns are those `manage.py createcachetable` makes; made here so that `migrate` alone
# prepares a new database. No model: the cache reads and writes the table itself, so the table exists only in the
# database, not in the migration state.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_idempotent_request'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.CreateModel(
                    name='SharedCacheEntry',
                    fields=[
                        ('cache_key', models.CharField(max_length=255, primary_key=True, serialize=False)),
                        ('value', models.TextField()),
                        ('expires', models.DateTimeField(db_index=True)),
                    ],
                    options={'db_table': 'bianmin_cache'},
                ),
            ],
            state_operations=[],
        ),
    ]
