"""The second factor: TOTP (django-otp's ``otp_totp``) with ten one-time recovery codes (``otp_static``).

Enrolment, the check at sign-in (web and API token) and removal on a security administrator's reset. The check
tries each kind of device the user holds, so another kind (an SM2 certificate) can be added beside TOTP.
"""
from __future__ import annotations

import datetime as dt
import re
import time
from base64 import b32encode
from binascii import unhexlify
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.errors import Conflict, DomainError

from .throttles import (
    GENERIC_LOGIN_ERROR,
    THROTTLED_ERROR,
    LoginFailed,
    LoginThrottled,
    clear_failures,
    count_failure,
    give_back_address_attempt,
    locked_throttle,
    reserve_address_attempt,
)

if TYPE_CHECKING:
    from bianmin.users.models import User

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "动态验证码"
RECOVERY_NAME = "恢复码"
OTP_FIELD_MESSAGE = "请填写动态验证码（6位数字）或一个恢复码"
ALREADY_ENROLLED = "该账号已绑定动态验证码；如需更换，请联系安全管理员重置"


class SecondFactorRequired(DomainError):
    code = "otp_required"
    status = 401


class SecondFactorFailed(DomainError):
    code = "otp_invalid"
    status = 401


def has_second_factor(user: User) -> bool:
    """Return whether ``user`` has a confirmed TOTP device."""
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


def new_secret() -> str:
    """Return a new random TOTP secret (20 bytes, hex as django-otp stores it)."""
    return str(random_hex(20))


def secret_base32(key: str) -> str:
    """Return the secret as the base32 text an authenticator app accepts when typed in."""
    return b32encode(unhexlify(key)).decode()


def provisioning_uri(user: User, key: str) -> str:
    """Return the ``otpauth://`` URI of the secret for the QR code."""
    return str(TOTPDevice(user=user, key=key).config_url)


def recovery_codes_left(user: User) -> int:
    """Return how many unused recovery codes ``user`` has."""
    return int(StaticToken.objects.filter(device__user_id=user.pk).count())


def _normalise(code: str | None) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ``RECOVERY_CODE_COUNT`` new ones and return them."""
    StaticDevice.objects.filter(user_id=user.pk).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes: list[str] = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def enrol_second_factor(*, user: User, key: str, code: str, now: dt.datetime,
                        ip: str | None = None) -> tuple[TOTPDevice, list[str]]:
    """Bind the TOTP secret ``key`` to ``user`` once ``code`` shows their app holds it; return the device and the
    ten recovery codes (shown once, never again).

    Raises DomainError naming ``code`` for a wrong code, Conflict when the user already has a second factor
    (only a security administrator's reset removes it).
    """
    if has_second_factor(user):
        raise Conflict(ALREADY_ENROLLED)
    code = _normalise(code)
    totp = TOTP(unhexlify(key))
    totp.time = time.time()  # django-otp reads the real clock; ``now`` is used for the audit row
    if not (code.isdigit() and len(code) == 6 and totp.verify(int(code), tolerance=1)):
        raise DomainError.for_field("code", "验证码不正确：请确认已扫描本页二维码，且手机时间准确")
    with audited_atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one enrolment at a time
        if has_second_factor(user):
            raise Conflict(ALREADY_ENROLLED)
        TOTPDevice.objects.filter(user_id=user.pk).delete()
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=key, confirmed=True, last_t=totp.t(),
                                           drift=totp.drift)
        codes = _recovery_codes(user)
        record(action=AuditAction.OTP_ENROLLED, summary=f"绑定动态验证码：{user.get_username()}", actor=user,
               obj=user, now=now, ip=ip, data={"recovery_codes": len(codes)})
    return device, codes


def _matching_device(user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """Return the device that accepts ``code`` (a TOTP code, or a recovery code, which is used up), or None."""
    if code.isdigit() and len(code) == 6:
        for device in TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
        return None
    for device in StaticDevice.objects.devices_for_user(user, confirmed=True).select_for_update():
        if device.verify_token(code):
            return device
    return None


def verify_second_factor(*, user: User, code: str | None, now: dt.datetime, ip: str | None = None,
                         channel: str = "web") -> TOTPDevice | StaticDevice:
    """Return the device that accepts ``code`` for ``user`` (who has passed the password step).

    Failures count against the username's lockout and the client address's limit like wrong passwords.
    Raises SecondFactorRequired (no code given), SecondFactorFailed naming ``otp`` (wrong or used code),
    LoginFailed (the username is locked), LoginThrottled (the address is over its limit).
    """
    code = _normalise(code)
    if not code:
        raise SecondFactorRequired("该账号须验证第二因素：请在 otp 中填写动态验证码或恢复码",
                                   fields={"otp": [OTP_FIELD_MESSAGE]})
    username = user.get_username()
    if not reserve_address_attempt(ip, now=now, username=username):
        raise LoginThrottled(THROTTLED_ERROR)
    failed = locked = False
    device = None
    with audited_atomic():
        throttle, locked = locked_throttle(username, now=now)
        if locked:
            record(action=AuditAction.LOGIN_FAILED, summary=f"锁定期间尝试验证第二因素：{username}",
                   actor_username=username[:64], now=now, ip=ip,
                   data={"channel": channel, "step": "second_factor", "locked": True})
        else:
            device = _matching_device(user, code)
            if device is None:
                failed = True
                count_failure(throttle, now=now, ip=ip, summary=f"第二因素验证失败：{username}",
                              data={"channel": channel, "step": "second_factor"})
            else:
                clear_failures(throttle)
                kind = "recovery_code" if isinstance(device, StaticDevice) else "totp"
                data: dict[str, object] = {"channel": channel, "step": "second_factor", "device": kind}
                if kind == "recovery_code":
                    data["recovery_codes_left"] = recovery_codes_left(user)
                record(action=AuditAction.LOGIN, summary=f"第二因素验证通过：{username}", actor=user, now=now,
                       ip=ip, data=data)
    if locked:
        raise LoginFailed(GENERIC_LOGIN_ERROR)
    if failed:
        raise SecondFactorFailed("动态验证码或恢复码不正确（每个验证码和恢复码只能使用一次）",
                                 fields={"otp": ["验证码不正确或已使用"]})
    give_back_address_attempt(ip)
    return device


def remove_second_factor(user: User) -> bool:
    """Delete every second-factor device of ``user`` (a security administrator's reset); return whether there
    was one. Call inside the caller's transaction; the user enrols anew at the next sign-in."""
    removed, _ = TOTPDevice.objects.filter(user_id=user.pk).delete()
    static, _ = StaticDevice.objects.filter(user_id=user.pk).delete()
    return bool(removed or static)


def mark_session_verified(request: HttpRequest, device: TOTPDevice | StaticDevice) -> None:
    """Record in the session that its user passed the second factor with ``device``."""
    otp_login(request, device)


def session_verified(request: HttpRequest) -> bool:
    """Return whether this session passed the second factor (every reset, role change or lock ends sessions)."""
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(DEVICE_ID_SESSION_KEY))


def forget_session_verification(request: HttpRequest) -> None:
    """Drop the second-factor mark (a new password sign-in must pass it again)."""
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
