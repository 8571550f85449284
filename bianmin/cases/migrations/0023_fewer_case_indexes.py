"""Indexes of the case tables that no query reads (decision 0031): each one cost every write and the bulk load.

- ``case_workbench_idx`` (first_handler, status, committed_deadline): every workbench query names the county and reads
  the county-first ``case_workbench_open_idx`` / ``case_class_counts_idx``; a lookup by handler alone (the foreign
  key's checks) has ``first_handler``'s own index.
- ``case_scope_status_idx`` (unit_path, status) and the plain B-tree of ``unit_path``: the scope is always
  ``unit_path LIKE 'path%'``, which under the database's collation (C.UTF-8) only the ``varchar_pattern_ops`` index
  (``…_like``) can serve.
- ``cases_caseevent(case_id)``: a prefix of ``(case_id, at)``.
- PostgreSQL only, the twins Django makes for an indexed ``CharField``: a B-tree under the collation and a
  ``varchar_pattern_ops`` one (``…_like``). Both serve ``=``; nothing orders by these columns or ranges over them.
  The blind indexes and the last four digits keep their ``_like`` index (cheaper to build: byte comparisons);
  ``number`` keeps its unique index (``_like`` dropped, also on ``cases_notice``); ``applicant_name`` loses both (the
  search reads it with ``LIKE '%…%'``, served by the trigram index ``case_applicant_name_trgm_idx``).
"""
from django.db import migrations, models

# (table, column, which): "plain" drops the collation B-tree, "like" the varchar_pattern_ops one, "both" both.
DUPLICATES = [
    ("cases_case", "applicant_id_index", "plain"),
    ("cases_case", "applicant_phone_index", "plain"),
    ("cases_case", "applicant_phone_last4", "plain"),
    ("cases_case", "unit_path", "plain"),
    ("cases_case", "applicant_name", "both"),
    ("cases_case", "number", "like"),
    ("cases_notice", "number", "like"),
]
FIND = """
SELECT ci.relname FROM pg_index i
JOIN pg_class ci ON ci.oid = i.indexrelid
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
WHERE i.indrelid = %s::regclass AND i.indnatts = 1 AND NOT i.indisunique AND i.indpred IS NULL
  AND i.indexprs IS NULL AND a.attname = %s AND ci.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')
  AND (pg_get_indexdef(i.indexrelid) LIKE '%%varchar_pattern_ops%%') = %s
"""


def _kinds(which):
    return {"plain": [False], "like": [True], "both": [False, True]}[which]


def drop_duplicates(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        for table, column, which in DUPLICATES:
            for like in _kinds(which):
                cursor.execute(FIND, [table, column, like])
                for (name,) in cursor.fetchall():
                    schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")


def restore_duplicates(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for table, column, which in DUPLICATES:
        for like in _kinds(which):
            name = schema_editor._create_index_name(table, [column], suffix="_like" if like else "")
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
                                  f"({quote(column)}{' varchar_pattern_ops' if like else ''})")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0022_county_first_workbench_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='case_workbench_idx',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_scope_status_idx',
        ),
        migrations.AlterField(
            model_name='caseevent',
            name='case',
            field=models.ForeignKey(db_index=False, on_delete=models.deletion.CASCADE, related_name='events',
                                    to='cases.case'),
        ),
        migrations.RunPython(drop_duplicates, restore_duplicates, elidable=False),
    ]
