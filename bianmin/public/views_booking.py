"""预约 pages without a login (decision 0025 §2): choose a center, its free slots of the bookable window by date with
the real-name booking form, the SMS code that confirms the booking, the printable confirmation, and the
cancellation by number and cancellation code.

The rules are ``hall.booking``'s: these views only call it. The services throttle per client address (a 429 page
with their message). The ID number typed is shown back only in the form that refused it; no later page shows it,
and the codes travel in posted forms, never in a URL."""
from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bianmin.cases.lookup import TooManyRequests
from bianmin.core.errors import DomainError
from bianmin.core.http import client_ip
from bianmin.core.masking import mask_name_public
from bianmin.core.paging import InvalidParameter
from bianmin.core.timeutils import now
from bianmin.hall.booking import (
    CENTER_KINDS,
    SlotView,
    book,
    cancel,
    confirm,
    free_slots,
    hall_setting,
    item_names,
    slots_view_allowed,
)
from bianmin.org.models import Unit

FIELDS = ("slot", "name", "id_number", "phone", "matter")


def _centers():
    return Unit.objects.filter(kind__in=CENTER_KINDS, is_active=True).order_by("path")


def _center(code: str) -> Unit:
    unit = _centers().select_related("region").filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def _item_param(request) -> int | None:
    raw = (request.GET.get("item") or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise InvalidParameter("item", "事项（item）应为事项编号")
    return int(raw)


def _by_date(views: list[SlotView]) -> list[tuple[dt.date, list[SlotView]]]:
    return [(day, list(group)) for day, group in groupby(views, key=lambda v: v.slot.date)]


def _limited(request, exc: TooManyRequests):
    response = render(request, "public/booking_limited.html", {"message": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _rules() -> dict[str, object]:
    return {name.lower(): hall_setting(name) for name in (
        "BOOK_MIN_DAYS", "BOOK_MAX_WORKING_DAYS", "BOOKING_HOLD_MINUTES", "CANCEL_MIN_HOURS", "CANCEL_RELEASE_MINUTES",
        "NO_SHOW_LIMIT", "NO_SHOW_DAYS")}


@require_GET
def booking_centers(request):
    """预约: choose the center."""
    return render(request, "public/booking_centers.html", {"centers": _centers(), "rules": _rules()})


@never_cache
@require_http_methods(["GET", "POST"])
def booking_slots(request, code: str):
    """The center's free slots of the bookable window grouped by date (full ones shown, not choosable), optionally
    for one item, and the booking form; a booking that is held shows the page asking for the SMS code."""
    unit = _center(code)
    item = _item_param(request)
    moment = now()
    posted = {f: request.POST.get(f, "") for f in FIELDS} if request.method == "POST" else {}
    if request.method != "POST" and not slots_view_allowed(client_ip(request), moment):
        return _limited(request, TooManyRequests("查询过于频繁，请稍候一分钟再试", retry_after=60))
    errors: dict[str, list[str]] = {}
    error, status = "", 200
    if request.method == "POST":
        try:
            appointment, _code = book(slot_id=posted["slot"], name=posted["name"], id_number=posted["id_number"],
                                      phone=posted["phone"], matter=posted["matter"], now=moment,
                                      ip=client_ip(request))
        except TooManyRequests as exc:
            return _limited(request, exc)
        except DomainError as exc:
            error, errors, status = exc.message, exc.fields, exc.status
        else:  # the code goes by SMS only; the page asks for it
            return render(request, "public/booking_code.html", {
                "appointment": appointment, "number": appointment.number, "phone": appointment.phone_masked,
                "rules": _rules()})
    every = free_slots(unit, moment)
    names = item_names(v.slot.item_id for v in every)
    shown = every if item is None else free_slots(unit, moment, item_id=item)
    for v in shown:
        v.slot.item_name = names.get(v.slot.item_id or 0, "")  # type: ignore[attr-defined]
    items = sorted(names.items())
    return render(request, "public/booking_slots.html", {
        "unit": unit, "days": _by_date(shown), "items": items, "item": item, "posted": posted, "errors": errors,
        "error": error, "rules": _rules()}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def booking_confirm(request):
    """Enter the code sent by SMS: a right one confirms the held booking and shows the printable confirmation."""
    data = request.POST if request.method == "POST" else request.GET
    number = (data.get("number") or data.get("n") or "").strip()[:32]
    ctx: dict[str, object] = {"number": number, "errors": {}, "error": "", "rules": _rules()}
    status = 200
    if request.method == "POST":
        try:
            appointment, _cancel_code = confirm(number=number, code=request.POST.get("code", "")[:32], now=now(),
                                                ip=client_ip(request))
        except TooManyRequests as exc:
            return _limited(request, exc)
        except DomainError as exc:
            ctx["error"], ctx["errors"], status = exc.message, exc.fields, exc.status
        else:
            slot = appointment.slot
            slot.item_name = item_names([slot.item_id]).get(slot.item_id or 0, "")
            return render(request, "public/booking_done.html", {
                "a": appointment, "slot": appointment.slot, "unit": appointment.slot.unit,
                "name": mask_name_public(appointment.name), "phone": appointment.phone_masked, "rules": _rules()})
    return render(request, "public/booking_code.html", ctx, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def booking_cancel(request):
    """Cancel a booking with its number and the cancellation code (at least the set hours before it starts)."""
    number = (request.POST.get("number") or request.GET.get("n") or "").strip()[:32]
    ctx: dict[str, object] = {"number": number, "errors": {}, "error": "", "done": None, "rules": _rules()}
    status = 200
    if request.method == "POST":
        try:
            ctx["done"] = cancel(number=number, code=request.POST.get("code", "")[:32], now=now(),
                                 ip=client_ip(request))
        except TooManyRequests as exc:
            return _limited(request, exc)
        except DomainError as exc:
            ctx["error"], ctx["errors"], status = exc.message, exc.fields, exc.status
    return render(request, "public/booking_cancel.html", ctx, status=status)
