"""Django's ``flush``, able to empty the append-only audit table as part of wiping the whole database.

The audit table's triggers (decision 0017) refuse TRUNCATE and the deletion of recent rows, which is what ``flush``
does to every table; test cases that commit (``transaction=True``) flush after each test. The triggers are lifted
for the wipe and restored in the same transaction. Nothing else changes: it still asks before wiping unless
``--no-input``.
"""
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from bianmin.audit.guards import append_only_lifted


class Command(DjangoFlush):
    def handle(self, **options):
        with append_only_lifted(connections[options["database"]]):
            return super().handle(**options)
