"""Rows for the tests of the big screen (hall, public pages, API): a screen issued and activated, business types,
tickets and open counters created directly (the queue's services are tested on their own)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bianmin.hall.devices import activate_device, issue_device
from bianmin.hall.models import Counter, DeviceKind, HallDevice, ServiceType, Ticket, TicketSource, TicketStatus
from bianmin.hall.state import bump
from bianmin.org.models import StaffProfile, Unit, Window
from bianmin.testing.factories import MON, at

NOON = at(MON, 12)  # Monday 2026-03-02, 12:00 in Beijing
OPENING = at(MON, 8)


def screen_for(cast: dict[str, Any], unit: Unit, *, now: dt.datetime = NOON, kind: str = DeviceKind.SCREEN,
               label: str = "一楼大厅显示屏") -> tuple[HallDevice, str]:
    """Issue (by the county supervisor) and activate a device of ``unit``; return it with its token."""
    device, code = issue_device(actor=cast["supervisor"], unit_id=unit.pk, kind=kind, label=label, now=now)
    return activate_device(code=code, now=now)


def service_type(unit: Unit, letter: str = "A", name: str = "综合受理") -> ServiceType:
    return ServiceType.objects.create(unit=unit, letter=letter, name=name)


def ticket(kind: ServiceType, seq: int, *, status: str = TicketStatus.WAITING, window: Window | None = None,
           called_at: dt.datetime | None = None, calls: int = 0, by: StaffProfile | None = None,
           issued_at: dt.datetime = OPENING) -> Ticket:
    """A ticket of today (the day of ``issued_at``), called ``calls`` times at ``window`` (last at ``called_at``)."""
    return Ticket.objects.create(
        unit=kind.unit, service_type=kind, day=timezone.localtime(issued_at).date(), seq=seq,
        number=f"{kind.letter}{seq:03d}", source=TicketSource.KIOSK, issued_at=issued_at, ready_at=issued_at,
        status=status, window=window, called_by=by, call_count=calls, called_at=called_at, last_called_at=called_at)


def open_counter(window: Window, staff: StaffProfile, *, at_: dt.datetime = OPENING) -> Counter:
    return Counter.objects.create(window=window, staff=staff, opened_at=at_)


def changed(unit: Unit, now: dt.datetime = NOON) -> None:
    """Raise the center's version as the queue's services do with every change."""
    bump(unit.pk, now)
