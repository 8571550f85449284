"""The database session store: one prepared statement reads the session and the figures of its signed-in user that
every staff page shows (decision 0039); a refresh of an existing session is one statement instead of three."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, connections, router
from django.db.models import DateTimeField, IntegerField, OuterRef, QuerySet, Subquery
from django.utils import timezone

from bianmin.core.prepared import Arg, Prepared

from .models import StaffSession

# Figures of the session's user read in the session's own statement: name -> a one-value read given the user's id
# as an expression. Registered by the apps above this one in their ready() (the unread count: notifications), so
# before any request compiles the read; the names in sorted order are the read's extra columns.
_RIDERS: dict[str, Callable[[Any], QuerySet[Any, Any]]] = {}
# The methods whose request cannot have changed a figure before the page shows it: a POST may have (a message
# marked read), and its page reads the figure afresh.
_SAFE_METHODS = frozenset({"GET", "HEAD"})
_RIDERS_ATTR = "_bianmin_riders"


def ride_with_session(name: str, read: Callable[[Any], QuerySet[Any, Any]]) -> None:
    """Read ``read(<the session's user id>)`` (a queryset of one row and one value) with every session, as the
    figure ``name`` (``session_figure``). Call from an AppConfig's ready(), before the first request."""
    _RIDERS[name] = read


def _rider_names() -> list[str]:
    return sorted(_RIDERS)


def _session_read() -> QuerySet[Any, Any]:
    """The unexpired session's data, its user, and each rider's figure for that user."""
    riders = {f"rider_{name}": Subquery(_RIDERS[name](OuterRef("user_id")), output_field=IntegerField())
              for name in _rider_names()}
    return (StaffSession.objects.filter(session_key=Arg("key"), expire_date__gt=Arg("now", DateTimeField()))
            .order_by().annotate(**riders).values_list("session_data", "user_id", *riders))


# Compiled once per process, planned once per connection (bianmin/core/prepared.py).
_SESSION = Prepared(StaffSession, _session_read)


class SessionStore(db.SessionStore):
    """Django's database sessions in ``StaffSession``, read with one prepared statement; a refresh skips
    BEGIN/COMMIT.

    Outside a transaction a single UPDATE is atomic by itself, so the savepoint-free path only drops two round
    trips. Creation, and any save inside an open transaction, keep Django's behaviour.
    """

    @classmethod
    def get_model_class(cls) -> type[StaffSession]:
        return StaffSession

    def create_model_instance(self, data: dict[str, Any]) -> StaffSession:
        """The row to save, naming the signed-in user its data holds (none: NULL)."""
        obj = cast(StaffSession, super().create_model_instance(data))
        try:
            obj.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            obj.user_id = None
        return obj

    def load(self) -> dict:
        """Read the unexpired session's data with one prepared statement (every signed-in request does this; the ORM
        spent more building the query than the database spent answering it, and PostgreSQL planned it each time),
        and with it its user's figures (``session_figure``)."""
        self.__dict__.pop(_RIDERS_ATTR, None)
        if not self.session_key:
            return {}
        rows = _SESSION.rows(key=self.session_key, now=timezone.now())
        if not rows:
            self._session_key = None
            return {}
        data, user_id, *figures = rows[0]
        if user_id is not None:
            setattr(self, _RIDERS_ATTR, (user_id, dict(zip(_rider_names(), figures, strict=True))))
        return self.decode(data)

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

    def cycle_key(self) -> None:
        super().cycle_key()  # (which may load the session first)
        self.__dict__.pop(_RIDERS_ATTR, None)  # a sign-in: the figures were read for the session before it

    def flush(self) -> None:
        super().flush()
        self.__dict__.pop(_RIDERS_ATTR, None)


def clear_expired_sessions(now: Any) -> int:
    """Delete the sessions that expired before ``now`` (what ``manage.py clearsessions`` does, with the time passed
    in); return how many. The scheduler runs it every round, so the table holds live sessions only."""
    deleted, _by_model = StaffSession.objects.filter(expire_date__lt=now).delete()
    return deleted


def session_figure(request: Any, name: str, user: Any) -> Any | None:
    """The figure ``name`` of ``user`` as read with this request's session, or None when the caller must read it
    afresh: a request that may have changed it (not GET or HEAD), a session that is not ``user``'s (another user's,
    or one saved before it named its user), a session whose key changed in this request, no figure of that name."""
    if request.method not in _SAFE_METHODS:
        return None
    riders = getattr(getattr(request, "session", None), _RIDERS_ATTR, None)
    if riders is None or user is None or user.pk is None:
        return None
    user_id, figures = riders
    if user_id != user.pk:
        return None
    return figures.get(name)
