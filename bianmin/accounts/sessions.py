"""The database session store, refreshing an existing session with one statement instead of three."""
from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, connections, router


class SessionStore(db.SessionStore):
    """Django's database sessions; the per-request refresh (SESSION_SAVE_EVERY_REQUEST) skips BEGIN/COMMIT.

    Outside a transaction a single UPDATE is atomic by itself, so the savepoint-free path only drops two round
    trips. Creation, and any save inside an open transaction, keep Django's behaviour.
    """

    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        if connections[using].in_atomic_block:
            return super().save()
        try:
            obj.save(force_update=True, using=using)
        except DatabaseError as exc:
            raise UpdateError from exc
        return None
