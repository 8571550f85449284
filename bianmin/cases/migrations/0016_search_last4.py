"""Staff search by any part of a name and by the last four phone digits (issue 12 item 5, decision 0022).

- ``applicant_phone_last4``: the last four digits the masked copy already shows, indexed; existing rows are filled
  batch by batch (the phone is encrypted, so each is decrypted in Python; raw SQL keeps it vendor-neutral).
- On PostgreSQL only, a pg_trgm GIN index on ``applicant_name`` serves ``LIKE '%…%'`` (three characters or more);
  on SQLite nothing is created (the search scans within the user's scope, fast enough at a county's volumes).
"""
import bianmin.core.crypto
from django.db import migrations

BATCH = 2000
TRGM_INDEX = "case_applicant_name_trgm_idx"


def fill_last4(apps, schema_editor):
    from bianmin.core.crypto import InvalidToken, decrypt
    from bianmin.core.masking import phone_last4

    def plain(stored):
        try:
            return decrypt(stored)
        except InvalidToken:  # never encrypted (as migration 0014 reads it)
            return stored

    connection = schema_editor.connection
    qn = connection.ops.quote_name
    table = qn(apps.get_model("cases", "Case")._meta.db_table)
    select = (f"SELECT id, {qn('applicant_phone')} FROM {table} WHERE id > %s ORDER BY id "  # noqa: S608
              f"LIMIT {BATCH}")
    update = f"UPDATE {table} SET {qn('applicant_phone_last4')} = %s WHERE id = %s"  # noqa: S608
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last])
            rows = cursor.fetchall()
            if not rows:
                return
            params = []
            for pk, stored in rows:
                last4 = phone_last4(plain(stored)) if stored else ""
                if last4:
                    params.append([last4, pk])
            if params:
                cursor.executemany(update, params)
            last = rows[-1][0]


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON cases_case "
                          "USING gin (applicant_name gin_trgm_ops)")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")  # the extension stays: others may use it


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0015_warning_level_choices'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='applicant_phone_last4',
            field=bianmin.core.crypto.MaskedField(db_index=True, mask='phone_last4', max_length=4, source='applicant_phone', verbose_name='联系电话后四位'),
        ),
        migrations.RunPython(fill_last4, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(add_trigram_index, drop_trigram_index),  # not elidable: a squash must keep the index
    ]
