"""The demo history's 首问, supervision and meetings, through their services.

首问: visitors, callers and online questions at every window and village station, answered, referred, researched
(a promised reply: kept, late, or still owed) or escalated to the leader. Supervision, weekly: the staff's 申辩,
the supervisor's proposals and the leader's decisions on the violations the sweep recorded, a few records only a
supervisor can make, commendations. Meetings: the monthly 联席会议 of the county center, its agenda collected from
the month before, its decisions tracked to done.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from bianmin.accountability import services as acc
from bianmin.accountability.models import Severity, Violation, ViolationStatus
from bianmin.cases.models import Case
from bianmin.inquiries import services as inq
from bianmin.inquiries.models import Inquiry
from bianmin.meetings import services as meet
from bianmin.meetings.models import Meeting, MeetingKind
from bianmin.org.models import StaffProfile

from .people import person_name, synthetic_landline, synthetic_mobile

if TYPE_CHECKING:
    from .history import History, Life

MATTERS = ["咨询{item}需要准备哪些材料", "询问{item}的办理时限和收费", "咨询{item}能否网上办理",
           "询问{item}的办理地点和时间", "咨询{item}的申请条件", "询问已提交的{item}申请进度"]
ANSWERS = ["已当场告知所需材料清单和办理流程，并提供一次性告知单", "已告知办理时限、收费标准和办理地点",
           "已告知可通过网上办事大厅申请，并演示操作步骤"]
OUTSIDE = [("云溪县税务局", "纳税服务厅，电话0799-6128366"), ("云溪县不动产登记中心", "迎宾大道90号，电话0799-6135120"),
           ("云溪县住房公积金管理中心", "电话0799-6126655")]


def daily_inquiries(h: History, day: dt.date) -> None:
    """Spawn the day's 首问: most at the county center, some at the towns, the hospital and the village stations."""
    rng = h.rng
    registrars: list[StaffProfile] = [s for staff in h.cast.staff_by_unit.values() for s in staff]
    for _ in range(rng.randint(max(1, h.inquiries_per_day // 2), max(1, h.inquiries_per_day * 3 // 2))):
        person = rng.choice(h.cast.agents) if h.cast.agents and rng.random() < 0.12 else rng.choice(registrars)
        h.spawn(h.slot(day), inquiry_life(h, person))


def inquiry_life(h: History, person: StaffProfile) -> Life:
    rng = h.rng
    version = h.cast.versions[rng.choice(sorted(h.cast.versions))]
    channel = rng.choices(["WINDOW", "PHONE", "ONLINE"], weights=[68, 26, 6])[0]
    name = person_name(rng) if channel != "WINDOW" or rng.random() < 0.6 else ""
    phone = (synthetic_mobile(rng) if rng.random() < 0.9 else synthetic_landline(rng)) \
        if channel == "PHONE" or rng.random() < 0.3 else ""
    inquiry = inq.register_inquiry(actor=person.user, channel=channel, now=h.t, visitor_name=name, phone=phone,
                                   matter=rng.choice(MATTERS).format(item=version.name))
    h.stats.inquiries += 1
    number = inquiry.number
    yield h.later((3, 12))
    colleagues = [s for s in h.cast.staff_by_unit.get(person.unit_id, []) if s.pk != person.pk]
    outcome = rng.choices(["ANSWERED", "REFERRED_INTERNAL", "MATERIALS_PASSED", "REFERRED_OUTSIDE", "RESEARCH",
                           "ESCALATED", "NOT_POSSIBLE"], weights=[55, 10, 4, 8, 12, 4, 7])[0]
    if outcome in ("REFERRED_INTERNAL", "MATERIALS_PASSED") and not colleagues:
        outcome = "ANSWERED"
    if outcome == "ESCALATED" and not person.unit.path.startswith("/C01/"):
        outcome = "RESEARCH"
    if outcome == "ANSWERED":
        inq.record_outcome(actor=person.user, number=number, outcome=outcome, now=h.t, result=rng.choice(ANSWERS))
    elif outcome == "NOT_POSSIBLE":
        inq.record_outcome(actor=person.user, number=number, outcome=outcome, now=h.t,
                           result="申请人不符合该事项的申请条件，已说明依据和理由")
    elif outcome == "REFERRED_OUTSIDE":
        authority, contact = rng.choice(OUTSIDE)
        inq.record_outcome(actor=person.user, number=number, outcome=outcome, now=h.t, authority=authority,
                           contact=contact, result="已告知主管机关名称和联系方式")
    elif outcome in ("REFERRED_INTERNAL", "MATERIALS_PASSED"):
        target = rng.choice(colleagues)
        details: dict[str, Any] = {"to_badge": target.badge_number}
        if outcome == "MATERIALS_PASSED":
            details["materials"] = [{"name": "户口簿复印件", "count": "1份"}, {"name": "居民身份证复印件", "count": "2份"}]
        updated = inq.record_outcome(actor=person.user, number=number, outcome=outcome, now=h.t, **details)
        receiver = updated.referred_to.user if updated.referred_to else target.user
        yield h.later((10, 60))
        inq.acknowledge_referral(actor=receiver, number=number, now=h.t)
        if rng.random() < 0.9:
            yield h.later((20, 120))
            inq.close_inquiry(actor=receiver, number=number, now=h.t, result="已接待并办理完毕")
    elif outcome == "RESEARCH":
        days = rng.choice([3, 5])
        updated = inq.record_outcome(actor=person.user, number=number, outcome=outcome, now=h.t, reply_days=days)
        due = updated.promised_reply_date
        assert due is not None
        roll = rng.random()
        if roll < 0.82:
            yield h.slot(h.workdays_before(due, rng.randint(0, days - 1)), after=h.t)
        elif roll < 0.92:  # late: the sweep records the late reply
            yield h.slot(h.workday(due, rng.randint(1, 3)))
        else:
            return  # still owed
        inq.close_inquiry(actor=person.user, number=number, now=h.t, result="经研究，已电话答复来访人")
    elif outcome == "ESCALATED":
        leader = h.cast.leader
        inq.record_outcome(actor=person.user, number=number, outcome=outcome, now=h.t,
                           to_badge=leader.staff_profile.badge_number)
        yield h.slot(h.workday(h.day_of(h.t), rng.randint(1, 3)))
        inq.close_inquiry(actor=leader, number=number, now=h.t, result="领导已协调相关部门，答复来访人")


def supervision(h: History, day: dt.date) -> None:
    """Monday: the supervisor goes through last week's records; staff answer; the leader decides."""
    h.spawn(h.at(day, dt.time(10, 0)), supervision_life(h, day))


def supervision_life(h: History, day: dt.date) -> Life:
    rng = h.rng
    supervisor, leader = h.cast.supervisor, h.cast.leader
    since = h.t - dt.timedelta(days=7)
    fresh = list(Violation.objects.filter(created_at__gte=since, created_at__lt=h.t, status=ViolationStatus.OPEN)
                 .exclude(staff__user__in=[supervisor, leader])  # records about them go to the organ above
                 .select_related("staff__user").order_by("pk"))
    # What only a supervisor sees: attitude, buck-passing, a fee taken without a standard.
    staff = [s for group in h.cast.staff_by_unit.values() for s in group]
    for _ in range(rng.choice([0, 1, 1, 2])):
        person = rng.choice(staff)
        kind, text = rng.choice([("ATTITUDE", "群众反映窗口人员答复时态度生硬，经调取监控属实"),
                                 ("BUCK_PASSING", "群众咨询时未按首问负责制接待，让其到其他窗口询问"),
                                 ("IMPROPER_FEE", "代办过程中收取复印费，无收费依据")])
        case = Case.objects.filter(received_by=person, received_at__lt=h.t).order_by("-received_at").first()
        fresh.append(acc.record_violation(actor=supervisor, staff=person.badge_number, kind=kind, description=text,
                                          occurred_on=h.workdays_before(day, rng.randint(1, 4)), now=h.t,
                                          case_number=case.number if case and rng.random() < 0.5 else ""))
    proposals = []
    for violation in fresh:
        roll = rng.random()
        if roll < 0.25:
            acc.file_statement(actor=violation.staff.user, pk=violation.pk, now=h.t + dt.timedelta(minutes=30),
                               text=rng.choice(["当日窗口排队人数较多，申请人材料需反复核对，非本人有意拖延",
                                                "系统故障导致未能及时处理，已补办", "已认识到问题，今后注意改进"]))
        if roll < 0.08:
            acc.dismiss_violation(actor=supervisor, pk=violation.pk, now=h.t + dt.timedelta(minutes=40),
                                  reason="经核实，延误系申请人原因所致，不予追究")
        elif roll < 0.45:
            acc.propose_sanction(actor=supervisor, pk=violation.pk, severity=Severity.MINOR,
                                 sanction=rng.choice(["口头告诫", "书面告诫"]), now=h.t + dt.timedelta(minutes=45),
                                 reason="情节较轻，首次发生")
            proposals.append(violation.pk)
    if rng.random() < 0.5 and staff:
        person = rng.choice(staff)
        acc.commend(actor=rng.choice([supervisor, leader]), staff=person.badge_number, on_date=day, now=h.t,
                    reason=rng.choice(["群众来信表扬其耐心细致、主动帮办", "主动延时服务，帮助老年群众办完业务",
                                       "本月办件零超期、零差评"]))
    if not proposals:
        return
    yield h.slot(h.workday(day, 2))
    for pk in proposals:
        if rng.random() < 0.8:
            acc.decide_sanction(actor=leader, pk=pk, approve=True, now=h.t, note="同意")
        else:
            acc.decide_sanction(actor=leader, pk=pk, approve=False, now=h.t, note="请补充当事人申辩情况后再报")


def meetings(h: History, day: dt.date) -> None:
    """The county center's monthly 联席会议, on the month's third working day, when the month it reviews lies in
    the history."""
    first = day.replace(day=1)
    if day != h.workday(h.workday(first), 2) or (first - h.first_day).days < 20:
        return
    if Meeting.objects.filter(kind=MeetingKind.JOINT, held_on=day).exists():
        return
    h.spawn(h.at(day, dt.time(15, 0)), meeting_life(h, day))


def meeting_life(h: History, day: dt.date) -> Life:
    rng = h.rng
    leader = h.cast.leader
    meeting = meet.create_meeting(actor=leader, held_on=day, now=h.t, chair=leader.staff_profile.name,
                                  place="县政务服务中心三楼会议室", kind=MeetingKind.JOINT,
                                  attendees="中心领导、各进驻部门首席代表、监督员",
                                  extra_topics=["进一步规范一次性告知，减少群众跑腿"])
    agenda = list(meeting.agenda.select_related("violation__staff", "case__first_handler").order_by("position"))
    owners = [a.violation.staff if a.violation else a.case.first_handler if a.case else None for a in agenda]
    items = []
    for item, owner in list(zip(agenda, owners, strict=True))[:4]:
        if owner is None:
            continue
        items.append(meet.add_decision(actor=leader, meeting_id=meeting.pk, now=h.t + dt.timedelta(minutes=50),
                                       decision=f"{item.title}：责任人查明原因，提出整改措施并报中心",
                                       owner=owner.badge_number, agenda_item_id=item.pk,
                                       due_date=h.workday(day, rng.randint(5, 10))))
    items.append(meet.add_decision(actor=leader, meeting_id=meeting.pk, now=h.t + dt.timedelta(minutes=55),
                                   decision="各窗口更新一次性告知单，统一材料标准", owner=leader.staff_profile.badge_number,
                                   due_date=h.workday(day, 10)))
    meet.save_minutes(actor=leader, meeting_id=meeting.pk, now=h.t + dt.timedelta(minutes=70), minutes=(
        f"{day:%Y年%m月%d日}，县政务服务中心召开联席会议，通报上月超期办件和过错记录，"
        f"逐项研究议题{len(agenda)}项，议定事项{len(items)}项，明确责任人和完成时限。"))
    for action in items:
        if rng.random() < 0.75:
            yield h.slot(h.workdays_before(action.due_date, rng.randint(0, 3)), after=h.t)
            owner = StaffProfile.objects.select_related("user").get(pk=action.owner_id)
            meet.complete_action(actor=owner.user, action_id=action.pk, now=h.t,
                                 note="已完成整改，相关人员已组织学习")


def open_inquiries() -> int:
    """Return how many 首问 are still open (for the summary)."""
    return Inquiry.objects.filter(~Q(status="CLOSED")).count()
