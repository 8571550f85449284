"""Where a read goes: the primary, or a PostgreSQL streaming replica (decision 0027). The one definition.

With ``DATABASE_REPLICA_URL`` set, settings add the ``replica`` alias and :class:`ReplicaRouter`. A view that
only reads (statistics, the leader's overview, the Excel export, the public catalogue, the big screen's data) runs
inside :func:`replica_reads` — through :func:`read_from_replica` or the :func:`reads_from_replica` decorator — and
its reads go to the replica only when all of these hold:

- the replica is configured;
- the browser did not change anything in the last ``BIANMIN["REPLICA_STICKY_SECONDS"]`` (read-your-writes: a
  POST/PUT/PATCH/DELETE answered below 400 sets a signed cookie, :class:`ReplicaMiddleware`; a cookie costs no
  query and works on any app node), and neither did the user through the API with a bearer token (an API client
  need not keep cookies: such a write marks the user in the shared database cache instead, and an API read in a
  replica scope asks it — a cache write per API write and a cache read per such read, only with a replica
  configured);
- the replica is healthy: reachable, in recovery with its WAL receiver running, and no more than
  ``BIANMIN["REPLICA_MAX_LAG_SECONDS"]`` behind the primary. The lag is asked at most once every
  ``HEALTH_SECONDS`` per process (:func:`replica_health`), against the primary's position read just before (a
  stalled replica is behind what the primary has, whatever its own WAL receiver says: :data:`LAG_SQL`).

Even inside the scope a read goes to the primary when it runs in an atomic block on the primary (a service reading
the rows it is about to change), and sessions and the database cache are always read from the primary. Writes
always go to the primary. A read that fails because the replica went away is run again on the primary
(:func:`read_from_replica`), and the replica is left alone until the next health check.
"""
from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils.translation import gettext

from .ttlcache import TTLCache

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT = DEFAULT_DB_ALIAS
REPLICA = "replica"
LAG_HEADER = "X-Replica-Lag"  # seconds the data may be behind, on answers read from the replica
STICKY_COOKIE = "bianmin_wrote"
STICKY_SALT = "bianmin.core.replica.sticky"
STICKY_CACHE = "default"  # where an API client's writes are marked (the database cache, shared by the nodes)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HEALTH_SECONDS = 2.0  # the lag is asked at most this often per process
# Always read from the primary: the session (read, then saved with a new expiry; ``accounts``: the staff session, the
# sign-in throttles and the API tokens, whose revocation must hold at once), Django's database cache, and what
# processes keep for later writes — the working-day calendar (cached per revision; a calendar built from a replica
# behind a change would be kept under the new revision and used by acceptances) and the organisation (the staff
# identity cache: a profile read before a move would receive the next case under the old unit).
# ``notifications``: the unread badge on every page (a prepared read routed like any other since session 15) stays
# as current as it was when it was read on the primary's connection.
PRIMARY_ONLY_APPS = frozenset({"sessions", "accounts", "django_cache", "workdays", "org", "notifications"})
REQUEST_ATTR = "_bianmin_read_place"

# The lag is measured against the primary, not against what the replica itself has received: with the network
# stalled a WAL receiver still says "streaming" (until wal_receiver_timeout, 60 s by default) and has replayed all
# it received, yet the primary has moved on. ``last_msg_receipt_time`` cannot tell a stall from an idle primary
# (keepalives come only after half of wal_receiver_timeout / wal_sender_timeout without news: 30 s), and the primary's
# ``pg_stat_replication.replay_lag`` stops being updated when the replica stops replying. So: first the primary's
# flushed WAL position (PRIMARY_POSITION_SQL, on the primary), then, on the replica: in recovery? WAL receiver
# streaming? replayed up to that position? and the age of the last replayed transaction. The lag is 0 when the
# replica has replayed everything the primary had flushed at the probe (an idle primary: nothing is missing, however
# long ago its last transaction), else that age: the replica shows the primary as it was at its last replayed
# transaction or later, so this is an upper bound, and it grows second by second while a stall lasts.
PRIMARY_POSITION_SQL = "SELECT pg_current_wal_flush_lsn()::text"
LAG_SQL = """SELECT pg_is_in_recovery(), EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'),
    pg_last_wal_replay_lsn() >= %s::pg_lsn, EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"""

# Why reads went where they went (ReadPlace.reason).
ON_REPLICA = "replica"
NOT_CONFIGURED = "not_configured"
RECENT_WRITE = "recent_write"
LAGGING = "lagging"
UNREACHABLE = "unreachable"
NOT_STREAMING = "not_streaming"  # not in recovery, no WAL receiver, or the lag cannot be told
PRIMARY = "primary"  # primary_reads()


@dataclass(frozen=True)
class Health:
    usable: bool
    lag_seconds: float | None
    reason: str  # ON_REPLICA when usable


@dataclass(frozen=True)
class ReadPlace:
    """Where the reads of a scope go, why, and (on the replica) how far behind it was at the last health check."""

    alias: str
    reason: str
    lag_seconds: float | None = None

    @property
    def on_replica(self) -> bool:
        return self.alias == REPLICA


ON_PRIMARY = ReadPlace(DEFAULT, PRIMARY)
_place: ContextVar[ReadPlace | None] = ContextVar("bianmin_read_place", default=None)
_health: TTLCache[str, Health] = TTLCache(HEALTH_SECONDS, max_entries=1)
_health_lock = threading.Lock()


def configured() -> bool:
    return REPLICA in settings.DATABASES


def sticky_seconds() -> int:
    return int(settings.BIANMIN.get("REPLICA_STICKY_SECONDS", 5))


def max_lag_seconds() -> float:
    return float(settings.BIANMIN.get("REPLICA_MAX_LAG_SECONDS", 30))


# --- read-your-writes --------------------------------------------------------------------------------------------

def recent_writer(request: HttpRequest | None) -> bool:
    """Whether this browser changed something in the last ``REPLICA_STICKY_SECONDS`` (its signed cookie: the
    signature's time stamp is checked here, so an old or forged cookie does not count)."""
    if request is None or STICKY_COOKIE not in request.COOKIES:
        return False
    return request.get_signed_cookie(STICKY_COOKIE, default=None, salt=STICKY_SALT,
                                     max_age=sticky_seconds()) is not None


def mark_writer(request: HttpRequest, response: HttpResponseBase) -> None:
    """Keep this browser's reads on the primary for ``REPLICA_STICKY_SECONDS``; for a request authenticated by an
    API bearer token, keep that user's API reads there (:func:`api_writer`)."""
    response.set_signed_cookie(STICKY_COOKIE, "1", salt=STICKY_SALT, max_age=sticky_seconds(), path="/",
                               httponly=True, samesite="Lax",
                               secure=request.is_secure() or settings.SESSION_COOKIE_SECURE)
    user_id = _api_user_id(request)
    if user_id is not None:
        try:  # the change is committed: a failing mark must not turn its answer into a 500 (a retry would repeat it)
            # + 1: the database cache keeps whole seconds, so the mark lasts at least as long as the cookie.
            caches[STICKY_CACHE].set(_api_key(user_id), 1, timeout=sticky_seconds() + 1)
        except DatabaseError:
            logger.warning("replica: could not mark an API writer; their reads may come from the replica")


def api_writer(request: HttpRequest | None) -> bool:
    """Whether the user of this bearer-token API request changed something through the API in the last
    ``REPLICA_STICKY_SECONDS``. The mark lives in the database cache, shared by every app node and always read on
    the primary (``django_cache`` is a primary-only app); it is asked only for a token request in a replica scope.
    A cull of a full cache may drop a mark early: that user's next read may then be a replica's, a few seconds old."""
    user_id = _api_user_id(request)
    return user_id is not None and caches[STICKY_CACHE].get(_api_key(user_id)) is not None


def _api_user_id(request: HttpRequest | None) -> int | None:
    """The user of a request that a bearer token authenticated (``api.auth.StaffToken`` sets ``api_token``), else
    None (a browser's request: its cookie says it)."""
    if request is None or not getattr(request, "api_token", None):
        return None
    pk = getattr(getattr(request, "user", None), "pk", None)
    return pk if isinstance(pk, int) else None


def _api_key(user_id: int) -> str:
    return f"replica-wrote:{user_id}"


# --- health ------------------------------------------------------------------------------------------------------

def _probe() -> Health:
    """Ask the primary where its WAL is, then the replica whether it is a streaming replica and how far behind
    that position it is (one query on each, :data:`LAG_SQL`)."""
    try:
        standby = connections[REPLICA]
    except Exception:  # not configured
        logger.warning("read replica unreachable: reading from the primary", exc_info=True)
        return Health(False, None, UNREACHABLE)
    try:  # the primary first: a position read after the replica's could be one the replica could not yet have
        with connections[DEFAULT].cursor() as cursor:
            cursor.execute(PRIMARY_POSITION_SQL)
            (position,) = cursor.fetchone()
    except Exception:  # the primary cannot say where it is (a broken transaction): do not trust the replica now
        logger.warning("primary WAL position unknown: reading from the primary", exc_info=True)
        return Health(False, None, NOT_STREAMING)
    try:
        with standby.cursor() as cursor:
            cursor.execute(LAG_SQL, [position])
            in_recovery, streaming, caught_up, replay_age = cursor.fetchone()
    except Exception:  # unreachable, refused, not configured: whatever it is, read from the primary
        logger.warning("read replica unreachable: reading from the primary", exc_info=True)
        _close_replica()
        return Health(False, None, UNREACHABLE)
    return assess(in_recovery=in_recovery, streaming=streaming, caught_up=caught_up, replay_age=replay_age)


def assess(*, in_recovery: bool | None, streaming: bool | None, caught_up: bool | None,
           replay_age: Any) -> Health:
    """The health the replica's answers to :data:`LAG_SQL` mean: usable only in recovery with its WAL receiver
    streaming and a lag that can be told — 0 when it has replayed the primary's position, else the age of its last
    replayed transaction (None when it has replayed none since it started: the lag cannot be told)."""
    lag = 0.0 if caught_up else None if replay_age is None else max(float(replay_age), 0.0)
    if not in_recovery or not streaming or lag is None:
        return Health(False, lag, NOT_STREAMING)
    return Health(True, lag, ON_REPLICA)


def _close_replica() -> None:
    try:
        connections[REPLICA].close()
    except Exception:  # noqa: S110 - a broken connection may fail to close; it is dropped either way
        pass


def replica_health() -> Health:
    """The replica's health, asked at most once every ``HEALTH_SECONDS`` per process."""
    health = _health.get(REPLICA)
    if health is None:
        with _health_lock:
            health = _health.get(REPLICA)
            if health is None:
                health = _probe()
                _health.set(REPLICA, health)
    return health


def forget_health() -> None:
    """Ask the replica again at the next scope (tests; after a failure the fallback stores its own answer)."""
    _health.clear()


# --- the decision and the scope ----------------------------------------------------------------------------------

def decide(*, is_configured: bool, recent_write: bool, health: Callable[[], Health], max_lag: float) -> ReadPlace:
    """Where the reads of a scope go. ``health`` is asked only when the answer depends on it."""
    if not is_configured:
        return ReadPlace(DEFAULT, NOT_CONFIGURED)
    if recent_write:
        return ReadPlace(DEFAULT, RECENT_WRITE)
    state = health()
    if not state.usable:
        return ReadPlace(DEFAULT, state.reason, state.lag_seconds)
    if state.lag_seconds is None or state.lag_seconds > max_lag:
        return ReadPlace(DEFAULT, LAGGING, state.lag_seconds)
    return ReadPlace(REPLICA, ON_REPLICA, state.lag_seconds)


def choose(request: HttpRequest | None) -> ReadPlace:
    """Where the reads of a scope opened for ``request`` go (None: no browser to keep read-your-writes for)."""
    is_configured = configured()
    return decide(is_configured=is_configured,
                  recent_write=is_configured and (recent_writer(request) or api_writer(request)),
                  health=replica_health, max_lag=max_lag_seconds())


@contextmanager
def _scope(place: ReadPlace, request: HttpRequest | None) -> Iterator[ReadPlace]:
    if request is not None:
        setattr(request, REQUEST_ATTR, place)  # ReplicaMiddleware names the lag on the answer
    token = _place.set(place)
    try:
        yield place
    finally:
        _place.reset(token)


@contextmanager
def replica_reads(request: HttpRequest | None) -> Iterator[ReadPlace]:
    """Read from the replica inside this block if :func:`choose` allows it; yields where the reads go."""
    with _scope(choose(request), request) as place:
        yield place


@contextmanager
def primary_reads() -> Iterator[ReadPlace]:
    """Read from the primary inside this block, even within a replica scope."""
    token = _place.set(ON_PRIMARY)
    try:
        yield ON_PRIMARY
    finally:
        _place.reset(token)


@contextmanager
def replayed(caught_up: Callable[[], bool]) -> Iterator[None]:
    """Within a replica scope, keep reading from the replica only if ``caught_up()`` (asked on the replica) says it
    has replayed what the caller needs (e.g. the version a cache key names); else read from the primary."""
    place = _place.get()
    if place is not None and place.on_replica and not caught_up():
        with primary_reads():
            yield
    else:
        yield


def current_place() -> ReadPlace | None:
    """Where the reads of the current scope go (None outside any scope: the primary)."""
    return _place.get()


def _recovery_conflict(exc: BaseException) -> bool:
    """Whether the replica cancelled the query because replaying the primary's changes needed its rows (SQLSTATE
    40001 "conflict with recovery": the only serialization failure a read in autocommit can get)."""
    return getattr(exc.__cause__, "sqlstate", None) == "40001"


def read_from_replica(request: HttpRequest | None, read: Callable[[], T]) -> T:
    """Run ``read`` in a replica scope for ``request``; run it again on the primary if the replica cancelled it (a
    recovery conflict) or failed under it (a connection error and the replica no longer answers). ``read`` must
    only read (or write idempotently)."""
    with replica_reads(request) as place:
        if not place.on_replica:
            return read()
        try:
            return read()
        except (OperationalError, InterfaceError) as exc:
            if _recovery_conflict(exc):
                logger.warning("read cancelled on the replica (conflict with recovery): reading from the primary")
            else:
                _close_replica()
                health = _probe()
                if health.usable:  # the replica answers: the error was not its going away
                    raise
                _health.set(REPLICA, health)
                logger.warning("read replica failed during a read: reading from the primary")
    with _scope(ReadPlace(DEFAULT, UNREACHABLE), request):
        return read()


def reads_from_replica(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a function view (``method_decorator`` for a class-based one) to read from the replica; a template
    response is rendered inside the scope, so its lazy querysets read there too."""
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        def run() -> Any:
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
            return response
        return read_from_replica(request, run)
    return wrapper


# --- what the user sees ------------------------------------------------------------------------------------------

def read_lag(place: ReadPlace | None = None) -> float | None:
    """Seconds the data may be behind when the scope (or ``place``) reads from the replica; None on the primary."""
    place = place if place is not None else _place.get()
    if place is None or not place.on_replica:
        return None
    return place.lag_seconds or 0.0


def lag_note(place: ReadPlace | None = None) -> str:
    """The line a staff page shows when it read from the replica ("" when it read from the primary)."""
    lag = read_lag(place)
    if lag is None:
        return ""
    if lag < 0.5:
        return gettext("数据来自只读副本，不到 1 秒前")
    return gettext("数据来自只读副本，约 %(seconds)s 秒前") % {"seconds": round(lag)}


# --- the router and the middleware -------------------------------------------------------------------------------

class ReplicaRouter:
    """Reads go to the replica only inside a replica scope and outside an atomic block on the primary; writes and
    migrations go to the primary only. In ``DATABASE_ROUTERS`` only when the replica is configured."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        place = _place.get()
        if (place is None or not place.on_replica or model._meta.app_label in PRIMARY_ONLY_APPS
                or connections[DEFAULT].in_atomic_block):
            return DEFAULT
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA, None}  # one database, two copies

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT


class ReplicaMiddleware:
    """Mark a browser that changed something (a POST, PUT, PATCH or DELETE answered below 400) so that its reads
    stay on the primary for a few seconds, and name the lag (``X-Replica-Lag``) on answers read from the replica.
    Does nothing without a configured replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        lag = read_lag(getattr(request, REQUEST_ATTR, None) or ON_PRIMARY)
        if lag is not None:
            response[LAG_HEADER] = f"{lag:.1f}"
        if request.method in WRITE_METHODS and response.status_code < 400 and configured():
            mark_writer(request, response)
        return response
