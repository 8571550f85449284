"""With a real PostgreSQL streaming replica (decision 0027): the read-only pages read from it, a user's own change is
read back from the primary, the lag is shown, writes never reach it, and a replica that goes away is not read.

Run by ``.ci/run`` after the PostgreSQL suite, with a replica made by ``pg_basebackup -R``:

    BIANMIN_REPLICA_TESTS=1 DATABASE_URL=postgres://…:PRIMARY/bianmin \
        DATABASE_REPLICA_URL=postgres://…:REPLICA/bianmin pytest tests/replica

Skipped without ``BIANMIN_REPLICA_TESTS=1``; with it they fail (never skip) when the replica is missing or
unreachable. The replica alias mirrors the primary's test database (settings: ``TEST: {"MIRROR": "default"}``),
which physical replication copies; the tests commit (``transaction=True``) and wait for the replay."""
from __future__ import annotations

import os
import time

import pytest
from django.conf import settings
from django.db import DatabaseError, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bianmin.core import replica
from bianmin.core.models import RateCounter
from bianmin.core.replica import LAG_HEADER, REPLICA, STICKY_COOKIE, ReplicaRouter, replica_reads
from bianmin.hall.models import HallDevice, TicketStatus
from bianmin.hall.tests.screen_helpers import changed, open_counter, screen_for, service_type, ticket
from conftest import api_token_headers, sign_in

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(os.environ.get("BIANMIN_REPLICA_TESTS") != "1",
                       reason="needs a streaming replica: BIANMIN_REPLICA_TESTS=1 and DATABASE_REPLICA_URL (.ci/run)"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]
NOTE = "数据来自只读副本"
WAIT_SECONDS = 10
WRITES = ("INSERT", "UPDATE", "DELETE")


def _replica_cursor_value(sql: str, params: list | None = None):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def wait_replayed() -> None:
    """Wait until the replica has replayed everything the primary has written so far (fail after WAIT_SECONDS)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    deadline, last_error = time.monotonic() + WAIT_SECONDS, None
    while time.monotonic() < deadline:
        try:
            if _replica_cursor_value("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]):
                replica.forget_health()
                return
        except DatabaseError as exc:  # the test database may not be replayed yet
            last_error = exc
            connections[REPLICA].close()
        time.sleep(0.05)
    pytest.fail(f"the replica did not replay {target} within {WAIT_SECONDS} s ({last_error})")


@pytest.fixture(autouse=True)
def real_replica():
    """The replica connection: the replica server with the primary's test database name (what settings' MIRROR
    does; set here again so the tests do not depend on it), a server in recovery, caught up before each test."""
    if REPLICA not in settings.DATABASES:
        pytest.fail("BIANMIN_REPLICA_TESTS=1 needs DATABASE_REPLICA_URL (the streaming replica)")
    primary, copy = connections["default"].settings_dict, connections[REPLICA].settings_dict
    assert connections["default"].vendor == connections[REPLICA].vendor == "postgresql"
    assert (copy["HOST"], copy["PORT"]) != (primary["HOST"], primary["PORT"]), "the replica URL names the primary"
    if copy["NAME"] != primary["NAME"]:
        copy["NAME"] = primary["NAME"]
        connections[REPLICA].close()
    wait_replayed()
    assert _replica_cursor_value("SELECT pg_is_in_recovery()") is True, "DATABASE_REPLICA_URL is not a standby"
    replica.forget_health()
    yield
    if _replica_cursor_value("SELECT pg_is_wal_replay_paused()"):
        _replica_cursor_value("SELECT pg_wal_replay_resume()")
    replica.forget_health()


def signed_in(user) -> Client:
    client = Client()
    sign_in(client, user)  # written on the primary without a POST through the site: this browser changed nothing
    return client


def tables(captured) -> str:
    return "\n".join(q["sql"] for q in captured.captured_queries)


def record_violation(client: Client, cast, description: str = "对群众态度生硬"):
    return client.post("/staff/accountability/new/", {
        "action": "record_violation", "staff": cast["window_b"].staff_profile.badge_number, "kind": "ATTITUDE",
        "occurred_on": timezone.localdate().isoformat(), "description": description})


def test_a_statistics_page_reads_from_the_replica_and_shows_the_lag(cast):
    """(a) the figures are read on the replica, not on the primary; (c) the page and the API name the lag."""
    leader = signed_in(cast["leader"])
    headers = api_token_headers(Client(), "leader")
    wait_replayed()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_primary:
        r = leader.get("/staff/stats/")
    assert r.status_code == 200
    assert "cases_case" in tables(on_replica) and "pg_last_wal_replay_lsn" in tables(on_replica)
    assert "cases_case" not in tables(on_primary)  # the primary served the session and the user only
    assert _replica_cursor_value("SELECT pg_is_in_recovery()") is True  # the connection used is the standby's
    page = r.content.decode()
    assert NOTE in page and 'id="replica-lag"' in page
    assert 0 <= float(r[LAG_HEADER]) <= settings.BIANMIN["REPLICA_MAX_LAG_SECONDS"]
    today = timezone.localdate().isoformat()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        api = Client().get("/api/v1/stats", {"from": today, "to": today}, headers=headers)
    assert api.status_code == 200 and float(api[LAG_HEADER]) >= 0 and "cases_case" in tables(on_replica)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        export = leader.get("/staff/stats/export.xlsx")
        overview = leader.get("/staff/overview/")
    assert export.content[:2] == b"PK" and LAG_HEADER in export and NOTE in overview.content.decode()
    assert "cases_case" in tables(on_replica)


def test_after_their_own_change_a_user_reads_from_the_primary_and_sees_it(cast):
    """(b) with the replica's replay paused, the writer sees the change at once (read on the primary), another
    user sees the replica's older figures until it replays; (d) the change itself never touched the replica."""
    supervisor, leader = signed_in(cast["supervisor"]), signed_in(cast["leader"])
    wait_replayed()
    assert "过错类型" not in leader.get("/staff/stats/").content.decode()
    _replica_cursor_value("SELECT pg_wal_replay_pause()")
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        posted = record_violation(supervisor, cast)
    assert posted.status_code == 302 and STICKY_COOKIE in posted.cookies
    assert not any(q["sql"].lstrip().upper().startswith(WRITES) for q in on_replica.captured_queries)
    deadline = time.monotonic() + WAIT_SECONDS
    while _replica_cursor_value("SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < deadline, "the replica did not pause"
        time.sleep(0.05)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        own = supervisor.get("/staff/stats/")
    assert on_replica.captured_queries == []  # decided by the cookie: not even the lag was asked
    assert "过错类型" in own.content.decode() and NOTE not in own.content.decode() and LAG_HEADER not in own
    other = leader.get("/staff/stats/").content.decode()
    assert NOTE in other and "过错类型" not in other  # the replica has not replayed the change yet
    _replica_cursor_value("SELECT pg_wal_replay_resume()")
    wait_replayed()
    assert "过错类型" in leader.get("/staff/stats/").content.decode()


def test_writes_never_go_to_the_replica(cast, org):
    """(d) inside a replica scope writes go to the primary (the replica would refuse them); the big screen's device
    touch is written on the primary while its payload is read on the replica."""
    wait_replayed()
    with replica_reads(None) as place:
        assert place.on_replica
        assert ReplicaRouter().db_for_write(RateCounter) == "default"
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            RateCounter.objects.create(key="written-in-scope", hits=[], expires_at=timezone.now())
            RateCounter.objects.filter(key="written-in-scope").update(hits=[1])
        assert tables(on_replica) == ""
    assert RateCounter.objects.get(key="written-in-scope").hits == [1]
    with pytest.raises(DatabaseError, match="read-only"), connections[REPLICA].cursor() as cursor:
        cursor.execute("INSERT INTO core_ratecounter (key, hits, expires_at) VALUES ('x', '[]', now())")
    connections[REPLICA].close()

    center, now = org["center"], timezone.now()
    open_counter(cast["post"].window, cast["window_a"].staff_profile, at_=now)
    ticket(service_type(center), 1, status=TicketStatus.CALLED, window=cast["post"].window, calls=1, called_at=now,
           issued_at=now)
    changed(center, now)
    device, token = screen_for(cast, center, now=now)
    HallDevice.objects.filter(pk=device.pk).update(last_seen_at=None)  # due a touch
    wait_replayed()
    screen = Client()
    screen.cookies["bianmin_screen"] = token
    with CaptureQueriesContext(connections[REPLICA]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_primary:
        r = screen.get("/screen/data/")
    assert r.status_code == 200 and r.json()["calls"][0]["number"] == "A001" and LAG_HEADER in r
    assert "hall_ticket" in tables(on_replica) and not any(
        q["sql"].lstrip().upper().startswith(WRITES) for q in on_replica.captured_queries)
    assert 'UPDATE "hall_halldevice"' in tables(on_primary)  # the device read and touched on the primary


def test_a_screen_change_the_replica_has_not_replayed_is_read_from_the_primary(cast, org):
    """The screen's payload is cached under the version read on the primary: built on a replica that has not
    replayed that version it would keep the old calls under the new ETag, so it is built on the primary."""
    center, now = org["center"], timezone.now()
    kind = service_type(center)
    open_counter(cast["post"].window, cast["window_a"].staff_profile, at_=now)
    device, token = screen_for(cast, center, now=now)
    wait_replayed()
    _replica_cursor_value("SELECT pg_wal_replay_pause()")
    ticket(kind, 1, status=TicketStatus.CALLED, window=cast["post"].window, calls=1, called_at=now, issued_at=now)
    changed(center, now)
    deadline = time.monotonic() + WAIT_SECONDS
    while _replica_cursor_value("SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < deadline, "the replica did not pause"
        time.sleep(0.05)
    screen = Client()
    screen.cookies["bianmin_screen"] = token
    with CaptureQueriesContext(connections["default"]) as on_primary:
        r = screen.get("/screen/data/")
    assert r.json()["calls"][0]["number"] == "A001"  # not the replica's empty hall
    assert "hall_ticket" in tables(on_primary)


def test_a_replica_that_is_too_far_behind_or_gone_is_not_read(cast, settings):
    """Failure: lag over the limit, unreachable at the health check, or gone in the middle of a read: the page is
    read from the primary and says nothing about a replica."""
    leader = signed_in(cast["leader"])
    wait_replayed()
    settings.BIANMIN = {**settings.BIANMIN, "REPLICA_MAX_LAG_SECONDS": -1}
    r = leader.get("/staff/stats/")
    assert r.status_code == 200 and NOTE not in r.content.decode() and LAG_HEADER not in r
    settings.BIANMIN = {**settings.BIANMIN, "REPLICA_MAX_LAG_SECONDS": 30}
    assert NOTE in leader.get("/staff/stats/").content.decode()  # healthy again, and remembered for 2 s

    copy = connections[REPLICA].settings_dict
    port = copy["PORT"]
    try:
        copy["PORT"] = 1  # nothing listens there: the replica has gone away in the middle of the 2 s
        connections[REPLICA].close()
        with CaptureQueriesContext(connections["default"]) as on_primary:
            r = leader.get("/staff/stats/")
        assert r.status_code == 200 and NOTE not in r.content.decode() and LAG_HEADER not in r
        assert "cases_case" in tables(on_primary)  # read again on the primary
        replica.forget_health()  # and at the next health check it is still unreachable
        r = leader.get("/staff/stats/")
        assert r.status_code == 200 and NOTE not in r.content.decode()
    finally:
        copy["PORT"] = port
        connections[REPLICA].close()
        replica.forget_health()
    assert NOTE in leader.get("/staff/stats/").content.decode()
