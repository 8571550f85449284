"""The database guards that keep the audit table append-only (migrations 0003 and 0006, decision 0017)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditentry"


@contextmanager
def append_only_lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Run the block with the audit table's triggers off, inside one transaction that puts them back.

    Only for wiping a whole database (``manage.py flush``: tests, development), which PostgreSQL does with
    TRUNCATE. The triggers return when the block ends; if it fails, the DDL is rolled back with the rest (both
    PostgreSQL and SQLite have transactional DDL). Whoever may run this owns the tables and could drop the
    triggers anyway: the anchors outside the database (``anchors.py``) are what detect a wiped trail.
    """
    vendor, triggers = connection.vendor, []
    with transaction.atomic(using=connection.alias):
        if TABLE not in connection.introspection.table_names():
            yield
            return
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                # ALTER TABLE waits for no deferred checks: run the pending ones now, as Django's check_constraints
                # does, and defer again afterwards.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            elif vendor == "sqlite":
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                               [TABLE])
                triggers = cursor.fetchall()
                for name, _sql in triggers:
                    cursor.execute(f'DROP TRIGGER "{name}"')
        yield  # an exception rolls the whole transaction back, the lifting included
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            elif vendor == "sqlite":
                for _name, sql in triggers:
                    cursor.execute(sql)
