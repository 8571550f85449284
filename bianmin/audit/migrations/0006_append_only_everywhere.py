"""Append-only at the database on SQLite too, and retention in the guard itself (decision 0017).

Both vendors now refuse every UPDATE of an audit row and every DELETE of a row younger than 184 days (the legal
minimum; ``manage.py purge_audit`` removes older ones). PostgreSQL also refuses TRUNCATE, which row triggers do
not see. ``manage.py flush`` (tests, development) lifts the guard for its whole-database wipe only.
"""
from django.db import migrations

PG_CREATE = """
CREATE OR REPLACE FUNCTION bianmin_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.at < now() - interval '184 days' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '审计记录保存期（184天）内不能删除';
    END IF;
    RAISE EXCEPTION '审计记录只能追加，不能修改或清空';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;
CREATE TRIGGER audit_auditentry_no_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION bianmin_audit_append_only();
"""
# Back to migration 0003: every UPDATE and DELETE refused, TRUNCATE not watched.
PG_DROP = """
DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;
CREATE OR REPLACE FUNCTION bianmin_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计记录只能追加，不能修改或删除';
END;
$$ LANGUAGE plpgsql;
"""

# julianday() of an unreadable value is NULL: coalesce(…, 1) makes that refuse too.
SQLITE_CREATE = [
    """CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, '审计记录只能追加，不能修改或删除'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry
WHEN coalesce(julianday(OLD.at) >= julianday('now', '-184 days'), 1)
BEGIN SELECT RAISE(ABORT, '审计记录保存期（184天）内不能删除'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    elif vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_alter_auditentry_action")]
    operations = [migrations.RunPython(forwards, backwards)]
