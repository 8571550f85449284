"""The database session store, refreshing an existing session with one statement instead of three."""
from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    """Django's database sessions, read with one plain statement; a refresh skips BEGIN/COMMIT.

    Outside a transaction a single UPDATE is atomic by itself, so the savepoint-free path only drops two round
    trips. Creation, and any save inside an open transaction, keep Django's behaviour.
    """

    def load(self) -> dict:
        """Read the unexpired session's data with one written-out statement (every signed-in request does this;
        the ORM spent more building the query than the database spent answering it)."""
        if not self.session_key:
            return {}
        conn = connections[router.db_for_read(self.model)]
        table = conn.ops.quote_name(self.model._meta.db_table)
        with conn.cursor() as cursor:
            cursor.execute(f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",  # noqa: S608
                           [self.session_key, conn.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        # SessionBase._get_session (Django's loader of the session dict) is missing from django-stubs.
        obj = self.create_model_instance(self._get_session())  # type: ignore[attr-defined]
        using = router.db_for_write(self.model, instance=obj)
        if connections[using].in_atomic_block:
            return super().save()
        try:
            obj.save(force_update=True, using=using)
        except DatabaseError as exc:
            raise UpdateError from exc
        return None
