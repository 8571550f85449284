"""The demo accounts' one TOTP secret (demo mode only), and ``python -m bianmin.demo.totp`` printing the current code.

Every demo account that must sign in with a second factor (administrators, leaders, supervisors) is enrolled with
this secret by ``seed_demo``: add it to any authenticator app (type it in, time-based, 6 digits, 30 s), or run
``.venv/bin/python -m bianmin.demo.totp``. Real accounts each get their own random secret at enrolment.
"""
from __future__ import annotations

import base64
import sys
import time

from django_otp.oath import TOTP

DEMO_TOTP_SECRET = "BIANMINDEMOTOTPSECRETYUNXI234567"  # noqa: S105 - base32, 20 bytes; synthetic demo data only


def demo_totp_key() -> str:
    """Return the secret as django-otp stores it (hex)."""
    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def current_code(at: float | None = None) -> str:
    """Return the 6-digit code of the demo secret now (or at the Unix time ``at``)."""
    totp = TOTP(base64.b32decode(DEMO_TOTP_SECRET))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def main() -> None:
    seconds_left = 30 - int(time.time()) % 30
    sys.stdout.write(f"{current_code()}  （演示动态验证码，还有 {seconds_left} 秒更新；密钥 {DEMO_TOTP_SECRET}）\n")


if __name__ == "__main__":
    main()
