"""预约 screens for staff (decision 0025 §2): the day's bookings at the centers in the clerk's scope (search, masked
ID and phone, pages) with 取消, 记爽约 and 签到取号; 电话预约 for a phone caller; and, for organisation managers,
opening slots over a date range and closing them.

The rules and the scope are ``hall.booking``'s (and ``hall.queue.check_in``'s): the views pass what was posted and
show what the services answer. A booking out of the clerk's scope answers 404 like a missing one."""
from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import QuerySet
from django.shortcuts import redirect, render

from bianmin.accounts.roles import Perm
from bianmin.catalog.selectors import current_versions
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.paging import InvalidParameter, page_of
from bianmin.core.timeutils import now, today
from bianmin.hall.booking import (
    CENTER_KINDS,
    appointments_for,
    book,
    cancel,
    close_slot,
    excuse_no_show,
    free_slots,
    mark_no_show,
    open_slots,
    parse_time_ranges,
    staff_unit,
    upcoming_slots,
)
from bianmin.hall.models import AppointmentStatus, ServiceType
from bianmin.hall.queue import check_in
from bianmin.org.models import Unit, Window
from bianmin.org.policies import visible_units

from .views import StaffView, say_error

WINDOW_STAFF = (Perm.HANDLE_INQUIRIES, Perm.HANDLE_CASES)
PAGE = 30
PERSON_FIELDS = ("slot", "name", "id_number", "phone", "matter")
SLOT_FIELDS = ("first_date", "last_date", "times", "capacity", "window", "item", "service_type")


def _date_param(request, name: str, default: dt.date | None) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidParameter(name, f"日期（{name}）格式应为 YYYY-MM-DD") from None


def _centers(user: Any) -> QuerySet[Unit]:
    return visible_units(user).filter(kind__in=CENTER_KINDS, is_active=True).order_by("path")


def _chosen_center(request) -> tuple[QuerySet[Unit], Unit | None]:
    """The centers in scope and the one chosen by ``?unit=`` (default: the clerk's own, else the first)."""
    centers = _centers(request.user)
    raw = (request.POST.get("unit") or request.GET.get("unit") or "").strip()
    if raw:
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            raise InvalidParameter("unit", "服务中心（unit）应为编号")
        unit = centers.select_related("region").filter(pk=int(raw)).first()
        if unit is None:
            raise InvalidParameter("unit", "服务中心不存在或不在您的管辖范围内")
        return centers, unit
    own = staff_unit(request.user)
    if own is not None and centers.filter(pk=own.pk).exists():
        return centers, centers.select_related("region").get(pk=own.pk)
    return centers, centers.select_related("region").first()


class AppointmentListView(StaffView):
    """预约: one day's bookings (today by default) at the centers in scope, searched by number or name, with the
    steps a booking in its state can take; a refused step shows the list again with the service's reason."""

    permission = WINDOW_STAFF

    def get(self, request, status: int = 200):
        day = _date_param(request, "date", today())
        q = request.GET.get("q", "").strip()[:64]
        page = page_of(appointments_for(request.user, day=day, q=q), PAGE, request.GET.get("page"))
        return render(request, "backoffice/booking_list.html", {
            "page": page, "day": day, "q": q, "query": urlencode({"date": day.isoformat() if day else "", "q": q}),
            "cancellable": (AppointmentStatus.BOOKED, AppointmentStatus.HELD), "booked": AppointmentStatus.BOOKED,
            "no_show": AppointmentStatus.NO_SHOW,
            "today": today()}, status=status)

    def post(self, request):
        action, number = request.POST.get("action", ""), request.POST.get("number", "").strip()[:32]
        moment = now()
        try:
            if action == "cancel":
                done = cancel(number=number, now=moment, actor=request.user)
                messages.success(request, f"预约 {done.number} 已取消，已短信告知预约人")
            elif action == "no_show":
                done = mark_no_show(actor=request.user, number=number, now=moment)
                messages.success(request, f"预约 {done.number} 已记为爽约")
            elif action == "excuse":
                done = excuse_no_show(actor=request.user, number=number, reason=request.POST.get("reason", ""),
                                      now=moment)
                messages.success(request, f"预约 {done.number} 的爽约已撤销，不再计入爽约次数")
            elif action == "check_in":
                found = appointments_for(request.user).filter(number=number.upper()).first()
                if found is None:
                    raise NotFound("预约不存在", fields={"number": ["预约不存在"]})
                ticket = check_in(unit_id=found.unit_id, number=found.number, phone_last4=found.phone[-4:],
                                  now=moment, actor=request.user)
                messages.success(request, f"预约 {found.number} 已签到，排队号 {ticket.number}")
            else:
                raise DomainError.for_field("action", "未知的操作")
        except DomainError as exc:
            say_error(request, exc)
            return self.get(request, status=exc.status)
        return redirect(f"{request.path}?{request.GET.urlencode()}" if request.GET else request.path)


def _grouped(unit: Unit | None) -> list[tuple[dt.date, list[Any]]]:
    if unit is None:
        return []
    views = free_slots(unit, now())
    return [(day, list(group)) for day, group in groupby(views, key=lambda v: v.slot.date)]


class AppointmentNewView(StaffView):
    """电话预约: the clerk books a free slot for a phone caller (name, ID, mobile); the booking stands at once and
    the caller gets the number and the cancellation code by SMS."""

    permission = WINDOW_STAFF

    def get(self, request, posted: dict[str, str] | None = None, error: DomainError | None = None):
        centers, unit = _chosen_center(request)
        return render(request, "backoffice/booking_new.html", {
            "centers": centers, "unit": unit, "days": _grouped(unit), "posted": posted or {},
            "errors": error.fields if error else {}, "error": error.message if error else ""},
            status=error.status if error else 200)

    def post(self, request):
        posted = {f: request.POST.get(f, "") for f in PERSON_FIELDS}
        try:
            appointment, _code = book(slot_id=posted["slot"], name=posted["name"], id_number=posted["id_number"],
                                      phone=posted["phone"], matter=posted["matter"], now=now(), actor=request.user)
        except DomainError as exc:
            return self.get(request, posted=posted, error=exc)
        messages.success(request, f"已为来电人预约：{appointment.number}（{appointment.date:%Y-%m-%d} "
                                  f"{appointment.slot.starts_at:%H:%M}），预约号和取消码已短信发送到 "
                                  f"{appointment.phone_masked}")
        return redirect(f"{request.path.rsplit('new/', 1)[0]}?{urlencode({'date': appointment.date.isoformat()})}")


class SlotsView(StaffView):
    """预约时段 (organisation managers): open slots at a center for a date range and times ("09:00-10:00,
    10:00-11:00") with a capacity and an optional window, item and business type; the coming slots with their
    booked and free places, each with a 关闭 button (bookings already made stand)."""

    permission = Perm.MANAGE_ORG

    def get(self, request, posted: dict[str, str] | None = None, error: DomainError | None = None):
        centers, unit = _chosen_center(request)
        page = page_of(upcoming_slots(request.user, now(), unit=unit) if unit is not None else [], 50,
                       request.GET.get("page"))
        return render(request, "backoffice/slots.html", {
            "centers": centers, "unit": unit, "page": page, "posted": posted or {"capacity": "5"},
            "query": urlencode({"unit": unit.pk}) if unit else "",
            "windows": Window.objects.filter(unit=unit).order_by("number") if unit else [],
            "service_types": ServiceType.objects.filter(unit=unit, is_active=True) if unit else [],
            "items": current_versions().select_related("item").order_by("item__code") if unit else [],
            "errors": error.fields if error else {}, "error": error.message if error else ""},
            status=error.status if error else 200)

    def post(self, request):
        if request.POST.get("action") == "close":
            try:
                slot = close_slot(actor=request.user, slot_id=request.POST.get("slot", ""), now=now())
            except DomainError as exc:
                say_error(request, exc)
                return self.get(request, error=exc)
            messages.success(request, f"已关闭 {slot.date:%Y-%m-%d} {slot.starts_at:%H:%M} 的预约时段")
            return redirect(f"{request.path}?{urlencode({'unit': slot.unit_id})}")
        posted = {f: request.POST.get(f, "").strip() for f in SLOT_FIELDS}
        try:
            first, last = _posted_date(posted, "first_date"), _posted_date(posted, "last_date")
            capacity = _posted_int(posted, "capacity", "名额")
            slots = open_slots(actor=request.user, unit_id=request.POST.get("unit", ""), first_date=first,
                               last_date=last, times=parse_time_ranges(posted["times"]), capacity=capacity,
                               now=now(), window_id=posted["window"] or None, item_id=posted["item"] or None,
                               service_type_id=posted["service_type"] or None)
        except DomainError as exc:
            return self.get(request, posted=posted, error=exc)
        messages.success(request, f"已开放 {len(slots)} 个预约时段（已有的同一时段不重复开放）")
        return redirect(f"{request.path}?{urlencode({'unit': request.POST.get('unit', '')})}")


def _posted_date(posted: dict[str, str], field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(posted[field])
    except ValueError:
        raise DomainError.for_field(field, "请填写日期（YYYY-MM-DD）") from None


def _posted_int(posted: dict[str, str], field: str, label: str) -> int:
    raw = posted[field]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 4:
        raise DomainError.for_field(field, f"{label}应为整数")
    return int(raw)
