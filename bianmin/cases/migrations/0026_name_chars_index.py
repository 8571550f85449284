"""The two-character name search gets an index on PostgreSQL (decision 0044): a GIN index on the name's characters,
``string_to_array(applicant_name, NULL)``, which ``bianmin.cases.lookup_chars.HasChars`` reads. Nothing on SQLite."""
from django.db import migrations

CHARS_INDEX = "case_applicant_name_chars_idx"  # as bianmin.cases.lookup_chars (a migration imports no app code)


def add_chars_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {CHARS_INDEX} ON cases_case "
                          "USING gin (string_to_array(applicant_name, NULL))")


def drop_chars_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {CHARS_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0025_case_page_marks'),
    ]

    operations = [
        migrations.RunPython(add_chars_index, drop_chars_index),  # not elidable: a squash must keep the index
    ]
