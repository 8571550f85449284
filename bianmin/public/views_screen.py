"""The hall's big screen and the activation of screens and ticket kiosks (decision 0025 §4), without a login: the
device is bound by its token (``public.devices``).

``/screen/`` renders the screen (1920×1080, a TV's browser); static/js/hall_screen.js polls ``/screen/data/`` every
``POLL_SECONDS`` with the ETag of what it shows, and gets a 304 after one query when nothing changed."""
from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bianmin.core.errors import DomainError
from bianmin.core.http import client_ip
from bianmin.core.replica import read_from_replica
from bianmin.core.timeutils import now
from bianmin.hall.devices import activate_device, screen_version
from bianmin.hall.models import DeviceKind
from bianmin.hall.screen import cached_payload, etag_matches, screen_etag

from .devices import forget_device_cookie, kiosk_device, screen_device, set_device_cookie

__all__ = ["kiosk_activate", "kiosk_device", "screen", "screen_activate", "screen_data"]

POLL_SECONDS = 2
DENSE_FROM = 15  # more open windows than this: smaller cards, four a row


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"  # as static/js/hall_screen.js draws it


def _to_activation(kind: str) -> HttpResponse:
    response = redirect("public:screen_activate" if kind == DeviceKind.SCREEN else "public:kiosk_activate")
    forget_device_cookie(response, kind)
    return response


@never_cache
@require_GET
def screen(request):
    """The big screen: the calls, who is at each window, today's counts, the bulletins."""
    moment = now()
    device = screen_device(request, moment)
    if device is None:
        return _to_activation(DeviceKind.SCREEN)
    version = screen_version(device)  # the device (touched on the primary) first, the payload from the replica
    payload = read_from_replica(request, lambda: cached_payload(device.unit, moment, version=version))
    return render(request, "public/screen.html", {
        "device": device, "data": payload, "current": payload["calls"][0] if payload["calls"] else None,
        "earlier": payload["calls"][1:], "poll_seconds": POLL_SECONDS, "dense_from": DENSE_FROM,
        "time_zone": settings.TIME_ZONE,
        "on_time_text": _percent(payload["counts"]["on_time_rate"])})


@never_cache
@require_GET
def screen_data(request):
    """The screen's data, polled by static/js/hall_screen.js: 304 when ``If-None-Match`` names the current ETag
    (one query), else the payload (cached per center and ETag); 401 for a revoked or unknown screen."""
    moment = now()
    device = screen_device(request, moment)
    if device is None:
        return JsonResponse({"active": False}, status=401)
    version = screen_version(device)
    etag = screen_etag(version, moment)
    if etag_matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponseNotModified()
    else:
        payload = read_from_replica(request, lambda: cached_payload(device.unit, moment, version=version))
        response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["ETag"] = etag
    return response


def _activate(request, kind: str):
    error, status, retry_after = "", 200, None
    if request.method == "POST":
        try:
            device, token = activate_device(code=request.POST.get("code", ""), kind=kind, ip=client_ip(request),
                                            now=now())
        except DomainError as exc:
            details = "".join(f"（{m}）" for ms in exc.fields.values() for m in ms if m != exc.message)
            error, status = exc.message + details, exc.status
            retry_after = getattr(exc, "retry_after", None)
        else:
            target = "public:screen" if kind == DeviceKind.SCREEN else "public:kiosk"
            try:
                response: HttpResponse = redirect(reverse(target))
            except NoReverseMatch:  # the kiosk's own pages are not routed yet: say it worked
                response = render(request, "public/device_activate.html", {"kind": kind, "done": device})
            set_device_cookie(response, request, kind, token)
            return response
    response = render(request, "public/device_activate.html", {"kind": kind, "error": error}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def screen_activate(request):
    """Bind this TV to a center's big screen with the supervisor's one-time code."""
    return _activate(request, DeviceKind.SCREEN)


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_activate(request):
    """Bind this terminal to a center's ticket kiosk with the supervisor's one-time code."""
    return _activate(request, DeviceKind.KIOSK)
