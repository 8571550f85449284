"""The two-character name search gets an index on PostgreSQL (decision 0044): a GIN index on the name's characters,
``string_to_array(applicant_name, NULL)``, which ``bianmin.cases.lookup_chars.HasChars`` reads. Nothing on SQLite.

Built ``CONCURRENTLY`` (so outside a transaction: ``atomic = False``): ``migrate`` runs while the old nodes keep
serving (deploy/README.md), and a plain build would hold every receipt, acceptance and sweep write on the case table
for as long as it reads the table. A concurrent build that failed leaves an INVALID index under the name, which
``IF NOT EXISTS`` would keep: it is dropped first. Inside a transaction (a test's, or a run of several apps'
migrations in one) the plain forms are used."""
from django.db import migrations

CHARS_INDEX = "case_applicant_name_chars_idx"  # as bianmin.cases.lookup_chars (a migration imports no app code)


def _concurrently(schema_editor) -> str:
    return "" if schema_editor.connection.in_atomic_block else " CONCURRENTLY"


def add_chars_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT NOT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass(%s)", [CHARS_INDEX])
        invalid = cursor.fetchone()
    if invalid and invalid[0]:
        schema_editor.execute(f"DROP INDEX{_concurrently(schema_editor)} IF EXISTS {CHARS_INDEX}")
    schema_editor.execute(f"CREATE INDEX{_concurrently(schema_editor)} IF NOT EXISTS {CHARS_INDEX} ON cases_case "
                          "USING gin (string_to_array(applicant_name, NULL))")


def drop_chars_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX{_concurrently(schema_editor)} IF EXISTS {CHARS_INDEX}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ('cases', '0025_case_page_marks'),
    ]

    operations = [
        migrations.RunPython(add_chars_index, drop_chars_index),  # not elidable: a squash must keep the index
    ]
