"""The device cookies of the hall's screens and ticket kiosks (decision 0025 §4): set once when the device is
activated with the supervisor's one-time code, read on every request of the device. The token is long-lived (the
device stays bound until a supervisor revokes it), HttpOnly, Secure in production and SameSite=Lax; its path is
``/`` so that the device's API calls (``/api/v1/hall/...``) carry it too."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from bianmin.hall.devices import COOKIE_NAMES, device_for_token
from bianmin.hall.models import DeviceKind, HallDevice

SCREEN_COOKIE = COOKIE_NAMES[DeviceKind.SCREEN]
KIOSK_COOKIE = COOKIE_NAMES[DeviceKind.KIOSK]
COOKIES: dict[str, str] = COOKIE_NAMES
COOKIE_DAYS = 5 * 365


def set_device_cookie(response: HttpResponse, request: HttpRequest, kind: str, token: str) -> None:
    """Bind the browser to the device: its token in an HttpOnly, SameSite=Lax cookie, Secure in production."""
    response.set_cookie(COOKIES[kind], token, max_age=COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE, path="/")


def forget_device_cookie(response: HttpResponse, kind: str) -> None:
    response.delete_cookie(COOKIES[kind], path="/", samesite="Lax")


def screen_device(request: HttpRequest, now: dt.datetime) -> HallDevice | None:
    """Return the active big screen bound to this browser (its ``hall_version`` read in the same query), or None."""
    return device_for_token(request.COOKIES.get(SCREEN_COOKIE), kind=DeviceKind.SCREEN, now=now)


def kiosk_device(request: HttpRequest, now: dt.datetime) -> HallDevice | None:
    """Return the active ticket kiosk bound to this browser, or None (unknown, revoked, or not a kiosk): the kiosk
    pages send a browser without one to ``public:kiosk_activate``."""
    return device_for_token(request.COOKIES.get(KIOSK_COOKIE), kind=DeviceKind.KIOSK, now=now)
