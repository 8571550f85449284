"""Sign-in limits: per username (5 failures lock it for 30 minutes) and per client address (20 failures in 15
minutes refuse further tries from it), shared by the password step, the second-factor step and token issue."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import F

from bianmin.audit.models import AuditAction
from bianmin.audit.services import record
from bianmin.core.errors import DomainError

from .models import AddressThrottle, LoginThrottle
from .revocation import end_sessions_and_tokens

GENERIC_LOGIN_ERROR = "用户名或密码不正确，或账号已被临时锁定（连续失败5次锁定30分钟，可联系安全管理员解锁）"
THROTTLED_ERROR = "来自本机所在网络的登录失败次数过多，请稍后再试"


def _cfg(key: str):
    return settings.BIANMIN[key]


class LoginFailed(DomainError):
    code = "login_failed"
    status = 401


class LoginThrottled(DomainError):
    code = "login_throttled"
    status = 429


def burn_password_hash(password: str) -> None:
    """Spend what checking a password costs, so that a locked account answers as slowly as a wrong password."""
    make_password(password or "")


def reserve_address_attempt(ip: str | None, *, now: dt.datetime, username: str = "") -> bool:
    """Count one attempt from ``ip`` before the credentials are checked; return False when the address has used up
    its failures for the current window (the caller then refuses without checking anything).

    Counting first (and giving the attempt back on success, ``give_back_address_attempt``) keeps the limit under
    parallel requests. The first refusal of a window is audited once.
    """
    if not ip:
        return True
    limit, window = _cfg("LOGIN_ADDRESS_FAILURES"), dt.timedelta(minutes=_cfg("LOGIN_ADDRESS_MINUTES"))
    with transaction.atomic():
        row = AddressThrottle.objects.select_for_update().filter(address=ip).first()
        if row is None:
            try:
                with transaction.atomic():
                    AddressThrottle.objects.create(address=ip, window_started_at=now, failures=1)
                return True
            except IntegrityError:  # created by a parallel request
                row = AddressThrottle.objects.select_for_update().get(address=ip)
        if now - row.window_started_at >= window:
            row.window_started_at, row.failures, row.refused_at = now, 0, None
        if row.failures >= limit:
            first_refusal = row.refused_at is None
            row.refused_at = row.refused_at or now
            row.save()
            if first_refusal:
                record(action=AuditAction.LOCKOUT, summary=f"来源地址 {ip} 登录失败过多，暂停受理其登录",
                       actor_username=username[:64], now=now, ip=ip,
                       data={"address": ip, "failures": row.failures, "minutes": _cfg("LOGIN_ADDRESS_MINUTES")})
            return False
        row.failures += 1
        row.save()
    return True


def give_back_address_attempt(ip: str | None) -> None:
    """Return the attempt counted by ``reserve_address_attempt``: it succeeded."""
    if ip:
        AddressThrottle.objects.filter(address=ip, failures__gt=0).update(failures=F("failures") - 1)


def locked_throttle(username: str, *, now: dt.datetime) -> tuple[LoginThrottle, bool]:
    """Return the username's throttle row, locked for update, and whether it is locked out now."""
    throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=username[:150])
    return throttle, throttle.locked_until is not None and throttle.locked_until > now


def count_failure(throttle: LoginThrottle, *, now: dt.datetime, ip: str | None, summary: str, data: dict) -> None:
    """Count one failure against the username and audit it; the failure that reaches ``LOCKOUT_FAILURES`` locks
    the username for ``LOCKOUT_MINUTES`` and ends every session and token of the account."""
    username = throttle.username
    throttle.failures += 1
    throttle.last_failure_at = now
    lock_now = throttle.failures >= _cfg("LOCKOUT_FAILURES")
    until = now + dt.timedelta(minutes=_cfg("LOCKOUT_MINUTES"))
    if lock_now:
        throttle.locked_until = until
    throttle.save()
    record(action=AuditAction.LOGIN_FAILED, summary=summary, actor_username=username[:64], now=now, ip=ip,
           data={**data, "failures": throttle.failures})
    if lock_now:
        user = get_user_model().objects.filter(username=username).first()
        ended = end_sessions_and_tokens(user) if user is not None else 0
        record(action=AuditAction.LOCKOUT, summary=f"账号因连续登录失败被锁定：{username}",
               actor_username=username[:64], now=now, ip=ip,
               data={"until": until.isoformat(), "tokens_ended": ended})


def clear_failures(throttle: LoginThrottle) -> None:
    """Forget the username's failures after a complete sign-in."""
    if throttle.failures or throttle.locked_until:
        throttle.failures = 0
        throttle.locked_until = None
        throttle.save()
