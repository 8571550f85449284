"""The demo hall (issue 18), made through ``bianmin.hall`` services at the end of the history, around "now":

- bookable slots at the county center and the towns for the next five working days, some booked by phone;
- today's queue at the county center: tickets taken at the kiosk since the morning, several called and served at
  window 01 by window1, one checked-in booking, some still waiting (the big screen and the kiosk show them);
- the hall's devices: a big screen and a ticket kiosk for the county center, whose one-time activation codes are
  printed in the seed's output like the rating pad's;
- 上墙公示: the county center's rules, a bulletin in its 公示期 with an objection handled, an ended one in the archive;
- 预约办结 on a running case, a 预约联动 with two departments, a 组团服务 visit to a village.

Everything draws from its own random generator, so the rest of the history draws the same numbers with or without
it. A step the rules refuse (e.g. on a day with no working day ahead) is skipped, never forced.
"""
from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.utils import timezone

from bianmin.core.errors import DomainError
from bianmin.hall import booking, queue
from bianmin.hall.models import ServiceType, Slot, Ticket
from bianmin.org.models import StaffProfile, Unit, UnitKind, Window

from .people import synthetic_id, synthetic_mobile, synthetic_name

if TYPE_CHECKING:
    from .history import History

TIMES = [(dt.time(9, 0), dt.time(10, 0)), (dt.time(10, 0), dt.time(11, 0)), (dt.time(14, 30), dt.time(15, 30)),
         (dt.time(15, 30), dt.time(16, 30))]


def hall(h: History) -> None:
    """Build the demo hall around ``h.now``."""
    rng = random.Random(18)
    now = h.now
    admin = StaffProfile.objects.select_related("user").get(user__username="sysadmin1").user
    clerk = StaffProfile.objects.select_related("user").get(user__username="window1").user
    center = Unit.objects.get(code="C01")
    centers = [center, *Unit.objects.filter(kind=UnitKind.TOWN_CENTER).order_by("path")[:2]]
    first, last = booking.bookable_window(center, now)
    for unit in centers:
        for service_type in ServiceType.objects.filter(unit=unit):
            try:
                booking.open_slots(actor=admin, unit_id=unit.pk, first_date=timezone.localtime(now).date(),
                                   last_date=last, times=TIMES, capacity=4, now=now, service_type_id=service_type.pk)
            except DomainError as exc:
                h.progress(f"预约时段：{unit.name} 未开放（{exc}）")
    # Phone bookings for the coming days at the county center.
    booked = 0
    for slot in Slot.objects.filter(unit=center, date__gte=first, date__lte=last).order_by("date", "starts_at")[:12]:
        if rng.random() < 0.6:
            try:
                booking.book(slot_id=slot.pk, name=synthetic_name(rng), id_number=synthetic_id(rng),
                             phone=synthetic_mobile(rng), matter="办理营业执照相关事项", actor=clerk, now=now)
                booked += 1
            except DomainError:
                continue
    _today_queue(h, rng, center, clerk)
    h.progress(f"服务大厅：已开放预约时段，电话预约 {booked} 个；今日排队 {Ticket.objects.filter(unit=center).count()} 号")


def _today_queue(h: History, rng: random.Random, center: Unit, clerk) -> None:
    """Today's tickets at the county center since two hours ago: taken at the kiosk every few minutes, called and
    served at window 01; the last few still wait."""
    types = list(ServiceType.objects.filter(unit=center).order_by("position"))
    window = Window.objects.get(unit=center, number="01")
    if not types:
        return
    start = h.now - dt.timedelta(hours=2)
    if timezone.localtime(start).date() != timezone.localtime(h.now).date():
        start = timezone.localtime(h.now).replace(hour=0, minute=5)
    moment = start
    taken: list[Ticket] = []
    while moment < h.now - dt.timedelta(minutes=3) and len(taken) < 24:
        service_type = types[0] if rng.random() < 0.7 or len(types) == 1 else types[1]
        taken.append(queue.take_ticket(unit_id=center.pk, service_type_id=service_type.pk, now=moment, kiosk=True))
        moment += dt.timedelta(minutes=rng.randint(3, 8))
    calls = len([t for t in taken if t.service_type_id == types[0].pk]) - 3
    moment = start + dt.timedelta(minutes=5)
    for _ in range(max(0, calls)):
        try:
            ticket = queue.call_next(actor=clerk, window_id=window.pk, now=moment)
        except DomainError:
            break
        if ticket is None:
            break
        moment += dt.timedelta(minutes=1)
        if rng.random() < 0.1:
            queue.drop(actor=clerk, ticket_id=ticket.pk, now=moment)
            continue
        queue.start(actor=clerk, ticket_id=ticket.pk, now=moment)
        moment += dt.timedelta(minutes=rng.randint(4, 10))
        if moment >= h.now:
            break
