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
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.cases.workflow import RUNNING
from bianmin.core.errors import DomainError
from bianmin.hall import board, booking, devices, promises, queue
from bianmin.hall.models import CommentKind, DeviceKind, ServiceType, Slot
from bianmin.org.models import Region, RegionLevel, StaffProfile, Unit, UnitKind, Window

from .people import synthetic_id, synthetic_mobile, synthetic_name

if TYPE_CHECKING:
    from .history import History, Life

RULES_TITLE = "云溪县政务服务中心工作制度"
RULES_HTML = ("<h3>首问负责制</h3><p>首位接待群众的工作人员为首问责任人，负责解答或引导，不得推诿。</p>"
              "<h3>限时办结制</h3><p>承诺件在承诺时限内办结；不能即日办结的，讲清原因并预约办结时间。</p>"
              "<h3>AB角工作制</h3><p>A角不在岗时由B角顶岗，确保窗口不空岗。</p>"
              "<h3>责任追究制</h3><p>对推诿扯皮、超时办理等行为，按规定追究责任。</p>")
# (title, body, the objection, its handling, kind)
ARCHIVED = ("关于调整不动产登记窗口办公时间的公示", "自下月起，不动产登记窗口午间延时服务至13:30。",
            "午间延时是否包括周六？", "经研究，周六不延时；已在公示说明中补充。", "SERVICE")
CURRENT = ("2026年度便民服务事项收费标准公示", "本中心各事项收费标准依据法律法规执行，详见事项指南。",
           "复印费是否收取？", "本中心不收取复印费，材料由窗口免费复印。", "POLICY")

TIMES = [(dt.time(9, 0), dt.time(10, 0)), (dt.time(10, 0), dt.time(11, 0)), (dt.time(14, 30), dt.time(15, 30)),
         (dt.time(15, 30), dt.time(16, 30))]


def hall_lives(h: History, workdays: list[dt.date]) -> None:
    """Spawn the hall's steps on the history's queue, each at its moment: the rules and two bulletins in the past
    (one ended, in the archive; one in its 公示期), each with a comment handled; today's queue since two hours ago;
    and, just before "now", the slots, phone bookings, devices and the promises."""
    rng = random.Random(18)
    past = [d for d in workdays if d < h.today]
    admin = StaffProfile.objects.select_related("user").get(user__username="sysadmin1").user
    leader = StaffProfile.objects.select_related("user").get(user__username="leader1").user
    clerk = StaffProfile.objects.select_related("user").get(user__username="window1").user
    center = Unit.objects.get(code="C01")
    if past:
        h.spawn(h.at(past[0], dt.time(8, 40)), _once(h, lambda: board.save_rules(
            actor=admin, unit_id=center.pk, title=RULES_TITLE, body_html=RULES_HTML, note="首次上墙", now=h.t)))
    if len(past) >= 25:
        h.spawn(h.at(past[-25], dt.time(9, 30)), _bulletin_life(h, leader, center, ARCHIVED, past[-24], past[-23]))
    if len(past) >= 2:
        h.spawn(h.at(past[-2], dt.time(9, 30)), _bulletin_life(h, leader, center, CURRENT, past[-1], past[-1]))
    h.spawn(max(h.now - dt.timedelta(hours=2), h.at(h.today, dt.time(0, 5))), _today_queue(h, rng, center, clerk))
    h.spawn(h.now - dt.timedelta(minutes=3), _once(h, lambda: _upcoming(h, rng, admin, leader, clerk, center)))


def _once(h: History, step: Any) -> Life:
    try:
        step()
    except DomainError as exc:  # the rules refused it on this day: shown, never forced
        h.progress(f"服务大厅：一步未执行（{exc}）")
    yield None


def _bulletin_life(h: History, leader: Any, center: Unit, text: tuple[str, str, str, str, str],
                   comment_day: dt.date, handled_day: dt.date) -> Life:
    title, body, comment, handling, kind = text
    days = max(7, int(booking.hall_setting("BULLETIN_MIN_DAYS")))
    today = timezone.localtime(h.t).date()
    bulletin = board.publish_bulletin(actor=leader, unit_id=center.pk, kind=kind, title=title, body=body,
                                      starts_on=today, ends_on=today + dt.timedelta(days=days + 2),
                                      accepts_comments=True, now=h.t)
    yield h.at(comment_day, dt.time(10, 20))
    row = board.submit_comment(bulletin_id=bulletin.pk, kind=CommentKind.OBJECTION, text=comment, name="周立新",
                               phone="13912345678", ip=None, now=h.t)
    yield h.at(handled_day, dt.time(15, 40))
    board.handle_comment(actor=leader, comment_id=row.pk, handling=handling, now=h.t)


def _upcoming(h: History, rng: random.Random, admin: Any, leader: Any, clerk: Any, center: Unit) -> None:
    """Slots for the next working days at the county center and two towns, phone bookings, the devices, and a
    预约办结, a 预约联动 and a 组团服务."""
    now = h.t
    first, last = booking.bookable_window(center, now)
    for unit in [center, *Unit.objects.filter(kind=UnitKind.TOWN_CENTER).order_by("path")[:2]]:
        for service_type in ServiceType.objects.filter(unit=unit):
            try:
                booking.open_slots(actor=admin, unit_id=unit.pk, first_date=timezone.localtime(now).date(),
                                   last_date=last, times=TIMES, capacity=4, now=now, service_type_id=service_type.pk)
            except DomainError as exc:
                h.progress(f"预约时段：{unit.name} 未开放（{exc}）")
    booked = 0
    for slot in Slot.objects.filter(unit=center, date__gte=first, date__lte=last).order_by("date", "starts_at")[:12]:
        if rng.random() < 0.6:
            try:
                booking.book(slot_id=slot.pk, name=synthetic_name(rng), id_number=synthetic_id(rng),
                             phone=synthetic_mobile(rng), matter="办理营业执照相关事项", actor=clerk, now=now)
                booked += 1
            except DomainError:
                continue
    supervisor = StaffProfile.objects.select_related("user").get(user__username="supervisor1").user
    codes = []
    for kind, label in ((DeviceKind.SCREEN, "大厅显示屏"), (DeviceKind.KIOSK, "大厅取号机")):
        _device, code = devices.issue_device(actor=supervisor, unit_id=center.pk, kind=kind, label=label, now=now)
        codes.append(f"{label} {code}")
    promised = _promises(h, rng, leader, clerk, center, now)
    h.progress(f"服务大厅：已开放预约时段，电话预约 {booked} 个，{promised}；大厅设备一次性激活码（24小时内有效）："
               f"{'，'.join(codes)}——显示屏打开 /screen/activate/，取号机打开 /kiosk/activate/")


def _promises(h: History, rng: random.Random, leader: Any, clerk: Any, center: Unit, now: dt.datetime) -> str:
    done = []
    calendar = booking.get_calendar(center.region)
    nxt = calendar.next_workday(timezone.localtime(now).date(), include_today=False).date
    case = (Case.objects.filter(unit=center, status__in=RUNNING, completion_appointment__isnull=True,
                                committed_deadline__gte=nxt, first_handler__isnull=False)
            .select_related("first_handler__user").order_by("committed_deadline").first())
    if case is not None and case.first_handler is not None:
        try:
            promises.give_completion_appointment(
                actor=case.first_handler.user, case_number=case.number, promised_on=nxt,
                reason="需经分管领导审批，不能即日办结", now=now)
            done.append(f"预约办结 {case.number}")
        except DomainError as exc:
            h.progress(f"服务大厅：预约办结未执行（{exc}）")
    departments = list(Window.objects.filter(unit=center, department__isnull=False)
                       .values_list("department_id", flat=True).order_by("number")[:2])
    starts = timezone.make_aware(dt.datetime.combine(nxt, dt.time(10, 0)))
    try:
        joint = promises.plan_joint(actor=clerk, unit_id=center.pk, department_ids=departments, starts_at=starts,
                                    place="中心二楼联办室", matter="开办餐饮店（营业执照、食品经营许可、消防）",
                                    name=synthetic_name(rng), phone=synthetic_mobile(rng), now=now)
        done.append(f"预约联动 {joint.number}")
    except DomainError as exc:
        h.progress(f"服务大厅：预约联动未执行（{exc}）")
    village = Region.objects.filter(level=RegionLevel.VILLAGE, path__startswith=center.region.path).order_by(
        "path").first()
    team = list(StaffProfile.objects.filter(user__username__in=["window1", "window2"]).values_list("pk", flat=True))
    if village is not None:
        try:
            promises.plan_outreach(
                actor=leader, unit_id=center.pk, region_id=village.pk, place=f"{village.name}村民委员会",
                starts_at=timezone.make_aware(dt.datetime.combine(nxt, dt.time(9, 0))),
                ends_at=timezone.make_aware(dt.datetime.combine(nxt, dt.time(11, 30))),
                topic="社保、医保、残疾人证件上门办理", team_staff_ids=team, now=now)
            done.append(f"组团服务 {village.name}")
        except DomainError as exc:
            h.progress(f"服务大厅：组团服务未执行（{exc}）")
    return "、".join(done) or "无预约办结"


def _today_queue(h: History, rng: random.Random, center: Unit, clerk: Any) -> Life:
    """Today's tickets at the county center since two hours ago: taken at the kiosk every few minutes, called and
    served at window 01; the last few still wait."""
    types = list(ServiceType.objects.filter(unit=center).order_by("position"))
    window = Window.objects.get(unit=center, number="01")
    if not types:
        return
    # Tickets every few minutes, and window 01 calling its type's: interleaved in time order.
    taken = [h.t + dt.timedelta(minutes=m) for m in range(0, 115, 5)]
    arrivals = [t for t in taken if t < h.now - dt.timedelta(minutes=4)]
    general = [rng.random() < 0.7 or len(types) == 1 for _ in arrivals]
    calls = [h.t + dt.timedelta(minutes=7 + 8 * i) for i in range(max(0, sum(general) - 3))]
    steps = sorted([(t, "take", g) for t, g in zip(arrivals, general, strict=True)] + [(t, "call", True) for t in calls])
    for moment, what, is_general in steps:
        if moment >= h.now:
            break
        yield moment
        if what == "take":
            queue.take_ticket(unit_id=center.pk, service_type_id=(types[0] if is_general else types[-1]).pk,
                              now=h.t, kiosk=True)
            continue
        ticket = queue.call_next(actor=clerk, window_id=window.pk, now=h.t)
        if ticket is None:
            continue
        yield h.t + dt.timedelta(minutes=1)
        if rng.random() < 0.1:
            queue.drop(actor=clerk, ticket_id=ticket.pk, now=h.t)
        else:
            queue.start(actor=clerk, ticket_id=ticket.pk, now=h.t)
