"""Throttled public lookup (SECURITY.md: 10 lookups a minute per IP, 5 wrong codes a case an hour)."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from bianmin.core.errors import DomainError, NotFound

from .models import LookupAttempt
from .selectors import PublicStatus, public_lookup

PER_IP_PER_MINUTE = 10
WRONG_PER_CASE_PER_HOUR = 5


class TooManyRequests(DomainError):
    code = "too_many_requests"
    status = 429


def lookup_with_throttle(number: str, code: str, *, ip: str | None, now: dt.datetime) -> PublicStatus:
    """Return the public status or raise NotFound (same answer for wrong code and unknown number)."""
    number = (number or "").strip().upper()[:32]
    if ip and LookupAttempt.objects.filter(ip=ip, at__gte=now - dt.timedelta(minutes=1)).count() \
            >= PER_IP_PER_MINUTE:
        raise TooManyRequests("查询过于频繁，请一分钟后再试")
    wrong = LookupAttempt.objects.filter(number=number, success=False, at__gte=now - dt.timedelta(hours=1)).count()
    status = public_lookup(number, code) if wrong < WRONG_PER_CASE_PER_HOUR else None
    with transaction.atomic():
        LookupAttempt.objects.create(at=now, ip=ip, number=number, success=status is not None)
    if status is None:
        raise NotFound("办件编号或查询码不正确")
    return status
