"""Sliding-window limits kept in the database (core.ratelimit)."""
import datetime as dt

import pytest

from bianmin.core.models import RateCounter
from bianmin.core.ratelimit import PURGE_AFTER, address_key, hit

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def test_at_most_limit_hits_in_any_window():
    seconds = dt.timedelta(seconds=1)
    assert all(hit("k", limit=3, window=MINUTE, now=T0 + i * 20 * seconds) for i in range(3))  # 0, 20, 40 s
    assert not hit("k", limit=3, window=MINUTE, now=T0 + 59 * seconds)  # three inside the last 60 s
    assert hit("k", limit=3, window=MINUTE, now=T0 + 61 * seconds)  # the first one has left the window
    assert not hit("k", limit=3, window=MINUTE, now=T0 + 62 * seconds)
    assert hit("other", limit=3, window=MINUTE, now=T0 + 62 * seconds)  # keys are counted apart


def test_refused_hits_are_not_recorded():
    for _ in range(5):
        hit("k", limit=2, window=MINUTE, now=T0)
    assert len(RateCounter.objects.get(key="k").hits) == 2
    assert hit("k", limit=2, window=MINUTE, now=T0 + MINUTE + dt.timedelta(seconds=1))


def test_stale_counters_are_purged_as_new_keys_arrive():
    hit("old", limit=2, window=MINUTE, now=T0)
    hit("new", limit=2, window=MINUTE, now=T0 + MINUTE + PURGE_AFTER + dt.timedelta(seconds=1))
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.parametrize("ip,key", [("198.51.100.7", "198.51.100.7"), ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
                                    ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"), (None, "unknown"), ("x", "unknown")])
def test_address_keys_group_an_ipv6_subscriber(ip, key):
    assert address_key(ip) == key
