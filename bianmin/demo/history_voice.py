"""The demo history's citizen voice (好差评 and 监督投诉, issue 17), made through ``bianmin.ratings`` and
``bianmin.complaints`` services as the days go by.

Ratings: a round a few times each working day finds the cases delivered, the 首问 closed and the relays delivered
since the last round, and most of them are rated at a plausible moment after it — on the window's pad within minutes
(the applicant, real name), through the lookup's QR code or the delivery SMS within hours or days. Nearly all are
非常满意 or 满意, some 基本满意. The 差评 (about 1–2 %) follow a script (``BAD_PLANS``) like the relays': each takes an
instance left unrated (a late SMS or QR rating), and its follow-up stops at the stage its plan names — waiting for
the 回访, rectifying, the result told, the 追评 given — so that whatever the day the demo is loaded, every stage is
there. One 回访 is made two working days after its limit (the sweep records ``RATING_FOLLOW_UP_LATE``), one 差评 is
confirmed (差评查实: a ``BAD_RATING`` record), one anonymous 差评 is appealed as malicious and upheld (no longer
counted), another's appeal is still waiting for the supervisor.

Complaints (``COMPLAINT_PLANS``): about a dozen at the 监督投诉台, by phone and online, of every kind, in every state:
one anonymous, one transferred to the competent department, one answered after its limit with the reason (the sweep
records ``COMPLAINT_REPLY_LATE``), one confirmed into an accountability record (投诉查实). Complaints still open start
in the last working days, so no other reply limit is missed.

At the end a rating pad is issued for window1's window at the county center; its one-time activation code is shown
in the seed's output (valid ``ratings.pads.ACTIVATION_HOURS``), so a new user can try ``/pad/``.

Everything draws from its own random generator, so the rest of the history draws the same numbers with or without it.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from bianmin.cases.models import Case
from bianmin.complaints import services as complaints
from bianmin.complaints.models import Complaint
from bianmin.inquiries.models import Inquiry
from bianmin.org.models import Post, StaffProfile, Unit, Window
from bianmin.ratings import services as ratings
from bianmin.ratings.models import Level, Rating, Subject
from bianmin.ratings.pads import issue_pad
from bianmin.ratings.policies import RATEABLE_CASE, RATEABLE_RELAY
from bianmin.relay.models import RelayRequest

from .people import person_name, synthetic_mobile

if TYPE_CHECKING:
    from .history import History, Life

SEED = 1717
# When the services that ended are collected (each round costs a query per kind, so two a day).
ROUNDS = (dt.time(12, 5), dt.time(17, 45))
# The share rated (the others stay unrated: 未评价率). Each rating is a service call with its audit row (~3 ms), so
# the shares also keep the first ``make run`` within about 3 s more: about 1,200 ratings for 2,000 applications.
RATED_SHARE = {Subject.CASE: 0.65, Subject.INQUIRY: 0.35, Subject.RELAY: 0.8}
LEVELS = ([Level.VERY_SATISFIED, Level.SATISFIED, Level.BASIC], [72, 21, 7])
CASE_CHANNELS = (["PAD", "QR", "SMS"], [55, 20, 25])
PRAISE = ["办事效率高，工作人员很耐心", "一次就办好了，不用来回跑", "工作人员讲解清楚，态度好", "流程简单，很方便",
          "窗口服务热情，点赞", "材料一次告知清楚，很满意"]
SO_SO = ["排队时间有点长", "取号后等了比较久", "希望能多开几个窗口"]
BAD_SAID = ["等了很久没人理，工作人员态度冷淡", "材料要求前后说得不一致，多跑了一趟", "办理进度没人告知，打电话也没人接",
            "窗口人员玩手机，让我在旁边等"]
AGAIN_SAID = ["回访及时，问题已经解决，满意", "中心领导亲自回电话，整改到位", "整改后服务明显改善"]


@dataclass(frozen=True)
class BadPlan:
    """One 差评: its follow-up's stage today (``visit``: waiting for the 回访, ``rectify``, ``told``, ``closed``: the
    追评 given) and ``ago``, the working days before the last one when it is given. ``late``: the 回访 two working
    days after its limit; ``confirm``: 差评查实 after the 整改; ``appeal`` (an anonymous 差评 on a pad, so no
    follow-up): ``upheld`` or ``pending``."""

    stage: str
    ago: int
    late: bool = False
    confirm: bool = False
    appeal: str = ""


BAD_STAGES = ("visit", "rectify", "told", "closed")
RECTIFY_AFTER = 4  # working days from the 回访 to the 整改 (its limit is 15 from the rating)
BAD_PLANS = [
    BadPlan("closed", 70), BadPlan("closed", 58), BadPlan("closed", 50, appeal="upheld"),
    BadPlan("closed", 44, confirm=True), BadPlan("closed", 37, late=True), BadPlan("closed", 30),
    BadPlan("closed", 24), BadPlan("closed", 18), BadPlan("told", 14), BadPlan("told", 9),
    BadPlan("rectify", 5), BadPlan("rectify", 3), BadPlan("rectify", 2, appeal="pending"), BadPlan("visit", 0),
    BadPlan("visit", 0),
]


@dataclass(frozen=True)
class ComplaintPlan:
    """One complaint: how it came (DESK, PHONE, ONLINE), its kind, about whom (STAFF, WINDOW, CASE, UNIT), the state
    it stands in today and ``ago`` (working days before the last one when it came)."""

    channel: str
    kind: str
    about: str
    stage: str  # received, investigating, handled, replied, archived, transferred
    ago: int
    anonymous: bool = False
    late: bool = False  # answered two working days after its limit, with the reason
    confirm: bool = False  # 查实: an accountability record of the staff member
    by_clerk: bool = False  # handed to a window clerk at the desk (registered by them)


COMPLAINT_STAGES = ("received", "investigating", "handled", "replied", "archived")
COMPLAINT_PLANS = [
    ComplaintPlan("DESK", "ATTITUDE", "STAFF", "archived", 56, confirm=True),
    ComplaintPlan("PHONE", "DELAY", "CASE", "archived", 47),
    ComplaintPlan("ONLINE", "BUCK_PASSING", "STAFF", "archived", 40),
    ComplaintPlan("PHONE", "DELAY", "CASE", "archived", 31, late=True),
    ComplaintPlan("ONLINE", "OTHER", "UNIT", "archived", 23, anonymous=True),
    ComplaintPlan("DESK", "IMPROPER_FEE", "WINDOW", "archived", 15),
    ComplaintPlan("ONLINE", "ATTITUDE", "STAFF", "replied", 6),
    ComplaintPlan("PHONE", "INTEGRITY", "STAFF", "handled", 3),
    ComplaintPlan("DESK", "DELAY", "CASE", "investigating", 2, by_clerk=True),
    ComplaintPlan("PHONE", "OTHER", "UNIT", "transferred", 1),
    ComplaintPlan("ONLINE", "BUCK_PASSING", "WINDOW", "received", 0),
    ComplaintPlan("DESK", "ATTITUDE", "STAFF", "received", 0),
]
MATTERS = {
    "ATTITUDE": "办理业务时工作人员态度生硬，询问材料要求时不耐烦",
    "DELAY": "申请已超过承诺时限，多次询问仍说在审核，没有明确答复",
    "BUCK_PASSING": "咨询时被几个窗口互相推来推去，跑了三个窗口都说不归自己管",
    "INTEGRITY": "有人暗示交钱可以加快办理",
    "IMPROPER_FEE": "窗口收取材料复印费10元，没有出具票据，也没有收费依据",
    "OTHER": "不动产登记资料查询需到另一处办理，希望在中心也能查询",
}
TRANSFER_TO = "ZRJ"  # the 不动产 question belongs to the 自然资源局
LATE_REASON = "需调取该件的审批档案并约谈相关人员核实，档案在县档案馆，调阅耗时，答复延后"
REPLIES = ["经调查核实，已对相关工作人员批评教育，并向您致歉，感谢您的监督",
           "经核查，办件已于近日办结并通知领取，延误原因已向您说明",
           "已将您的意见转达相关窗口，中心将加强管理、改进服务"]


class Voice:
    """The cast, the instances found so far and the random generator of the citizen's voice."""

    def __init__(self, h: History) -> None:
        self.h = h
        self.rng = random.Random(SEED)
        self.supervisor, self.leader = h.cast.supervisor, h.cast.leader
        self.since = h.at(h.first_day, dt.time(0, 0))
        self.unrated: list[tuple[dt.datetime, str, int, bool]] = []  # (ended, subject, pk, has an evaluator)
        windows = Window.objects.in_bulk()
        self.window_of: dict[int, Window] = {}
        for a_id, b_id, window_id in Post.objects.values_list("a_staff_id", "b_staff_id", "window_id").order_by("pk"):
            for staff_id in (a_id, b_id):
                if staff_id is not None:
                    self.window_of.setdefault(staff_id, windows[window_id])

    # ---- time ----

    def moment(self, day: dt.date, after: dt.datetime | None = None) -> dt.datetime:
        """Return a moment of office hours on ``day`` (a working day or the next), later than ``after``."""
        day = self.h.workday(day)
        start = self.h.at(day, dt.time(8, 50) if self.rng.random() < 0.55 else dt.time(14, 40))
        moment = start + dt.timedelta(minutes=self.rng.randrange(0, 150))
        if after is not None and moment <= after:
            moment = after + dt.timedelta(minutes=self.rng.randrange(10, 45))
        return moment

    def next_day(self, days: int = 1) -> dt.datetime:
        return self.moment(self.h.workday(self.h.day_of(self.h.t), days))

    def soon(self, lo: int = 10, hi: int = 90) -> dt.datetime:
        return self.h.t + dt.timedelta(minutes=self.rng.randrange(lo, hi))

    # ---- finding what ended ----

    def collect(self) -> None:
        """Find the instances that ended since the last round and rate most of them at a plausible moment."""
        lo, hi = self.since, self.h.t
        self.since = hi
        found: list[tuple[dt.datetime, str, Any, bool]] = []
        # A case rated already (at the hospital desk the family rates on the spot, ``history_hospital``) is not
        # rated again.
        found += [(c.delivered_at, Subject.CASE, c, True) for c in loaded(Subject.CASE).filter(
            delivered_at__gte=lo, delivered_at__lt=hi, status__in=RATEABLE_CASE, relay__isnull=True,
            ratings__isnull=True)]
        found += [(i.closed_at, Subject.INQUIRY, i, bool(i.visitor_name or i.phone)) for i in loaded(
            Subject.INQUIRY).filter(closed_at__gte=lo, closed_at__lt=hi, status="CLOSED")]
        found += [(r.delivered_at, Subject.RELAY, r, True) for r in loaded(Subject.RELAY).filter(
            delivered_at__gte=lo, delivered_at__lt=hi, status__in=RATEABLE_RELAY)]
        for ended, subject, instance, named in sorted(found, key=lambda row: (row[0], row[1], row[2].pk)):
            if self.rng.random() >= RATED_SHARE[Subject(subject)]:
                self.unrated.append((ended, subject, instance.pk, named))
                continue
            if subject == Subject.CASE:
                channel = self.rng.choices(*CASE_CHANNELS)[0]
            else:
                channel = "PAD" if subject == Subject.INQUIRY else "SMS"
            if channel == "PAD":
                at = max(ended + dt.timedelta(minutes=self.rng.randrange(1, 6)), hi)
            elif channel == "QR":
                at = max(ended + dt.timedelta(minutes=self.rng.randrange(20, 60 * 30)), hi)
            else:
                at = max(ended + dt.timedelta(minutes=self.rng.randrange(60, 60 * 72)), hi)
            level = self.rng.choices(*LEVELS)[0]
            roll = self.rng.random()
            comment = (self.rng.choice(SO_SO) if level == Level.BASIC and roll < 0.6
                       else self.rng.choice(PRAISE) if roll < 0.3 else "")
            self.h.spawn(at, self.rating(subject, instance, channel, level, comment))

    # ---- rating ----

    def rating(self, subject: str, instance: Any, channel: str, level: int, comment: str) -> Life:
        self.rate(subject, instance, channel, level, comment)
        yield None

    def rate(self, subject: str, instance: Any, channel: str, level: int, comment: str) -> Rating:
        """Rate ``instance`` (loaded by ``loaded``; its status may have moved on since, from one rateable status
        to another) as the citizen did: a pad rating of a 首问 is anonymous, every other one names the applicant."""
        if subject == Subject.CASE:
            served, name, phone = instance.first_handler or instance.received_by, instance.applicant_name, \
                instance.applicant_phone or ""
        elif subject == Subject.INQUIRY:
            served, name, phone = instance.first_responder, instance.visitor_name, instance.phone or ""
        else:
            served, name, phone = instance.agent, instance.applicant_name, instance.applicant_phone or ""
        window = self.window_of.get(served.pk) if served is not None else None
        if channel == "PAD" and window is None:
            channel = "SMS" if phone else "QR"
        anonymous = channel == "PAD" and subject == Subject.INQUIRY
        return ratings.record_rating(subject=subject, instance=instance, level=level, comment=comment,
                                     channel=channel, now=self.h.t, window=window if channel == "PAD" else None,
                                     evaluator_name="" if anonymous else name,
                                     evaluator_phone="" if anonymous else phone)

    def take_unrated(self, *, named: bool) -> tuple[str, int] | None:
        """Return an instance left unrated that ended before now (named: with someone to call back; else a 首问
        nobody gave a name for), the latest first, and take it off the list."""
        for i in range(len(self.unrated) - 1, -1, -1):
            ended, subject, pk, has_name = self.unrated[i]
            if ended < self.h.t and (has_name if named else subject == Subject.INQUIRY and not has_name):
                del self.unrated[i]
                return subject, pk
        return None


def loaded(subject: str) -> QuerySet[Any]:
    """Return the instances of ``subject`` with what a rating reads and nothing else (no other personal data is
    decrypted: a rating round is one query per kind)."""
    if subject == Subject.CASE:
        return Case.objects.select_related("unit", "first_handler", "received_by").only(
            "status", "number", "delivered_at", "applicant_name", "applicant_phone", "unit__path", "unit__region_id",
            "first_handler__id", "received_by__id").order_by("pk")
    if subject == Subject.INQUIRY:
        return Inquiry.objects.select_related("unit", "first_responder").only(
            "status", "number", "closed_at", "visitor_name", "phone", "unit__path", "unit__region_id",
            "first_responder__id").order_by("pk")
    return RelayRequest.objects.select_related("origin_unit", "agent").only(
        "status", "number", "delivered_at", "applicant_name", "applicant_phone", "origin_unit__path",
        "origin_unit__region_id", "agent__id").order_by("pk")


def once(step: Callable[[], object]) -> Life:
    step()
    yield None


def voice(h: History, workdays: list[dt.date]) -> None:
    """Spawn the rating rounds, the 差评 (``BAD_PLANS``), the complaints (``COMPLAINT_PLANS``) and the pad on the
    history's queue; nothing when the history is too short to hold them."""
    past = [d for d in workdays if d < h.today]
    if len(past) < 12:
        return
    v = Voice(h)
    h.spawn(h.at(workdays[0], ROUNDS[0]), rounds(v, workdays))
    for plan in BAD_PLANS:
        h.spawn(v.moment(past[max(0, len(past) - 1 - plan.ago)]), bad_life(v, plan))
    for complaint in COMPLAINT_PLANS:
        h.spawn(v.moment(past[max(0, len(past) - 1 - complaint.ago)]), complaint_life(v, complaint))
    h.spawn(h.now - dt.timedelta(minutes=2), once(lambda: issue_demo_pad(v)))


def rounds(v: Voice, workdays: list[dt.date]) -> Life:
    """Each working day's rounds: what ended since the last one is rated (the last round sees the evening's too)."""
    for day in workdays:
        for moment in ROUNDS:
            at = v.h.at(day, moment)
            if at >= v.h.now:
                break
            yield at
            v.collect()
    # What ended after the last round before today's end (the rest of the day, a weekend) is rated as it comes in.
    yield v.h.now - dt.timedelta(minutes=5)
    v.collect()


def bad_life(v: Voice, plan: BadPlan) -> Life:
    """One 差评 and its follow-up, to the plan's stage."""
    h, rng = v.h, v.rng
    taken = v.take_unrated(named=not plan.appeal) or v.take_unrated(named=True)
    if taken is None:
        return
    subject, pk = taken
    instance = loaded(subject).get(pk=pk)
    channel = "PAD" if plan.appeal else rng.choice(["QR", "SMS"])
    rating = v.rate(subject, instance, channel, rng.choice([Level.DISSATISFIED, Level.VERY_DISSATISFIED]),
                    rng.choice(BAD_SAID))
    if plan.appeal:
        yield v.soon(60, 180)
        ratings.appeal_rating(actor=rating.staff.user, rating_id=rating.pk, reason_kind="MALICIOUS", now=h.t,
                              reason="当天该时段本人未接待过投诉所述情形的群众，评价内容与事实不符，申请核查监控")
        if plan.appeal == "upheld":
            yield v.next_day(2)
            ratings.decide_appeal(actor=v.supervisor, rating_id=rating.pk, uphold=True, now=h.t,
                                  note="经调取窗口监控核实，评价内容与事实不符，属恶意评价")
        if not hasattr(rating, "follow_up"):
            return
    if plan.stage == "visit":
        return
    yield v.next_day(1 + (2 if plan.late else 0))
    ratings.record_visit(actor=v.supervisor, rating_id=rating.pk, now=h.t,
                         note="已电话回访评价人，了解情况并致歉，承诺整改后告知结果")
    if plan.stage == "rectify":
        return
    yield v.next_day(RECTIFY_AFTER)
    ratings.record_rectification(actor=v.leader, rating_id=rating.pk, now=h.t,
                                 rectification="已约谈当事人，组织窗口人员学习服务规范，实行首问负责和一次性告知")
    if plan.confirm:
        yield v.soon()
        ratings.confirm_bad_rating(actor=v.supervisor, rating_id=rating.pk, now=h.t,
                                   description="经调取窗口监控、询问当事人，评价所述服务态度问题属实")
    yield v.soon()
    ratings.tell_result(actor=v.supervisor, rating_id=rating.pk, now=h.t,
                        note="已电话告知评价人整改情况，评价人表示认可")
    if plan.stage == "told":
        return
    yield v.next_day(rng.randint(1, 2))
    ratings.rate_again(parent=Rating.objects.get(pk=rating.pk), level=rng.choice([Level.SATISFIED,
                                                                                   Level.VERY_SATISFIED]),
                       comment=rng.choice(AGAIN_SAID), channel="SMS", now=h.t)


def complaint_life(v: Voice, plan: ComplaintPlan) -> Life:
    """One complaint, from its registration to the plan's stage."""
    h, rng = v.h, v.rng
    supervisor, county = v.supervisor, v.supervisor.staff_profile.unit
    unit = county if plan.channel != "ONLINE" or rng.random() < 0.6 else Unit.objects.get(code="T01")
    desks = [d for d in h.cast.desks if d.unit.pk == unit.pk]
    desk = rng.choice(desks)
    clerk = desk.a
    subject: dict[str, Any] = {}
    if plan.about == "STAFF":
        subject["staff"] = (desk.b if desk.b is not None and rng.random() < 0.4 else desk.a).badge_number
    elif plan.about == "WINDOW":
        subject["window"] = v.window_of[desk.a.pk].number
    elif plan.about == "CASE":
        case = (Case.objects.filter(unit=unit, received_at__lt=h.t - dt.timedelta(days=7))
                .exclude(first_handler=None).order_by("-received_at").first())
        if case is not None:
            subject["case_number"] = case.number
            if plan.by_clerk:  # the clerk on duty at the desk takes it (never one about their own case)
                clerk = next((d.a for d in desks if d.a.pk != case.first_handler_id), desk.a)
    identity: dict[str, Any] = {} if plan.anonymous else {"name": person_name(rng), "phone": synthetic_mobile(rng)}
    kind_about: dict[str, Any] = {"kind": plan.kind, "subject_type": plan.about if subject or plan.about == "UNIT" else "UNIT"}
    if plan.channel == "ONLINE":
        complaint = complaints.submit_online_complaint(
            unit_code=unit.code, matter=MATTERS[plan.kind], now=h.t, ip=f"198.51.100.{rng.randrange(2, 250)}",
            anonymous=plan.anonymous, **kind_about, **{k: s for k, s in subject.items() if k != "subject_unit"},
            **identity)
    else:
        actor = clerk.user if plan.by_clerk else supervisor
        complaint = complaints.register_complaint(
            actor=actor, channel=plan.channel, matter=MATTERS[plan.kind], now=h.t, anonymous=plan.anonymous,
            written=plan.channel == "DESK", **kind_about, **subject, **identity)
    number = complaint.number
    if plan.stage == "transferred":
        yield v.soon(60, 150)
        complaints.transfer_complaint(actor=supervisor, number=number, unit=TRANSFER_TO, now=h.t,
                                      note="反映的不动产登记资料查询事项由县自然资源局（不动产登记中心）负责，不属于中心职责")
        return
    if plan.stage == "received":
        return
    yield v.soon(30, 120)
    complaints.investigate_complaint(actor=supervisor, number=number, now=h.t,
                                     notes="已调取窗口监控和办件记录，询问当事工作人员")
    if plan.stage == "investigating":
        return
    yield v.next_day(2)
    complaints.handle_complaint(actor=supervisor, number=number, now=h.t,
                                nature="属实" if plan.confirm or rng.random() < 0.5 else "部分属实",
                                opinion="对当事人批评教育，窗口加强服务规范培训" if plan.about != "UNIT"
                                else "建议在中心设置查询终端，已报中心研究")
    if plan.confirm:
        yield v.soon()
        complaints.confirm_complaint(actor=supervisor, number=number, now=h.t)
    if plan.stage == "handled":
        return
    if not plan.anonymous:
        due = Complaint.objects.values_list("reply_due_on", flat=True).get(number=number)
        if plan.late:
            yield v.moment(h.workday(due, 2))
        else:
            yield v.next_day(1)
        complaints.reply_complaint(actor=supervisor, number=number, reply=rng.choice(REPLIES), now=h.t,
                                   late_reason=LATE_REASON if plan.late else "")
        if plan.stage == "replied":
            return
    yield v.next_day(1)
    complaints.archive_complaint(actor=supervisor, number=number, now=h.t)


def issue_demo_pad(v: Voice) -> None:
    """Issue a rating pad for window1's window at the county center and show its one-time activation code."""
    profile = StaffProfile.objects.get(user__username="window1")
    window = v.window_of.get(profile.pk)
    if window is None:
        return
    pad, code = issue_pad(actor=v.supervisor, window_id=window.pk, label=f"{window.number}号窗口评价器", now=v.h.t)
    v.h.progress(f"评价器：已为{window.unit.name}{window.number}号窗口发放评价器，平板浏览器打开 /pad/ 输入一次性激活码"
                 f" {code}（24小时内有效；过期后由 supervisor1 在 评价器 页面重新发放）")
