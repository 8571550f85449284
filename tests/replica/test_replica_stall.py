"""A replica whose WAL stops arriving while its receiver still says "streaming" (a network stall) is lagging, not
0 s behind (core.replica: the lag is measured against the primary's position). With the real streaming replica of
``.ci/run`` (see test_replica.py); the stall is the primary's WAL sender stopped with SIGSTOP: the connection stays
open, the replica's receiver stays "streaming" (until wal_receiver_timeout) and receives nothing."""
from __future__ import annotations

import os
import signal
import time

import pytest
from django.db import connections
from django.utils import timezone

from bianmin.core import replica
from bianmin.core.models import RateCounter
from bianmin.core.replica import REPLICA

from .test_replica import NOTE, WAIT_SECONDS, _replica_cursor_value, real_replica, signed_in, wait_replayed

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(os.environ.get("BIANMIN_REPLICA_TESTS") != "1",
                       reason="needs a streaming replica: BIANMIN_REPLICA_TESTS=1 and DATABASE_REPLICA_URL (.ci/run)"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]
__all__ = ["real_replica"]  # the module's autouse fixture: the replica connected and caught up before each test


def _primary_value(sql: str):
    with connections["default"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _wal_sender() -> int:
    """The primary's WAL sender process (on this machine: .ci/run starts both servers on loopback)."""
    pids = [pid for (pid,) in _fetch_all("SELECT pid FROM pg_stat_replication")]
    assert len(pids) == 1, f"expected one WAL sender on the primary, found {pids}"
    if not os.path.exists(f"/proc/{pids[0]}"):
        pytest.skip("the primary runs on another machine: its WAL sender cannot be stopped from here")
    return pids[0]


def _fetch_all(sql: str) -> list:
    with connections["default"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_a_replica_that_receives_nothing_while_streaming_is_not_read(cast, settings):
    settings.BIANMIN = {**settings.BIANMIN, "REPLICA_MAX_LAG_SECONDS": 1}
    leader = signed_in(cast["leader"])
    RateCounter.objects.create(key="before-the-stall", hits=[], expires_at=timezone.now())
    wait_replayed()
    assert NOTE in leader.get("/staff/stats/").content.decode()  # caught up: read on the replica
    sender = _wal_sender()
    try:
        os.kill(sender, signal.SIGSTOP)
    except PermissionError:
        pytest.skip("the primary's WAL sender belongs to another user: run as root (as .ci/run does)")
    try:
        RateCounter.objects.create(key="during-the-stall", hits=[], expires_at=timezone.now())
        time.sleep(1.5)  # the last transaction the replica replayed is now older than the 1 s allowed
        target = _primary_value("SELECT pg_current_wal_flush_lsn()::text")
        assert _replica_cursor_value("SELECT status FROM pg_stat_wal_receiver") == "streaming"
        assert _replica_cursor_value("SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()") is True
        assert _replica_cursor_value("SELECT pg_last_wal_replay_lsn() < %s::pg_lsn", [target]) is True
        replica.forget_health()
        place = replica.choose(None)
        assert place.reason == "lagging" and place.lag_seconds is not None and place.lag_seconds > 1
        page = leader.get("/staff/stats/").content.decode()
        assert NOTE not in page  # read from the primary
    finally:
        os.kill(sender, signal.SIGCONT)
        connections[REPLICA].close()
    deadline = time.monotonic() + WAIT_SECONDS
    while not _replica_cursor_value("SELECT count(*) FROM core_ratecounter WHERE key = 'during-the-stall'"):
        assert time.monotonic() < deadline, "the replica did not catch up after the stall"
        time.sleep(0.05)
    wait_replayed()
    assert NOTE in leader.get("/staff/stats/").content.decode()  # caught up again: read on the replica
