"""Throttled public lookup (SECURITY.md "Public site"; docs/decisions/0019).

At most 10 lookups a minute per client address, and 5 wrong codes a case per address an hour; the right code
always works, so nobody can lock a citizen out. Each limit is checked and recorded in one locked step
(``core.ratelimit``), so it holds when requests race.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from bianmin.core.errors import DomainError, NotFound
from bianmin.core.ratelimit import address_key, hit

from .selectors import PublicStatus, public_lookup

PER_IP_PER_MINUTE = 10
WRONG_PER_CASE_PER_HOUR = 5

T = TypeVar("T")


class TooManyRequests(DomainError):
    """The client asked too often; ``retry_after`` says in how many seconds it may ask again."""

    code = "too_many_requests"
    status = 429

    def __init__(self, message: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


def lookup_with_throttle(number: str, code: str, *, ip: str | None, now: dt.datetime) -> PublicStatus:
    """Return the public status of case ``number`` when ``code`` is its query code.

    Raises NotFound for a wrong code and for an unknown number alike, and TooManyRequests when the address made
    10 lookups in the last minute, or made 5 wrong tries on this number in the last hour and tries a wrong code
    again (a right code still answers).
    """
    return throttled(public_lookup, number, code, ip=ip, now=now)


def throttled(find: Callable[[str, str], T | None], number: str, code: str, *, ip: str | None,
              now: dt.datetime) -> T:
    """Return ``find(number, code)`` under the public lookup's limits, shared by every kind of number (a case, a
    relay request): one count of lookups per address, one count of wrong codes per address and number.

    ``find`` answers None for an unknown number and a wrong code alike. Raises NotFound for None, and
    TooManyRequests as ``lookup_with_throttle`` says."""
    number = (number or "").strip().upper()[:32]
    address = address_key(ip)
    if not hit(f"lookup:{address}", limit=PER_IP_PER_MINUTE, window=dt.timedelta(minutes=1), now=now):
        raise TooManyRequests("查询过于频繁，请一分钟后再试", retry_after=60)
    status = find(number, code)
    if status is not None:
        return status
    if not hit(f"lookup-wrong:{address}:{number}", limit=WRONG_PER_CASE_PER_HOUR, window=dt.timedelta(hours=1),
               now=now):
        raise TooManyRequests("该办件的查询码输错次数过多，请一小时后再试，或凭回执到窗口查询", retry_after=3600)
    raise NotFound("办件编号或查询码不正确")
