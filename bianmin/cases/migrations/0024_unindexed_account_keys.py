"""The indexes of four foreign keys to accounts and staff profiles that no query reads (decision 0031, session 14).

``index_usage.py`` on 1 M cases (workbench, case page, searches, lists, public lookup, monthly statistics in every
grouping, the sweep now and at +7 days) counted 0 scans on each, and nothing in the code filters or orders by them:

- ``cases_caseevent.actor_id`` (the costliest index of the load after ``(case_id, at)``: 5 rows a case, ~2,000
  distinct values), ``cases_notice.created_by_id``, ``cases_case.deferred_exception_by_id``: accounts;
- ``cases_case.accepted_by_id``: staff profiles (the workbench reads the first handler, whose index stays).

Their only reader would be the deletion of an account or staff profile (Django's PROTECT check and the database's own
foreign-key check), which then scans these tables; accounts and staff are deactivated (``is_active``), not deleted, and
one who worked a case cannot be deleted anyway. The foreign keys themselves stay.

Only the indexes are dropped (by Django's own names): ``AlterField`` would also drop and re-add each foreign key,
re-checking every row of the largest tables. The reverse recreates them under the same names.
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (table, column) whose single-column index goes.
UNINDEXED = [
    ("cases_case", "accepted_by_id"),
    ("cases_case", "deferred_exception_by_id"),
    ("cases_caseevent", "actor_id"),
    ("cases_notice", "created_by_id"),
]


def drop_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column in UNINDEXED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(schema_editor._create_index_name(table, [column]))}")


def create_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column in UNINDEXED:
        name = schema_editor._create_index_name(table, [column])
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} ({quote(column)})")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0023_fewer_case_indexes'),
        ('org', '0009_unit_county_required'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name='case',
                    name='accepted_by',
                    field=models.ForeignKey(
                        blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                        related_name='accepted_cases', to='org.staffprofile', verbose_name='受理人'),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='deferred_exception_by',
                    field=models.ForeignKey(
                        blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                        related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='未补齐先行送达批准人'),
                ),
                migrations.AlterField(
                    model_name='caseevent',
                    name='actor',
                    field=models.ForeignKey(
                        blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                        related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name='notice',
                    name='created_by',
                    field=models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+',
                        to=settings.AUTH_USER_MODEL),
                ),
            ],
        ),
    ]
