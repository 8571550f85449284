"""Where a read goes (core.replica, decision 0027): the decision, the scope, the router, read-your-writes, health.

The replica is simulated: ``configured`` and ``_probe`` are replaced, so these run on SQLite without one. The real
streaming replica is exercised by tests/replica/test_replica.py (``.ci/run``)."""
from __future__ import annotations

import time

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache.backends.db import DatabaseCache
from django.db import OperationalError, connections
from django.http import HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.test import RequestFactory

from bianmin.core import replica
from bianmin.core.models import RateCounter
from bianmin.core.replica import (
    DEFAULT,
    LAG_HEADER,
    REPLICA,
    STICKY_COOKIE,
    Health,
    ReadPlace,
    ReplicaMiddleware,
    ReplicaRouter,
    current_place,
    decide,
    lag_note,
    primary_reads,
    read_from_replica,
    read_lag,
    reads_from_replica,
    replayed,
    replica_reads,
)

HEALTHY = Health(True, 0.4, replica.ON_REPLICA)


class FakeReplica:
    """Stands in for the replica: whether it is configured and what a probe answers, counting the probes."""

    def __init__(self, monkeypatch):
        self.health = HEALTHY
        self.probes = 0
        monkeypatch.setattr(replica, "configured", lambda: True)
        monkeypatch.setattr(replica, "_probe", self._probe)
        replica.forget_health()

    def _probe(self) -> Health:
        self.probes += 1
        return self.health


@pytest.fixture
def fake(monkeypatch):
    yield FakeReplica(monkeypatch)
    replica.forget_health()


def wrote(response) -> str:
    """The sticky cookie a response set, as the browser sends it back."""
    return response.cookies[STICKY_COOKIE].value


# --- the decision ------------------------------------------------------------------------------------------------

def _never() -> Health:
    raise AssertionError("health asked although the answer did not depend on it")


@pytest.mark.parametrize("kwargs,alias,reason", [
    ({"is_configured": False, "recent_write": False, "health": _never}, DEFAULT, "not_configured"),
    ({"is_configured": True, "recent_write": True, "health": _never}, DEFAULT, "recent_write"),
    ({"is_configured": True, "recent_write": False, "health": lambda: Health(False, None, "unreachable")},
     DEFAULT, "unreachable"),
    ({"is_configured": True, "recent_write": False, "health": lambda: Health(False, None, "not_streaming")},
     DEFAULT, "not_streaming"),
    ({"is_configured": True, "recent_write": False, "health": lambda: Health(True, 31.0, "replica")},
     DEFAULT, "lagging"),
    ({"is_configured": True, "recent_write": False, "health": lambda: Health(True, 30.0, "replica")},
     REPLICA, "replica"),
    ({"is_configured": True, "recent_write": False, "health": lambda: Health(True, 0.0, "replica")},
     REPLICA, "replica"),
])
def test_the_decision(kwargs, alias, reason):
    place = decide(max_lag=30, **kwargs)
    assert (place.alias, place.reason) == (alias, reason)


def test_without_a_replica_everything_reads_the_primary_and_nothing_is_asked(monkeypatch):
    monkeypatch.setattr(replica, "_probe", _never)
    monkeypatch.setattr(replica, "configured", lambda: False)  # no DATABASE_REPLICA_URL
    with replica_reads(RequestFactory().get("/")) as place:
        assert place == ReadPlace(DEFAULT, "not_configured") and read_lag() is None and lag_note() == ""
    assert current_place() is None


def test_the_settings_bound_the_lag(fake, settings):
    fake.health = Health(True, 12.0, "replica")
    assert replica.choose(None).on_replica
    settings.BIANMIN = {**settings.BIANMIN, "REPLICA_MAX_LAG_SECONDS": 10}
    assert replica.choose(None) == ReadPlace(DEFAULT, "lagging", 12.0)


# --- the router --------------------------------------------------------------------------------------------------

def test_reads_go_to_the_replica_only_inside_the_scope(fake):
    router = ReplicaRouter()
    assert router.db_for_read(RateCounter) == DEFAULT
    with replica_reads(None) as place:
        assert place.on_replica and current_place() is place
        assert router.db_for_read(RateCounter) == REPLICA
        with primary_reads():
            assert router.db_for_read(RateCounter) == DEFAULT
        assert router.db_for_read(RateCounter) == REPLICA
    assert router.db_for_read(RateCounter) == DEFAULT
    # An instance read from the replica is not followed there once the scope is over.
    stale = RateCounter(key="k")
    stale._state.db = REPLICA
    assert router.db_for_read(RateCounter, instance=stale) == DEFAULT


def test_inside_an_atomic_block_on_the_primary_reads_stay_there(fake, monkeypatch):
    with replica_reads(None):
        monkeypatch.setattr(connections[DEFAULT], "in_atomic_block", True)
        assert ReplicaRouter().db_for_read(RateCounter) == DEFAULT
        monkeypatch.setattr(connections[DEFAULT], "in_atomic_block", False)
        assert ReplicaRouter().db_for_read(RateCounter) == REPLICA


def test_sessions_and_the_database_cache_are_read_from_the_primary(fake):
    with replica_reads(None):
        assert ReplicaRouter().db_for_read(Session) == DEFAULT
        assert ReplicaRouter().db_for_read(DatabaseCache("bianmin_cache", {}).cache_model_class) == DEFAULT


def test_the_calendar_and_the_organisation_are_read_from_the_primary(fake):
    """Processes keep both for later writes (the calendar per revision, the staff identity): a copy read from a
    replica behind a change would be used by acceptances and receipts."""
    from django.apps import apps

    with replica_reads(None):
        assert ReplicaRouter().db_for_read(apps.get_model("workdays", "CalendarDay")) == DEFAULT
        assert ReplicaRouter().db_for_read(apps.get_model("workdays", "CalendarRevision")) == DEFAULT
        assert ReplicaRouter().db_for_read(apps.get_model("org", "StaffProfile")) == DEFAULT
        assert ReplicaRouter().db_for_read(apps.get_model("cases", "Case")) == REPLICA


def test_writes_and_migrations_go_to_the_primary_only(fake):
    router = ReplicaRouter()
    with replica_reads(None):
        assert router.db_for_write(RateCounter) == DEFAULT
    assert router.allow_migrate(DEFAULT, "core") is True
    assert router.allow_migrate(REPLICA, "core") is False
    a, b = RateCounter(key="a"), RateCounter(key="b")
    a._state.db, b._state.db = REPLICA, DEFAULT
    assert router.allow_relation(a, b) is True


# --- read-your-writes --------------------------------------------------------------------------------------------

def _through_middleware(request, status=302):
    return ReplicaMiddleware(lambda r: HttpResponse(status=status))(request)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_change_keeps_the_browsers_reads_on_the_primary_for_a_few_seconds(fake, method):
    rf = RequestFactory()
    with time_machine.travel(1_800_000_000, tick=False):
        response = _through_middleware(rf.generic(method, "/staff/cases/"))
        cookie = response.cookies[STICKY_COOKIE]
        assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] == 5
        request = rf.get("/staff/stats/", HTTP_COOKIE=f"{STICKY_COOKIE}={wrote(response)}")
        with replica_reads(request) as place:
            assert place == ReadPlace(DEFAULT, "recent_write")
        assert fake.probes == 0  # decided without asking the replica
    with time_machine.travel(1_800_000_000 + 6, tick=False), replica_reads(request) as place:  # past the 5 s
        assert place.on_replica


def test_reads_refused_writes_and_forged_cookies_do_not_stick(fake):
    rf = RequestFactory()
    assert STICKY_COOKIE not in _through_middleware(rf.get("/"), status=200).cookies
    assert STICKY_COOKIE not in _through_middleware(rf.post("/"), status=400).cookies
    assert STICKY_COOKIE not in _through_middleware(rf.post("/"), status=403).cookies
    forged = rf.get("/", HTTP_COOKIE=f"{STICKY_COOKIE}=1")
    assert replica.recent_writer(forged) is False


class _User:
    def __init__(self, pk):
        self.pk = pk


def _api(request, user_id: int, token: str = "raw-token"):  # noqa: S107 - not a secret
    """``request`` as ``api.auth.StaffToken`` leaves it once a bearer token is accepted."""
    request.api_token, request.user = token, _User(user_id)
    return request


def test_an_api_clients_change_keeps_its_users_api_reads_on_the_primary_without_cookies(fake):
    rf = RequestFactory()
    with time_machine.travel(1_800_000_000, tick=False):
        _through_middleware(_api(rf.post("/api/v1/cases"), 7), status=201)  # the client drops the cookie
        with replica_reads(_api(rf.get("/api/v1/stats"), 7, token="another-token-of-the-same-user")) as place:
            assert place == ReadPlace(DEFAULT, "recent_write")  # the user's, not the token's
        with replica_reads(_api(rf.get("/api/v1/stats"), 8)) as place:
            assert place.on_replica  # another user is not held back
        with replica_reads(rf.get("/api/v1/stats")) as place:
            assert place.on_replica  # nor a request without a token
    with time_machine.travel(1_800_000_000 + 6, tick=False), \
            replica_reads(_api(rf.get("/api/v1/stats"), 7)) as place:  # past the 5 s
        assert place.on_replica


def test_refused_api_writes_and_browser_writes_leave_no_api_mark(fake):
    rf = RequestFactory()
    with time_machine.travel(1_800_000_000, tick=False):
        _through_middleware(_api(rf.post("/api/v1/cases"), 7), status=400)
        _through_middleware(_api(rf.get("/api/v1/cases"), 7), status=200)
        browser = rf.post("/staff/cases/")
        browser.user = _User(7)  # signed in by session, no token: its cookie carries the mark
        _through_middleware(browser)
        assert replica.api_writer(_api(rf.get("/api/v1/stats"), 7)) is False


def test_a_mark_that_cannot_be_written_does_not_turn_a_committed_change_into_an_error(fake, monkeypatch, caplog):
    class Broken:
        def set(self, *args, **kwargs):
            raise OperationalError("the cache table is locked")

    monkeypatch.setattr(replica, "caches", {replica.STICKY_CACHE: Broken()})
    response = _through_middleware(_api(RequestFactory().post("/api/v1/cases"), 7), status=201)
    assert response.status_code == 201 and "could not mark an API writer" in caplog.text


def test_without_a_replica_an_api_write_marks_nothing(monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: False)
    _through_middleware(_api(RequestFactory().post("/api/v1/cases"), 7))
    assert replica.api_writer(_api(RequestFactory().get("/api/v1/stats"), 7)) is False


def test_without_a_replica_no_cookie_is_set(monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: False)
    assert STICKY_COOKIE not in _through_middleware(RequestFactory().post("/")).cookies


def test_answers_read_from_the_replica_name_the_lag(fake):
    request = RequestFactory().get("/api/v1/stats")

    def view(r):
        read_from_replica(r, lambda: None)
        return HttpResponse()

    assert ReplicaMiddleware(view)(request)[LAG_HEADER] == "0.4"
    fake.health = Health(False, None, "unreachable")
    replica.forget_health()
    assert LAG_HEADER not in ReplicaMiddleware(view)(RequestFactory().get("/api/v1/stats"))


# --- health ------------------------------------------------------------------------------------------------------

def test_the_lag_is_asked_at_most_once_every_two_seconds(fake, monkeypatch):
    for _ in range(5):
        with replica_reads(None):
            pass
    assert fake.probes == 1
    monkeypatch.setattr("bianmin.core.ttlcache._clock", lambda: time.monotonic() + 2.1)
    with replica_reads(None):
        pass
    assert fake.probes == 2


def test_an_unreachable_replica_is_read_from_the_primary(fake):
    fake.health = Health(False, None, "unreachable")
    with replica_reads(None) as place:
        assert place == ReadPlace(DEFAULT, "unreachable")
        assert ReplicaRouter().db_for_read(RateCounter) == DEFAULT


def test_a_probe_that_fails_says_unreachable(caplog):
    # The test settings have no replica alias: the connection cannot even be made.
    assert replica._probe() == Health(False, None, "unreachable")
    assert "read replica unreachable" in caplog.text


def test_a_replica_that_goes_away_under_a_read_is_read_again_from_the_primary(fake):
    request = RequestFactory().get("/staff/stats/")
    places = []

    def read():
        places.append(current_place())
        if len(places) == 1:
            fake.health = Health(False, None, "unreachable")  # what the probe after the error finds
            raise OperationalError("server closed the connection unexpectedly")
        return "figures"

    assert read_from_replica(request, read) == "figures"
    assert [p.alias for p in places] == [REPLICA, DEFAULT]
    assert getattr(request, replica.REQUEST_ATTR) == ReadPlace(DEFAULT, "unreachable")
    with replica_reads(None) as place:  # the failure is remembered until the next health check
        assert not place.on_replica


def test_a_read_the_replica_cancelled_for_replay_is_read_again_from_the_primary(fake):
    class Conflict(Exception):
        sqlstate = "40001"  # canceling statement due to conflict with recovery

    places = []

    def read():
        places.append(current_place().alias)
        if len(places) == 1:
            raise OperationalError("canceling statement due to conflict with recovery") from Conflict()
        return "figures"

    assert read_from_replica(None, read) == "figures"
    assert places == [REPLICA, DEFAULT] and fake.probes == 1  # the replica is not thought gone: no second probe
    with replica_reads(None) as place:
        assert place.on_replica


def test_an_error_the_replica_did_not_cause_is_raised(fake):
    def read():
        raise OperationalError("canceling statement due to statement timeout")

    with pytest.raises(OperationalError):
        read_from_replica(None, read)


# --- pages -------------------------------------------------------------------------------------------------------

def test_a_template_response_is_rendered_inside_the_scope(fake):
    template = engines["django"].from_string("{{ where }}")

    @reads_from_replica
    def view(request):
        return TemplateResponse(request, template, {"where": lambda: current_place().alias})

    response = view(RequestFactory().get("/items/"))
    assert response.content == b"replica"


def test_the_note_a_staff_page_shows():
    assert lag_note(ReadPlace(REPLICA, "replica", 0.2)) == "数据来自只读副本，不到 1 秒前"
    assert lag_note(ReadPlace(REPLICA, "replica", 7.4)) == "数据来自只读副本，约 7 秒前"
    assert lag_note(ReadPlace(DEFAULT, "recent_write")) == ""
    assert lag_note() == ""  # outside any scope


def test_a_cache_key_naming_a_version_the_replica_has_not_replayed_reads_the_primary(fake):
    asked = []
    with replica_reads(None):
        with replayed(lambda: asked.append(1) or False):
            assert current_place().alias == DEFAULT
        with replayed(lambda: True):
            assert current_place().on_replica
    with replayed(lambda: asked.append(2) or False):  # outside a replica scope the check is not even asked
        assert current_place() is None
    assert asked == [1]


# --- the probe: the lag against the primary's position (its SQL answers faked) -------------------------------------

class FakeCursor:
    def __init__(self, server: FakeServer):
        self.server = server

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        self.server.log.append((self.server.name, sql, params))
        if isinstance(self.server.answer, Exception):
            raise self.server.answer
        self.row = self.server.answer

    def fetchone(self):
        return self.row


class FakeServer:
    def __init__(self, name, answer, log):
        self.name, self.answer, self.log, self.closed = name, answer, log, False

    def cursor(self):
        return FakeCursor(self)

    def close(self):
        self.closed = True


PRIMARY_AT = "0/3000148"


def probe(monkeypatch, *, primary=(PRIMARY_AT,), standby):
    """Run the real ``_probe`` against faked servers; return its health and the statements in the order sent."""
    log: list = []
    servers = {DEFAULT: FakeServer("primary", primary, log), REPLICA: FakeServer("replica", standby, log)}
    monkeypatch.setattr(replica, "connections", servers)
    return replica._probe(), log, servers


def test_a_stalled_replica_that_still_says_streaming_is_lagging_by_the_age_of_what_it_replayed(monkeypatch):
    """The network stalled: the WAL receiver still says "streaming" and has replayed all it received, but not the
    position the primary has flushed since (``caught_up`` false): the lag is the age of its last replayed
    transaction, growing while the stall lasts, so the replica is not read."""
    health, log, _ = probe(monkeypatch, standby=(True, True, False, 45.0))
    assert health == Health(True, 45.0, "replica")
    assert decide(is_configured=True, recent_write=False, health=lambda: health, max_lag=30) == \
        ReadPlace(DEFAULT, "lagging", 45.0)
    # The primary's position first, then the replica compared with it (a position read after the replica's could
    # be one it could not have yet).
    assert [(name, params) for name, _, params in log] == [("primary", None), ("replica", [PRIMARY_AT])]
    assert "pg_current_wal_flush_lsn" in log[0][1] and "pg_last_wal_replay_lsn() >= %s::pg_lsn" in log[1][1]


def test_a_replica_that_has_replayed_the_primarys_position_has_no_lag_however_old_its_last_transaction(
        monkeypatch):
    """An idle primary (or a stall while nothing happens on it): nothing is missing, whatever the time since the
    last transaction."""
    health, _, _ = probe(monkeypatch, standby=(True, True, True, 7200.0))
    assert health == Health(True, 0.0, "replica")


@pytest.mark.parametrize("standby,health", [
    ((True, True, False, 0.3), Health(True, 0.3, "replica")),  # a busy primary: the last replayed ms ago
    ((True, True, False, -0.2), Health(True, 0.0, "replica")),  # the clocks a little apart
    ((True, False, True, None), Health(False, 0.0, "not_streaming")),  # no WAL receiver (reconnecting)
    ((False, False, None, None), Health(False, None, "not_streaming")),  # not a standby (promoted)
    ((True, True, False, None), Health(False, None, "not_streaming")),  # behind, none replayed: cannot be told
])
def test_what_the_replicas_answers_mean(monkeypatch, standby, health):
    assert probe(monkeypatch, standby=standby)[0] == health


def test_a_primary_that_cannot_say_its_position_leaves_the_replica_unasked(monkeypatch, caplog):
    health, log, _ = probe(monkeypatch, primary=OperationalError("current transaction is aborted"),
                           standby=(True, True, True, 0.0))
    assert health == Health(False, None, "not_streaming")
    assert [name for name, _, _ in log] == ["primary"] and "primary WAL position unknown" in caplog.text


def test_a_replica_that_fails_the_probe_is_unreachable_and_its_connection_closed(monkeypatch, caplog):
    health, log, servers = probe(monkeypatch, standby=OperationalError("could not connect"))
    assert health == Health(False, None, "unreachable") and servers[REPLICA].closed
    assert [name for name, _, _ in log] == ["primary", "replica"] and "read replica unreachable" in caplog.text
