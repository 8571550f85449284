"""What app nodes share (issue 16 item 3): the cache is a database table, made by a migration, that every node sees.

The test settings keep the local-memory cache (fast, no database needed); these tests switch to the database cache
of config/settings/base.py and run its two users against it: the big screen's payload and the leader's overview."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

from bianmin.cases import services as svc
from bianmin.hall import screen as screen_module
from bianmin.hall.screen import cached_payload
from bianmin.hall.tests.screen_helpers import NOON, changed, open_counter, service_type, ticket
from bianmin.sweep.services import run_sweep
from bianmin.testing.factories import ALL_GOOD, applicant
from config.settings import base, bench
from conftest import sign_in

pytestmark = pytest.mark.django_db
TABLE = base.CACHES["default"]["LOCATION"]


@pytest.fixture
def shared_cache(settings):
    """The deployed cache (base.py's CACHES) in place of the test settings' local memory."""
    settings.CACHES = base.CACHES
    from django.core.cache import cache

    cache.clear()
    return cache


def other_node() -> DatabaseCache:
    """The cache as another node's process opens it: a new backend object on the same table."""
    return DatabaseCache(TABLE, {})


def rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(TABLE)}")  # noqa: S608 - a setting
        return cursor.fetchone()[0]


def test_deployed_settings_use_the_database_cache_made_by_migrate():
    assert base.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert bench.CACHES == base.CACHES  # the benchmark measures what production runs
    assert TABLE in connection.introspection.table_names()  # migrate made it (core 0003), not createcachetable
    columns = {c.name for c in connection.introspection.get_table_description(connection.cursor(), TABLE)}
    assert columns == {"cache_key", "value", "expires"}


def test_the_big_screen_payload_is_built_once_for_every_node(shared_cache, cast, org, monkeypatch):
    center = org["center"]
    open_counter(cast["post"].window, cast["window_a"].staff_profile)
    ticket(service_type(center), 1)
    changed(center)
    builds = []
    real = screen_module.screen_payload
    monkeypatch.setattr(screen_module, "screen_payload", lambda *a, **k: builds.append(1) or real(*a, **k))
    first = cached_payload(center, NOON, version=1)
    assert rows() == 1 and len(builds) == 1
    key = f"hall-screen:{center.pk}:{screen_module.screen_etag(1, NOON).strip(chr(34))}"
    assert other_node().get(key) == first  # what node 2 finds: the same payload, not built again
    assert cached_payload(center, NOON + dt.timedelta(seconds=30), version=1) == first and len(builds) == 1


FRIDAY = dt.datetime(2026, 9, 25, 1, 0, tzinfo=dt.UTC)
AFTER = dt.datetime(2026, 10, 19, 2, 0, tzinfo=dt.UTC)


@time_machine.travel(AFTER, tick=False)
def test_the_overview_counts_are_shared_by_the_nodes_for_a_minute(shared_cache, client, cast, item):
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=FRIDAY)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=FRIDAY)
    svc.start_case(actor=cast["window_a"], number=case.number, now=FRIDAY)
    run_sweep(now=AFTER)
    sign_in(client, cast["leader"])
    assert '<strong>1</strong> 红色预警' in client.get("/staff/overview/").content.decode()
    assert rows() == 1
    cached = [k for k in _keys() if "overview:" in k]
    assert len(cached) == 1 and other_node().get(cached[0].split(":", 2)[2])["as_of"] == AFTER


def _keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(TABLE)}")  # noqa: S608 - a setting
        return [r[0] for r in cursor.fetchall()]


def test_an_api_writers_mark_is_seen_by_every_node_for_the_sticky_seconds(shared_cache, monkeypatch):
    """Read-your-writes for a bearer-token client (decision 0027, session 19): the node that answered the write marks
    the user in the table; another node's cache object sees the mark for at least the cookie's 5 s, then not."""
    from types import SimpleNamespace

    from django.http import HttpResponse
    from django.test import RequestFactory

    from bianmin.core import replica

    monkeypatch.setattr(replica, "configured", lambda: True)
    write = RequestFactory().post("/api/v1/cases")
    write.api_token, write.user = "raw", SimpleNamespace(pk=41)
    start = dt.datetime(2026, 3, 2, 2, 0, 0, 900_000, tzinfo=dt.UTC)  # late in a second: the table keeps whole ones
    with time_machine.travel(start, tick=False):
        replica.ReplicaMiddleware(lambda r: HttpResponse(status=201))(write)
        assert rows() == 1
    read = RequestFactory().get("/api/v1/stats")
    read.api_token, read.user = "raw", SimpleNamespace(pk=41)
    monkeypatch.setattr(replica, "caches", {replica.STICKY_CACHE: other_node()})  # the next request, on node B
    with time_machine.travel(start + dt.timedelta(seconds=5), tick=False):
        assert replica.api_writer(read)
    with time_machine.travel(start + dt.timedelta(seconds=7), tick=False):
        assert not replica.api_writer(read)
