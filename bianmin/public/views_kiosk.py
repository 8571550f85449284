"""取号 without a login (issue 18 item 4, decision 0025 §3): the hall's ticket kiosk and the citizen's ticket page.

``/kiosk/`` runs on a touch terminal bound to a center by its device token (``public.devices``; activated at
``/kiosk/activate/``): choose a business type, or check a booking in (预约签到), and the kiosk shows the ticket with the
people ahead and the estimated wait, prints it (the browser's print dialog; a kiosk browser started with
``--kiosk-printing`` prints at once on its printer) and offers a QR code of ``/ticket/<center>/<yyyymmdd>/<number>/``,
where the citizen follows their place on a phone. A browser without a kiosk token gets no ticket: the page says how
to activate it. Tickets per kiosk and minute are limited (``BIANMIN["HALL"]["TICKETS_PER_KIOSK_MINUTE"]``).

The ticket page holds no personal data (a number, a business type, a window); it is limited per client address."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bianmin.core.errors import DomainError
from bianmin.core.http import client_ip
from bianmin.core.qr import qr_svg_data_uri
from bianmin.core.timeutils import now
from bianmin.hall import queue
from bianmin.hall.models import HallDevice, Ticket, TicketStatus
from bianmin.org.models import Unit

from .views_screen import kiosk_device

TICKET_REFRESH_SECONDS = 10  # the citizen's ticket page reloads itself this often while the ticket is in the queue
KIOSK_IDLE_SECONDS = 30  # the kiosk's ticket and check-in pages go back to the start after this
LIVE = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


def _error_text(exc: DomainError) -> str:
    details = "".join(f"（{m}）" for ms in exc.fields.values() for m in dict.fromkeys(ms) if m != exc.message)
    return exc.message + details


def _unbound(request, status: int = 200) -> HttpResponse:
    """A browser that is not a kiosk: how to bind it (and nothing else)."""
    return render(request, "public/kiosk_unbound.html", {"activate": reverse("public:kiosk_activate")},
                  status=status)


def _allowed(device: HallDevice, moment: dt.datetime) -> bool:
    """Count one ticket of this kiosk; False once it took ``TICKETS_PER_KIOSK_MINUTE`` in the last minute."""
    return queue.kiosk_ticket_allowed(device.pk, moment)


def _too_many(request, device: HallDevice, template: str, context: dict) -> HttpResponse:
    response = render(request, template, {**context, "device": device,
                                          "error": "取号过于频繁，请稍候一分钟再试；如需帮助请到咨询台"}, status=429)
    response["Retry-After"] = "60"
    return response


def _home(request, device: HallDevice, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(request, "public/kiosk.html", {
        "device": device, "types": queue.waiting_by_type(device.unit, now()), "error": error}, status=status)


@never_cache
@require_GET
def kiosk(request):
    """The kiosk's start page: the center's business types (with how many wait) and 预约签到."""
    device = kiosk_device(request, now())
    if device is None:
        return _unbound(request)
    return _home(request, device)


@never_cache
@require_POST
def kiosk_take(request):
    """Take a walk-in ticket of the chosen business type; then the ticket page."""
    moment = now()
    device = kiosk_device(request, moment)
    if device is None:
        return _unbound(request, status=403)
    if not _allowed(device, moment):
        return _too_many(request, device, "public/kiosk.html", {"types": queue.waiting_by_type(device.unit, moment)})
    try:
        ticket = queue.take_ticket(unit_id=device.unit_id, service_type_id=request.POST.get("service_type", ""),
                                   now=moment, kiosk=True)
    except DomainError as exc:
        return _home(request, device, error=_error_text(exc), status=exc.status)
    return redirect("public:kiosk_ticket", pk=ticket.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_check_in(request):
    """预约签到: the booking number and the last 4 digits of its phone give the booking's ticket."""
    moment = now()
    device = kiosk_device(request, moment)
    if device is None:
        return _unbound(request, status=403 if request.method == "POST" else 200)
    context = {"device": device, "number": "", "idle": KIOSK_IDLE_SECONDS * 2, "error": ""}
    if request.method == "GET":
        return render(request, "public/kiosk_checkin.html", context)
    context["number"] = request.POST.get("number", "").strip()[:20]
    if not _allowed(device, moment):
        return _too_many(request, device, "public/kiosk_checkin.html", context)
    try:
        ticket = queue.check_in(unit_id=device.unit_id, number=context["number"],
                                phone_last4=request.POST.get("phone_last4", "").strip()[:4], now=moment)
    except DomainError as exc:
        context["error"] = _error_text(exc)
        return render(request, "public/kiosk_checkin.html", context, status=exc.status)
    return redirect("public:kiosk_ticket", pk=ticket.pk)


def public_ticket_path(ticket: Ticket) -> str:
    return reverse("public:ticket", args=[ticket.unit.code, f"{ticket.day:%Y%m%d}", ticket.number])


@never_cache
@require_GET
def kiosk_ticket(request, pk: int):
    """The ticket just taken at this kiosk: number, people ahead, estimated wait, print, and the QR code."""
    moment = now()
    device = kiosk_device(request, moment)
    if device is None:
        return _unbound(request, status=403)
    ticket = (Ticket.objects.select_related("service_type", "unit", "window")
              .filter(pk=pk, unit_id=device.unit_id, day=timezone.localtime(moment).date()).first())
    if ticket is None:
        raise Http404
    base = str(settings.BIANMIN.get("PUBLIC_BASE_URL") or request.build_absolute_uri("/")).rstrip("/")
    link = base + public_ticket_path(ticket)
    return render(request, "public/kiosk_ticket.html", {
        "device": device, "ticket": ticket, "position": queue.position(ticket, moment), "link": link,
        "qr": qr_svg_data_uri(link), "idle": KIOSK_IDLE_SECONDS})


@never_cache
@require_GET
def ticket(request, unit_code: str, day: str, number: str):
    """The citizen's ticket on a phone: status, people ahead, estimated wait, and the window once called; it reloads
    itself every ``TICKET_REFRESH_SECONDS`` while the ticket is in the queue."""
    moment = now()
    if not queue.ticket_view_allowed(client_ip(request), moment):
        response = render(request, "public/ticket.html", {"error": "刷新过于频繁，请稍候一分钟再试"}, status=429)
        response["Retry-After"] = "60"
        return response
    try:
        date = dt.datetime.strptime(day, "%Y%m%d").date()  # noqa: DTZ007 - a calendar day, no time
    except ValueError:
        raise Http404 from None
    unit = Unit.objects.filter(code=unit_code[:32], is_active=True).first()
    found = queue.ticket_by_number(unit, number[:8], date) if unit is not None else None
    if found is None:
        raise Http404
    live = found.status in LIVE and found.day == timezone.localtime(moment).date()
    return render(request, "public/ticket.html", {
        "ticket": found, "position": queue.position(found, moment) if live else None, "live": live,
        "refresh": TICKET_REFRESH_SECONDS, "at": moment})
