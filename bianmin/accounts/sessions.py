"""The database session store, refreshing an existing session with one statement instead of three."""
from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connections, router
from django.db.models import DateTimeField
from django.utils import timezone

from bianmin.core.prepared import Arg, Prepared

# The unexpired session's data (bianmin/core/prepared.py: compiled once, planned once per connection).
_SESSION = Prepared(Session, lambda: Session.objects.filter(
    session_key=Arg("key"), expire_date__gt=Arg("now", DateTimeField())).order_by().values_list("session_data"))


class SessionStore(db.SessionStore):
    """Django's database sessions, read with one prepared statement; a refresh skips BEGIN/COMMIT.

    Outside a transaction a single UPDATE is atomic by itself, so the savepoint-free path only drops two round
    trips. Creation, and any save inside an open transaction, keep Django's behaviour.
    """

    def load(self) -> dict:
        """Read the unexpired session's data with one prepared statement (every signed-in request does this; the ORM
        spent more building the query than the database spent answering it, and PostgreSQL planned it each time)."""
        if not self.session_key:
            return {}
        rows = _SESSION.rows(key=self.session_key, now=timezone.now())
        if not rows:
            self._session_key = None
            return {}
        return self.decode(rows[0][0])

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
