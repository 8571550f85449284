"""Limits that hold under parallel requests on several stateless nodes (docs/decisions/0019).

A limit is "at most ``limit`` hits in any ``window``", kept per key in one ``RateCounter`` row: the row is locked
(``SELECT … FOR UPDATE``; SQLite serialises writers with ``BEGIN IMMEDIATE``) while the hits still inside the
window are counted and the new one is recorded, so check and record are one step and a burst of parallel
requests lets exactly ``limit`` through. Refused hits are not recorded.
"""
from __future__ import annotations

import datetime as dt
import ipaddress

from django.db import IntegrityError, transaction

from .models import RateCounter

PURGE_AFTER = dt.timedelta(hours=1)  # rows idle this long after their window are deleted, a few at a time
PURGE_BATCH = 100


def address_key(ip: str | None) -> str:
    """Return the throttle key of a client address: IPv4 as is, IPv6 by its /64 (one subscriber's prefix)."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def hit(key: str, *, limit: int, window: dt.timedelta, now: dt.datetime) -> bool:
    """Record a hit on ``key`` and return True, or return False (recording nothing) when ``limit`` hits already
    fall inside the ``window`` before ``now``."""
    key = key[:200]
    stamp, cutoff = now.timestamp(), (now - window).timestamp()
    with transaction.atomic():
        row = _locked(key, now)
        recent = [t for t in row.hits if t > cutoff]  # another node's clock may run ahead: keep those
        allowed = len(recent) < limit
        if allowed:
            recent.append(stamp)
        row.hits = recent[-limit:]
        row.expires_at = dt.datetime.fromtimestamp(max(recent, default=stamp), tz=dt.UTC) + window
        row.save(update_fields=["hits", "expires_at"])
    return allowed


def _locked(key: str, now: dt.datetime) -> RateCounter:
    for _ in range(3):
        row = RateCounter.objects.select_for_update().filter(key=key).first()
        if row is not None:
            return row
        try:
            with transaction.atomic():  # a savepoint: a concurrent creator's row wins, then we lock theirs
                row = RateCounter.objects.create(key=key, hits=[], expires_at=now)
        except IntegrityError:
            continue
        _purge(now)  # new keys arrive about as fast as old ones go stale: a few deletions each keep pace
        return row
    raise RuntimeError(f"rate counter {key!r} could not be locked")  # pragma: no cover - deleted three times over


def _purge(now: dt.datetime) -> None:
    stale = (RateCounter.objects.select_for_update(skip_locked=True)
             .filter(expires_at__lt=now - PURGE_AFTER).values_list("pk", flat=True)[:PURGE_BATCH])
    RateCounter.objects.filter(pk__in=list(stale)).delete()
