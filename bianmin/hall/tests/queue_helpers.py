"""A center's queue for the queue tests (issue 18 item 4): at the county center C1 of the cast, business type A 综合受理
called by windows 01 and 02 and type B 不动产登记 called by window 03; a second county with its own center, window and
clerk (for the scope tests); a booking of today; a kiosk bound to C1."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from bianmin.accounts.roles import Role
from bianmin.hall.devices import activate_device, issue_device
from bianmin.hall.models import (
    Appointment,
    AppointmentChannel,
    AppointmentStatus,
    DeviceKind,
    HallDevice,
    ServiceType,
    Slot,
)
from bianmin.org.models import Region, RegionLevel, Unit, UnitKind, Window
from bianmin.org.services import save_region, save_unit
from bianmin.testing.factories import MON, at

T0 = at(MON, 9)  # Monday 2026-03-02 09:00 Beijing time
PHONE = "13800138000"


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@dataclass
class Hall:
    center: Unit
    w1: Window
    w2: Window
    w3: Window
    a: ServiceType
    b: ServiceType


def make_hall(cast: dict[str, Any], org: dict[str, Any]) -> Hall:
    center = org["center"]
    w1 = Window.objects.get(unit=center, number="01")
    w2 = Window.objects.create(unit=center, number="02", name="综合窗口二")
    w3 = Window.objects.create(unit=center, number="03", name="不动产窗口")
    a = ServiceType.objects.create(unit=center, letter="A", name="综合受理", default_minutes=10, position=1)
    a.windows.set([w1, w2])
    b = ServiceType.objects.create(unit=center, letter="B", name="不动产登记", default_minutes=20, position=2)
    b.windows.set([w3])
    return Hall(center=center, w1=w1, w2=w2, w3=w3, a=a, b=b)


def other_county(django_user_model: Any) -> dict[str, Any]:
    """County 102 with its center C2, window 01 calling type A, and its window clerk ``far_window``."""
    from conftest import make_user

    county = save_region(Region(code="102", name="邻县", level=RegionLevel.COUNTY))
    center = save_unit(Unit(code="C2", name="邻县政务服务中心", kind=UnitKind.COUNTY_CENTER, region=county))
    window = Window.objects.create(unit=center, number="01", name="综合窗口")
    kind = ServiceType.objects.create(unit=center, letter="A", name="综合受理")
    kind.windows.set([window])
    clerk = make_user(django_user_model, "far_window", Role.WINDOW, center)
    return {"center": center, "window": window, "type": kind, "clerk": clerk}


def booking(cast: dict[str, Any], hall: Hall, *, starts: dt.datetime, number: str = "YY2603020001",
            phone: str = PHONE, kind: ServiceType | None = None, status: str = AppointmentStatus.BOOKED,
            id_number: str = "11010519491231002X") -> Appointment:
    """A confirmed booking at C1 for the half-hour slot starting at ``starts`` (Beijing time)."""
    local = timezone.localtime(starts)
    slot = Slot.objects.create(unit=hall.center, service_type=kind or hall.a, date=local.date(),
                               starts_at=local.time(), ends_at=(local + minutes(30)).time(), capacity=5,
                               created_by=cast["sysadmin"])
    return Appointment.objects.create(
        number=number, slot=slot, unit=hall.center, date=local.date(), channel=AppointmentChannel.ONLINE,
        status=status, name="预约人", id_number=id_number, phone=phone, code_hash="x" * 64,
        created_at=starts - dt.timedelta(days=2))


def kiosk(cast: dict[str, Any], hall: Hall, now: dt.datetime) -> tuple[HallDevice, str]:
    """A ticket kiosk of C1, issued by the supervisor and activated: the device and its token."""
    _device, code = issue_device(actor=cast["supervisor"], unit_id=hall.center.pk, kind=DeviceKind.KIOSK,
                                 label="一楼取号机", now=now)
    return activate_device(code=code, kind=DeviceKind.KIOSK, now=now, ip="192.0.2.10")
