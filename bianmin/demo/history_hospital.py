"""A realistic week at the hospital's 便民服务中心 (issue 14, decision 0026), made through the real services at the end
of the history, each step with ``now`` at the past moment it happened:

- about twenty cases across the hospital's items (转院协调, 会诊协调, 医保和医疗救助协助, 咨询导诊, 入院登记, 来访接待,
  领导交办), each with its patient (diagnosis and ward sealed at rest) where there is one, received and accepted by the
  desk's A and B (``yy_window1``, ``yy_window2``) and decided within their hours or working days;
- coordination requests to the 科室 in every state: answered and told, refused (one told, one not yet), raised to
  医务科 (one answered, one still open there), withdrawn, answered and not yet told, open (one near its reply time,
  reminded by the sweep) — and one answered late: the scheduled sweep's hospital step (``hospital.sweep.run``)
  records it 40 minutes after its reply time (a COORDINATION_LATE record of 神经内科's 首席责任人), the 科室 answers
  after that, the family is told and rates the service (the issue's acceptance journey); the 科室 files its
  statement and the supervisor proposes a 口头告诫 that evening, waiting for the leader;
- 便民活动: a 义诊 held last week with its attendance, a 健康讲座 published for next week, a 志愿服务 published and
  cancelled with the reason, a 健康筛查 only planned (not on the board);
- patients' and families' opinions: every case delivered is rated on the spot (most naming the 科室 concerned), an
  online complaint about 住院处 handled and answered by the supervisor, a phone complaint about 急诊科 just
  registered at the desk.

Old steps fall on the days before today in office hours; the requests still open are made in the hours before "now"
(moved back to the afternoon before when "now" is early or late in the day), with reply times that end after "now",
so the sweep that ends the history records only the one late reply. Everything draws from its own random generator
(``SEED``), and the random history leaves the hospital's own items and cast out (``SCRIPTED_ITEMS``,
``SCRIPTED_STAFF``), rates nothing already rated and sees the late record handled before any weekly round: so the
rest of the history draws the same numbers with or without the week (a monthly 联席会议 held after the late record
may still list it on its agenda). The week is the same each time relative to the day it is loaded. A step the rules
refuse ends its life and is counted, never forced.
"""
from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from bianmin.accountability import services as acc
from bianmin.accountability.models import Severity, Violation, ViolationKind
from bianmin.cases import services as svc
from bianmin.cases.models import Case, DeliveryMethod
from bianmin.cases.services import ApplicantData, MaterialRow
from bianmin.catalog.models import ItemVersion, MaterialSource, Necessity
from bianmin.complaints import services as complaints
from bianmin.hospital import services as hs
from bianmin.hospital import sweep as hospital_sweep
from bianmin.hospital.models import EventKind, Relation, Topic
from bianmin.org.models import StaffProfile, Unit
from bianmin.ratings import services as ratings
from bianmin.ratings.models import Level, Subject

from .people import synthetic_credit_code, synthetic_id, synthetic_landline, synthetic_mobile
from .seed import HOSPITAL_LOGINS

if TYPE_CHECKING:
    from .history import History, Life

SEED = 14
DESK = "YY1"
# The hospital's items (``items_data``).
CONSULT_DESK, INSURANCE, TRANSFER, CONSULTATION, VISIT, ASSIGNED = (
    "YX-0035", "YX-0036", "YX-0037", "YX-0038", "YX-0039", "YX-0040")
ADMISSION = "YX-0030"
# Only this week uses the hospital's own items and cast: the random history leaves them out (``history.load_cast``),
# so it draws the same numbers with or without them.
SCRIPTED_ITEMS = (CONSULT_DESK, INSURANCE, TRANSFER, CONSULTATION, VISIT, ASSIGNED)
SCRIPTED_STAFF = tuple(username for username, *_rest in HOSPITAL_LOGINS)
# The 科室 (``seed.HOSPITAL_DEPTS``).
XNK, SJNK, GK, JZK, YWK, YBB, ZYC, CWK, BAS = (f"YY1K{n:02d}" for n in range(1, 10))
LATE_AFTER = dt.timedelta(minutes=40)  # the sweep runs this long after the late request's reply time
ADDRESS = "云溪县{town}{village}{group}组{house}号"
TOWNS = [("青石镇", ["青石村", "溪口村"]), ("桃源镇", ["桃花村", "柳塘村"]), ("城关街道", ["文昌社区", "南门社区"])]


@dataclass(frozen=True)
class Family:
    """Who comes to the desk (the applicant) and the patient they come for (``relation``: the applicant to the
    patient, ``Relation``); the diagnosis and ward are written into the sealed patient record only."""

    applicant: str
    age: int
    patient: str = ""
    relation: str = Relation.SELF
    diagnosis: str = ""
    ward: str = ""


# A family's rating at delivery: level, channel, comment, the 科室 it concerns ("" for none). Every case this week
# delivers is rated on the spot, so the history's rating rounds (``history_voice``) never draw for it.
Rating = tuple[int, str, str, str]


class Week:
    """The desk's cast and clock helpers for the week."""

    def __init__(self, h: History, desk: Unit, staff: dict[str, StaffProfile], departments: dict[str, Unit],
                 versions: dict[str, ItemVersion], past_workdays: list[dt.date]) -> None:
        self.h = h
        self.versions = versions
        self.rng = random.Random(SEED)
        self.desk = desk
        self.staff = staff
        self.departments = departments
        self.past_workdays = past_workdays
        self.a, self.b = staff["yy_window1"], staff["yy_window2"]

    # ---- time ----

    def day_at(self, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        """A moment ``days_ago`` days before today (any day: the desk works every day)."""
        return self.h.at(self.h.today - dt.timedelta(days=days_ago), dt.time(hour, minute))

    def workday_at(self, workdays_ago: int, hour: int, minute: int = 0) -> dt.datetime | None:
        """A moment on the ``workdays_ago``-th working day before today; None when the history has fewer."""
        if len(self.past_workdays) < workdays_ago:
            return None
        return self.h.at(self.past_workdays[-workdays_ago], dt.time(hour, minute))

    def recent(self, span: dt.timedelta) -> dt.datetime:
        """The latest moment in the day's working hours from which ``span`` still ends before now (the afternoon
        before, when now is early in the morning)."""
        latest = timezone.localtime(self.h.now - span - dt.timedelta(minutes=5)).replace(second=0, microsecond=0)
        if latest.time() < dt.time(8, 0):
            return self.h.at(latest.date() - dt.timedelta(days=1), dt.time(15, 30))
        if latest.time() > dt.time(16, 30):
            return self.h.at(latest.date(), dt.time(16, 30))
        return latest

    def next_workday_at(self, hour: int, minute: int = 0) -> dt.datetime:
        """A moment on the working day after the current step's day."""
        day = self.h.calendar.next_workday(self.h.day_of(self.h.t), include_today=False).date
        return self.h.at(day, dt.time(hour, minute))

    def after(self, minutes: int) -> dt.datetime:
        """A few minutes (up to a fifth more) after the current step."""
        return self.h.t + dt.timedelta(minutes=minutes + self.rng.randrange(0, max(1, minutes // 5) + 1))

    def hours_until_after_now(self, sent: dt.datetime, margin: dt.timedelta) -> int:
        """Reply hours for a request sent at ``sent`` that is still open at now, due ``margin`` or a little more
        after now."""
        return max(1, math.ceil((self.h.now - sent + margin).total_seconds() / 3600))

    # ---- people ----

    def user(self, username: str) -> Any:
        return self.staff[username].user

    def dept(self, code: str) -> int:
        return self.departments[code].pk

    def address(self) -> str:
        town, villages = self.rng.choice(TOWNS)
        return ADDRESS.format(town=town, village=self.rng.choice(villages), group=self.rng.randrange(1, 12),
                              house=self.rng.randrange(1, 60))

    def person(self, family: Family) -> ApplicantData:
        born = self.h.today - dt.timedelta(days=family.age * 365 + self.rng.randrange(30, 330))
        return {"kind": "PERSON", "name": family.applicant, "id_type": "RESIDENT_ID",
                "id_number": synthetic_id(self.rng, born=born), "phone": synthetic_mobile(self.rng),
                "address": self.address()}

    # ---- case steps ----

    def receive(self, clerk: StaffProfile, code: str, applicant: ApplicantData, family: Family | None) -> str:
        """Receive the application with every required material, and record its patient."""
        version = self.versions[code]
        case = svc.receive_case(actor=clerk.user, item_code=code, applicant=applicant,
                                materials=materials_of(version), now=self.h.t)
        self.h.stats.cases += 1
        if family is not None and family.patient:
            hs.record_patient(actor=clerk.user, number=case.number, patient_name=family.patient,
                              relation=family.relation, diagnosis=family.diagnosis, ward=family.ward,
                              now=self.h.t + dt.timedelta(minutes=2))
        return case.number

    def accept(self, clerk: StaffProfile, number: str) -> None:
        """受理 and 开始办理 at once (the desk hands nothing over)."""
        svc.accept_case(actor=clerk.user, number=number, now=self.h.t)
        svc.start_case(actor=clerk.user, number=number, now=self.h.t + dt.timedelta(minutes=1))

    def finish(self, clerk: StaffProfile, number: str, reasons: str, *, rating: Rating | None = None) -> None:
        """Decide (done), hand the result over at the desk and, with ``rating`` (level, channel, comment, 科室 code),
        let the family rate it at once (before any rating round of the history could)."""
        svc.decide_case(actor=clerk.user, number=number, outcome="GRANTED", reasons=reasons, now=self.h.t)
        self.deliver(clerk, number, rating=rating, minutes=10)

    def deliver(self, clerk: StaffProfile, number: str, *, rating: Rating | None = None, minutes: int = 3) -> None:
        moment = self.h.t + dt.timedelta(minutes=minutes)
        name = Case.objects.values_list("applicant_name", flat=True).get(number=number)
        svc.deliver_case(actor=clerk.user, number=number, method=DeliveryMethod.PICKUP, received_by=name, now=moment)
        if rating is not None:
            level, channel, comment, department = rating
            case = Case.objects.select_related("unit", "first_handler", "received_by").get(number=number)
            ratings.record_rating(subject=Subject.CASE, instance=case, level=level, comment=comment, channel=channel,
                                  now=moment + dt.timedelta(minutes=4), evaluator_name=case.applicant_name,
                                  evaluator_phone=case.applicant_phone or "", department=department)

    def health_read(self, username: str, number: str, purpose: str) -> None:
        """A 科室 reads the patient's diagnosis and ward before answering (an audited read)."""
        hs.read_patient_health(actor=self.user(username), case=Case.objects.select_related("unit").get(number=number),
                               now=self.h.t, purpose=purpose)


def materials_of(version: ItemVersion) -> list[MaterialRow]:
    """The materials handed in: every required and deferrable one the applicant brings (no 容缺, no 补正)."""
    return [{"material": m.name, "received_as": "PAPER", "copies": m.copies or 1} for m in version.materials.all()
            if m.source != MaterialSource.GOVERNMENT and m.necessity != Necessity.OPTIONAL]


# ---- the cases ------------------------------------------------------------------------------------------------------

def transfer_told(w: Week) -> Life:
    """转院协调: 心内科 assesses the transport risk, 医务科 finds a bed at the city hospital; the family is told, the
    case done the same day and rated."""
    family = Family("王建军", 46, "王秀兰", Relation.CHILD, "急性前壁心肌梗死，经皮冠状动脉介入治疗术后，需转上级医院评估"
                    "冠状动脉搭桥手术", "心内科二病区12床")
    number = w.receive(w.a, TRANSFER, w.person(family), family)
    yield w.after(6)
    w.accept(w.a, number)
    yield w.after(10)
    to_xnk = hs.send_request(actor=w.a.user, number=number, department_id=w.dept(XNK), topic=Topic.TRANSFER,
                             question="患者家属要求转市第一人民医院心外科，请评估转运风险并开具转诊单", reply_hours=4,
                             now=w.h.t)
    to_ywk = hs.send_request(actor=w.a.user, number=number, department_id=w.dept(YWK), topic=Topic.TRANSFER,
                             question="请联系市第一人民医院心外科，落实接收床位和转运时间", reply_hours=6, now=w.h.t)
    yield w.after(95)
    w.health_read("yy_xnk1", number, "评估转运风险")
    hs.answer_request(actor=w.user("yy_xnk1"), request_id=to_xnk.pk, now=w.h.t,
                      answer="患者生命体征平稳，可在心电监护下转运，需医师和护士各1名随车；转诊单已开具")
    yield w.after(70)
    hs.answer_request(actor=w.user("yy_ywk1"), request_id=to_ywk.pk, now=w.h.t,
                      answer="已与市第一人民医院心外科联系，今日16:00前可接收，床位已预留；急诊科派救护车转运")
    yield w.after(15)
    hs.tell_family(actor=w.a.user, request_id=to_xnk.pk, now=w.h.t, send_sms=True,
                   note="当面告知家属王建军：可以转运，需医护人员随车，转诊单已开具")
    hs.tell_family(actor=w.a.user, request_id=to_ywk.pk, now=w.h.t + dt.timedelta(minutes=2),
                   note="当面告知家属：市第一人民医院心外科今日16:00前接收，救护车14:30出发")
    yield w.after(20)
    w.finish(w.a, number, "已落实接收医院和床位，家属已签署转院知情同意书，当日转院",
             rating=(Level.VERY_SATISFIED, "SMS", "医务科联系上级医院很快，当天就转过去了", YWK))


def transfer_late(w: Week) -> Life:
    """The issue's journey: a family asks for a 转院; the desk asks 神经内科 and 财务科; 神经内科 answers after its
    reply time — the sweep records it first — the family is told and rates the service."""
    family = Family("陈丽娟", 41, "陈德明", Relation.CHILD, "脑梗死（左侧基底节区），病情稳定，家属要求转市中心医院康复医学科",
                    "神经内科病区7床")
    number = w.receive(w.b, TRANSFER, w.person(family), family)
    yield w.after(5)
    w.accept(w.b, number)
    yield w.after(8)
    late = hs.send_request(actor=w.b.user, number=number, department_id=w.dept(SJNK), topic=Topic.TRANSFER,
                           question="家属要求转市中心医院康复医学科继续治疗，请评估能否转院并出具病情摘要",
                           reply_hours=4, now=w.h.t)
    billing = hs.send_request(actor=w.b.user, number=number, department_id=w.dept(CWK), topic=Topic.BILLING,
                              question="患者拟转院，请安排转院当日的出院结算", reply_hours=4, now=w.h.t)
    yield w.after(55)
    hs.answer_request(actor=w.user("yy_cwk1"), request_id=billing.pk, now=w.h.t,
                      answer="已核对住院费用，转院当日可在病区床旁结算，医保报销部分直接结算")
    yield late.due_at + LATE_AFTER
    hospital_sweep.run(w.h.t)  # the scheduled sweep: 神经内科 has not answered in time
    yield w.after(50)
    w.health_read("yy_sjnk1", number, "评估能否转院")
    hs.answer_request(actor=w.user("yy_sjnk1"), request_id=late.pk, now=w.h.t,
                      answer="患者病情稳定，可以转院；病情摘要和影像资料已交护士站，建议明日上午转运")
    violation = Violation.objects.get(kind=ViolationKind.COORDINATION_LATE, case__number=number)
    acc.file_statement(actor=w.user("yy_sjnk1"), pk=violation.pk, now=w.h.t + dt.timedelta(minutes=5),
                       text="当日上午科室连续收治两例急诊溶栓患者，转院评估延后，已向家属说明并致歉")
    yield w.after(20)
    hs.tell_family(actor=w.b.user, request_id=billing.pk, now=w.h.t,
                   note="电话告知家属陈丽娟：转院当日可在病区床旁结算")
    hs.tell_family(actor=w.b.user, request_id=late.pk, now=w.h.t + dt.timedelta(minutes=3), send_sms=True,
                   note="电话告知家属：可以转院，明日上午转运，病情摘要在护士站领取；并就答复延迟致歉")
    yield w.after(25)
    w.finish(w.b, number, "神经内科评估可以转院，已联系市中心医院康复医学科，家属已签署转院知情同意书",
             rating=(Level.SATISFIED, "QR", "神经内科回复慢了些，服务中心一直在跟进，最后办好了", SJNK))
    # The supervisor reviews the record that evening (so no weekly round of the history finds it open) and proposes
    # the mildest sanction; the leader has yet to decide.
    yield w.after(40)
    acc.propose_sanction(actor=w.h.cast.supervisor, pk=violation.pk, severity=Severity.MINOR, sanction="口头告诫",
                         reason="答复超时约一小时，首次发生，已向家属致歉，情节较轻", now=w.h.t)


def consultation_raised(w: Week) -> Life:
    """会诊协调: 骨科 raises the request to 医务科 (a multi-disciplinary consultation), which answers; 心内科 assesses
    the heart before surgery; the family is told of both."""
    family = Family("赵永福", 67, "赵永福", Relation.SELF, "2型糖尿病足（左足溃疡），合并下肢周围血管病变", "骨科病区21床")
    number = w.receive(w.a, CONSULTATION, w.person(family), family)
    yield w.after(6)
    w.accept(w.a, number)
    yield w.after(10)
    to_gk = hs.send_request(actor=w.a.user, number=number, department_id=w.dept(GK), topic=Topic.CONSULTATION,
                            question="患者本人要求请外科和内分泌专家会诊，确定能否保肢治疗", reply_hours=8, now=w.h.t)
    to_xnk = hs.send_request(actor=w.a.user, number=number, department_id=w.dept(XNK), topic=Topic.CONSULTATION,
                             question="患者拟行清创手术，请做术前心功能评估", reply_hours=8, now=w.h.t)
    yield w.after(110)
    w.health_read("yy_gk1", number, "确定会诊科室")
    hs.escalate_request(actor=w.user("yy_gk1"), request_id=to_gk.pk, to_department_id=w.dept(YWK), now=w.h.t,
                        note="需内分泌科、血管外科和骨科多学科会诊，血管外科需邀请市医院专家，请医务科统筹")
    yield w.after(80)
    hs.answer_request(actor=w.user("yy_xnk1"), request_id=to_xnk.pk, now=w.h.t,
                      answer="心功能Ⅱ级，可耐受清创手术，术中注意控制血压")
    yield w.after(100)
    hs.answer_request(actor=w.user("yy_ywk2"), request_id=to_gk.pk, now=w.h.t,
                      answer="已定于明日上午9:00在骨科示教室多学科会诊，市人民医院血管外科专家到场")
    yield w.after(20)
    hs.tell_family(actor=w.a.user, request_id=to_xnk.pk, now=w.h.t, note="当面告知患者：心功能可耐受手术")
    hs.tell_family(actor=w.a.user, request_id=to_gk.pk, now=w.h.t + dt.timedelta(minutes=2),
                   note="当面告知患者：明日上午9:00多学科会诊，请家属到场")
    yield w.h.at(w.h.day_of(w.h.t) + dt.timedelta(days=1), dt.time(11, 20))
    w.finish(w.a, number, "已于今日上午组织多学科会诊，会诊意见已记入病历并由主管医师向患者说明",
             rating=(Level.VERY_SATISFIED, "QR", "几个科室的专家一起会诊，讲得很清楚", YWK))


def consultation_refused(w: Week) -> Life:
    """会诊协调: 急诊科 cannot do it now and says why (the family is told), 医务科 arranges it the next morning."""
    family = Family("李秀珍", 63, "孙国华", Relation.SPOUSE, "慢性阻塞性肺疾病急性加重，Ⅱ型呼吸衰竭", "急诊科抢救室3床")
    number = w.receive(w.b, CONSULTATION, w.person(family), family)
    yield w.after(6)
    w.accept(w.b, number)
    yield w.after(10)
    to_jzk = hs.send_request(actor=w.b.user, number=number, department_id=w.dept(JZK), topic=Topic.CONSULTATION,
                             question="家属要求请市医院呼吸科专家院外会诊", reply_hours=6, now=w.h.t)
    yield w.after(45)
    hs.refuse_request(actor=w.user("yy_jzk1"), request_id=to_jzk.pk, now=w.h.t,
                      reason="患者在抢救室，生命体征尚不稳定，暂不具备院外专家会诊条件；转入病区后由主管科室提出")
    yield w.after(15)
    hs.tell_family(actor=w.b.user, request_id=to_jzk.pk, now=w.h.t,
                   note="当面向家属李秀珍说明急诊科意见，家属表示理解，同意转入病区后再会诊")
    to_ywk = hs.send_request(actor=w.b.user, number=number, department_id=w.dept(YWK), topic=Topic.CONSULTATION,
                             question="患者转入病区后，请联系市人民医院呼吸与危重症医学科专家院外会诊", reply_hours=24,
                             now=w.h.t + dt.timedelta(minutes=3))
    yield w.h.at(w.h.day_of(w.h.t) + dt.timedelta(days=1), dt.time(9, 10))
    w.health_read("yy_ywk1", number, "联系院外会诊专家")
    hs.answer_request(actor=w.user("yy_ywk1"), request_id=to_ywk.pk, now=w.h.t,
                      answer="已发出会诊邀请，市人民医院呼吸科专家今日14:00到院会诊，会诊费按标准计入住院费用")
    yield w.after(20)
    hs.tell_family(actor=w.b.user, request_id=to_ywk.pk, now=w.h.t, send_sms=True,
                   note="电话告知家属：今日14:00院外专家会诊，费用标准已说明，家属同意")
    yield w.after(20)
    w.finish(w.b, number, "已安排院外专家会诊，会诊时间和费用已告知家属",
             rating=(Level.SATISFIED, "SMS", "", JZK))


def insurance_told(w: Week) -> Life:
    """医保和医疗救助: 医保办 confirms the 低保 status for the one-stop settlement, 财务科 the balance; done the next
    working day and rated."""
    family = Family("周海涛", 44, "周桂兰", Relation.CHILD, "右股骨颈骨折，人工髋关节置换术后", "骨科病区15床")
    number = w.receive(w.a, INSURANCE, w.person(family), family)
    yield w.after(5)
    w.accept(w.a, number)
    yield w.after(10)
    to_ybb = hs.send_request(actor=w.a.user, number=number, department_id=w.dept(YBB), topic=Topic.INSURANCE,
                             question="患者为低保对象，请核验救助身份，出院时按基本医保、大病保险、医疗救助一站式结算",
                             reply_hours=24, now=w.h.t)
    to_cwk = hs.send_request(actor=w.a.user, number=number, department_id=w.dept(CWK), topic=Topic.BILLING,
                             question="请核对预交金余额，家属询问是否需要续交", reply_hours=8, now=w.h.t)
    yield w.after(90)
    hs.answer_request(actor=w.user("yy_cwk1"), request_id=to_cwk.pk, now=w.h.t,
                      answer="预交金余额1860元，按医疗救助后的个人自付测算无需续交")
    yield w.after(120)
    hs.answer_request(actor=w.user("yy_ybb1"), request_id=to_ybb.pk, now=w.h.t,
                      answer="已通过民政共享数据核验低保身份，医疗救助待遇已登记，出院时一站式结算")
    yield w.after(15)
    hs.tell_family(actor=w.a.user, request_id=to_cwk.pk, now=w.h.t, note="电话告知家属周海涛：无需续交预交金")
    hs.tell_family(actor=w.a.user, request_id=to_ybb.pk, now=w.h.t + dt.timedelta(minutes=2), send_sms=True,
                   note="电话告知家属：医疗救助身份已核验，出院一站式结算，只需支付个人自付部分")
    yield w.next_workday_at(9, 40)
    w.finish(w.a, number, "医疗救助身份已核验并登记，出院时一站式结算",
             rating=(Level.VERY_SATISFIED, "SMS", "不用跑民政局，医院一站式就办好了", YBB))


def insurance_open(w: Week) -> Life:
    """医保和医疗救助, in the last hours: 医保办 has not answered yet (its reply time ends after now); 财务科 has
    answered and the desk has yet to call the family."""
    family = Family("吴志明", 58, "吴志明", Relation.SELF, "社区获得性肺炎，高血压3级（很高危）", "心内科一病区5床")
    number = w.receive(w.b, INSURANCE, w.person(family), family)
    yield w.after(5)
    w.accept(w.b, number)
    yield w.after(10)
    hs.send_request(actor=w.b.user, number=number, department_id=w.dept(YBB), topic=Topic.INSURANCE,
                    question="患者为外省参保，尚未办理异地就医备案，请协助备案并确认能否直接结算",
                    reply_hours=w.hours_until_after_now(w.h.t, dt.timedelta(hours=18)), now=w.h.t)
    to_cwk = hs.send_request(actor=w.b.user, number=number, department_id=w.dept(CWK), topic=Topic.BILLING,
                             question="备案完成前，请告知需先按自费缴纳的预交金金额", reply_hours=8, now=w.h.t)
    yield w.after(60)
    hs.answer_request(actor=w.user("yy_cwk1"), request_id=to_cwk.pk, now=w.h.t,
                      answer="备案完成前按自费预交3000元，备案后按医保结算，多退少补")


def transfer_open(w: Week) -> Life:
    """转院协调, in the last hours: 急诊科 raises it to 医务科, where it is still open; the bed asked of 住院处 is
    withdrawn once the family chooses the transfer."""
    family = Family("黄晓峰", 35, "黄子轩", Relation.PARENT, "急性阑尾炎穿孔合并局限性腹膜炎（6岁）", "急诊科留观室2床")
    number = w.receive(w.a, TRANSFER, w.person(family), family)
    yield w.after(5)
    w.accept(w.a, number)
    yield w.after(8)
    hours = w.hours_until_after_now(w.h.t, dt.timedelta(hours=12))
    to_jzk = hs.send_request(actor=w.a.user, number=number, department_id=w.dept(JZK), topic=Topic.TRANSFER,
                             question="家属要求转市儿童医院小儿外科，请评估转运条件", reply_hours=hours, now=w.h.t)
    to_zyc = hs.send_request(actor=w.a.user, number=number, department_id=w.dept(ZYC), topic=Topic.BED,
                             question="如暂不转院，请预留儿童病床一张", reply_hours=4, now=w.h.t)
    yield w.after(40)
    hs.escalate_request(actor=w.user("yy_jzk2"), request_id=to_jzk.pk, to_department_id=w.dept(YWK), now=w.h.t,
                        note="患儿可以转运，需医务科与市儿童医院小儿外科对接床位和手术安排")
    yield w.after(25)
    hs.withdraw_request(actor=w.a.user, request_id=to_zyc.pk, now=w.h.t, reason="家属决定转院，不再需要本院病床")


def consultation_due_soon(w: Week) -> Life:
    """会诊协调, sent hours ago to 神经内科 and due within the hour and a half: the sweep has reminded it."""
    family = Family("杨春花", 52, "杨国庆", Relation.SPOUSE, "帕金森病，吞咽困难加重", "神经内科病区11床")
    number = w.receive(w.b, CONSULTATION, w.person(family), family)
    yield w.after(5)
    w.accept(w.b, number)
    yield w.after(10)
    hs.send_request(actor=w.b.user, number=number, department_id=w.dept(SJNK), topic=Topic.CONSULTATION,
                    question="家属要求请康复医学和营养科会诊，评估是否需要鼻饲",
                    reply_hours=w.hours_until_after_now(w.h.t, dt.timedelta(minutes=40)), now=w.h.t)


def guidance(w: Week, clerk: StaffProfile, applicant: str, age: int, rating: Rating) -> Life:
    """咨询导诊 answered on the spot (即办), rated at once."""
    family = Family(applicant, age)
    number = w.receive(clerk, CONSULT_DESK, w.person(family), None)
    yield w.after(3)
    svc.accept_immediately(actor=clerk.user, number=number, now=w.h.t)
    w.deliver(clerk, number, rating=rating)


def guidance_bed(w: Week) -> Life:
    """咨询导诊 within the hour: 住院处 is asked about a bed, answers in half an hour, the family is told."""
    family = Family("马丽华", 39, "马玉梅", Relation.CHILD, "2型糖尿病伴血糖控制不佳，门诊建议住院", "待入院")
    number = w.receive(w.a, CONSULT_DESK, w.person(family), family)
    yield w.after(2)
    w.accept(w.a, number)
    yield w.after(3)
    request = hs.send_request(actor=w.a.user, number=number, department_id=w.dept(ZYC), topic=Topic.BED,
                              question="门诊开具住院通知单（内分泌方向，收心内科一病区），家属询问今日能否入院",
                              reply_hours=1, now=w.h.t)
    yield w.after(25)
    hs.answer_request(actor=w.user("yy_zyc1"), request_id=request.pk, now=w.h.t,
                      answer="心内科一病区今日15:00后有空床，可办理入院登记")
    yield w.after(5)
    hs.tell_family(actor=w.a.user, request_id=request.pk, now=w.h.t, note="当面告知家属：今日15:00后可办理入院")
    yield w.after(3)
    w.finish(w.a, number, "已答复可入院时间，并引导至入院登记窗口",
             rating=(Level.VERY_SATISFIED, "QR", "一个小时内就问清楚了，不用自己到处跑", ZYC))


def admission(w: Week, clerk: StaffProfile, family: Family, rating: Rating) -> Life:
    """入院登记 on the spot (即办) with the patient recorded, rated at once."""
    number = w.receive(clerk, ADMISSION, w.person(family), family)
    yield w.after(4)
    svc.accept_immediately(actor=clerk.user, number=number, now=w.h.t)
    w.deliver(clerk, number, rating=rating)


def partner_visit(w: Week) -> Life:
    """来访接待: 青石镇卫生院 (a partner of the 医共体) sends three doctors for training; 医务科 arranges it the next
    working day and the visitor is told."""
    rng = w.rng
    applicant: ApplicantData = {"kind": "ORGANISATION", "name": "云溪县青石镇卫生院",
                                "credit_code": synthetic_credit_code(rng, kind="12"), "legal_rep": "邹建平",
                                "contact": "唐晓梅", "phone": synthetic_landline(rng), "address": "云溪县青石镇青石街18号"}
    number = w.receive(w.a, VISIT, applicant, None)
    yield w.after(5)
    w.accept(w.a, number)
    yield w.after(10)
    answer_by = w.next_workday_at(12, 0)  # the next working day, even after a weekend
    request = hs.send_request(actor=w.a.user, number=number, department_id=w.dept(YWK), topic=Topic.OTHER,
                              question="青石镇卫生院3名医师来院进修（心内科、急诊科方向），请安排进修科室和带教老师",
                              reply_hours=math.ceil((answer_by - w.h.t).total_seconds() / 3600), now=w.h.t)
    yield answer_by - dt.timedelta(hours=2, minutes=35)
    hs.answer_request(actor=w.user("yy_ywk1"), request_id=request.pk, now=w.h.t,
                      answer="已安排2人到心内科、1人到急诊科进修3个月，下周一上午8:00到医务科报到")
    yield w.after(20)
    hs.tell_family(actor=w.a.user, request_id=request.pk, now=w.h.t,
                   note="电话告知青石镇卫生院联系人唐晓梅：进修科室和报到时间已安排")
    yield w.after(10)
    w.finish(w.a, number, "已安排进修科室、带教老师和报到时间，并告知来访单位",
             rating=(Level.VERY_SATISFIED, "SMS", "安排周到，联系及时", YWK))


def assigned_letter(w: Week) -> Life:
    """领导交办 (a letter to the director's mailbox): 病案室 copies the record, 财务科 cannot check the bill alone
    and says so — the desk has not told the family yet; the case runs on."""
    family = Family("何建国", 48, "何春花", Relation.CHILD, "冠状动脉粥样硬化性心脏病，已出院", "心内科二病区（已出院）")
    number = w.receive(w.b, ASSIGNED, w.person(family), family)
    yield w.after(5)
    w.accept(w.b, number)
    yield w.after(15)
    to_bas = hs.send_request(actor=w.b.user, number=number, department_id=w.dept(BAS), topic=Topic.OTHER,
                             question="院长批示：家属反映出院费用清单与实际用药不符，请加急复印住院病历（医嘱单、费用清单）",
                             reply_hours=24, now=w.h.t)
    to_cwk = hs.send_request(actor=w.b.user, number=number, department_id=w.dept(CWK), topic=Topic.BILLING,
                             question="院长批示：请核查该患者费用清单中的药品费用", reply_hours=24, now=w.h.t)
    yield w.after(150)
    hs.answer_request(actor=w.user("yy_bas1"), request_id=to_bas.pk, now=w.h.t,
                      answer="病历已归档，医嘱单和费用清单复印件已盖章，可到病案室领取")
    yield w.after(40)
    hs.refuse_request(actor=w.user("yy_cwk1"), request_id=to_cwk.pk, now=w.h.t,
                      reason="费用已于出院时结算，药品费用核查需由医保办会同药剂科逐条核对医嘱，财务科不能单独办理")


# ---- 便民活动 -------------------------------------------------------------------------------------------------------

def free_clinic(w: Week) -> Life:
    """A 义诊 planned and published over a week ahead, held last week, its attendance recorded that afternoon."""
    clerk = w.a.user
    starts = w.day_at(5, 8, 30)
    event = hs.plan_event(actor=clerk, kind=EventKind.FREE_CLINIC, title="心脑血管病专家义诊", place="门诊楼前广场",
                          starts_at=starts, ends_at=starts + dt.timedelta(hours=3), capacity=150,
                          description="心内科、神经内科专家免费测血压、血糖，解答心脑血管病防治问题",
                          department_ids=[w.dept(XNK), w.dept(SJNK)], now=w.h.t)
    yield w.after(30)
    hs.publish_event(actor=clerk, event_id=event.pk, now=w.h.t)
    yield starts + dt.timedelta(hours=6, minutes=30)
    hs.record_attendance(actor=clerk, event_id=event.pk, attendance=126, now=w.h.t,
                         summary="测血压、血糖126人次，发放健康手册200份，18人预约专科复查")


def health_talk(w: Week, starts: dt.datetime) -> Life:
    """A 健康讲座 for next week, published."""
    clerk = w.b.user
    event = hs.plan_event(actor=clerk, kind=EventKind.HEALTH_TALK, title="高血压和糖尿病的家庭管理",
                          place="门诊楼三楼学术报告厅", starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
                          capacity=120, description="心内科主任讲解家庭血压测量、合理用药和饮食运动，现场答疑",
                          department_ids=[w.dept(XNK)], now=w.h.t)
    yield w.after(40)
    hs.publish_event(actor=clerk, event_id=event.pk, now=w.h.t)


def volunteers_cancelled(w: Week, starts: dt.datetime) -> Life:
    """A 志愿服务 published, then cancelled with the reason (the board shows it until its date)."""
    clerk = w.a.user
    event = hs.plan_event(actor=clerk, kind=EventKind.VOLUNTEER, title="“陪诊助老”志愿服务", place="门诊大厅",
                          starts_at=starts, ends_at=starts + dt.timedelta(hours=3),
                          description="志愿者为独自就医的老年人提供挂号、缴费、取药陪诊服务", now=w.h.t)
    yield w.after(20)
    hs.publish_event(actor=clerk, event_id=event.pk, now=w.h.t)
    yield w.day_at(1, 15, 10)
    hs.cancel_event(actor=clerk, event_id=event.pk, now=w.h.t,
                    reason="志愿者培训时间调整，本次活动改期举行，具体时间另行公布")


def screening_planned(w: Week, starts: dt.datetime) -> Life:
    """A 健康筛查 only planned (not yet on the board)."""
    hs.plan_event(actor=w.b.user, kind=EventKind.SCREENING, title="老年人骨密度免费筛查", place="门诊楼二楼骨科门诊",
                  starts_at=starts, ends_at=starts + dt.timedelta(hours=3), capacity=80,
                  description="65岁以上老年人免费骨密度检测，骨科医师现场解读", department_ids=[w.dept(GK)],
                  now=w.h.t)
    yield None


# ---- opinions ------------------------------------------------------------------------------------------------------

def complaint_online(w: Week) -> Life:
    """An online complaint about 住院处 (named as the 科室 concerned), investigated, handled and answered by the
    supervisor."""
    supervisor = w.h.cast.supervisor
    complaint = complaints.submit_online_complaint(
        unit_code=DESK, kind="DELAY", subject_type="UNIT", now=w.h.t, ip="198.51.100.77", name="钱玉珍",
        phone=synthetic_mobile(w.rng), department=ZYC,
        matter="上午在住院处办理入院，只开了一个窗口，排队一个多小时，老人一直站着等")
    number = complaint.number
    yield w.after(90)
    complaints.investigate_complaint(actor=supervisor, number=number, now=w.h.t,
                                     notes="调取住院处排队记录：当日上午入院集中，两个窗口中一个因人员培训未开放")
    yield w.next_workday_at(10, 30)
    complaints.handle_complaint(actor=supervisor, number=number, now=w.h.t, nature="属实",
                                opinion="住院处高峰时段两个窗口同时开放，增设老年人优先窗口和等候座椅")
    yield w.after(60)
    complaints.reply_complaint(actor=supervisor, number=number, now=w.h.t,
                               reply="经核查属实，已要求住院处高峰时段开放全部窗口并设老年人优先窗口，向您致歉")


def complaint_by_phone(w: Week) -> Life:
    """A phone complaint about 急诊科, registered at the desk by B and waiting for the supervisor."""
    complaints.register_complaint(
        actor=w.b.user, channel="PHONE", kind="ATTITUDE", subject_type="UNIT", now=w.h.t, name="冯建华",
        phone=synthetic_mobile(w.rng), department=JZK,
        matter="昨晚带孩子看急诊，候诊两个小时，分诊护士对病情轻重的解释很不耐烦")
    yield None


# ---- the week ------------------------------------------------------------------------------------------------------

def hospital_lives(h: History, workdays: list[dt.date]) -> None:
    """Spawn the hospital desk's week on the history's queue (nothing when the demo has no hospital desk with its
    科室 and logins, or the history is shorter than a week)."""
    desk = Unit.objects.filter(code=DESK).first()
    usernames = ["yy_window1", "yy_window2", "yy_xnk1", "yy_sjnk1", "yy_gk1", "yy_jzk1", "yy_jzk2", "yy_ywk1",
                 "yy_ywk2", "yy_ybb1", "yy_zyc1", "yy_cwk1", "yy_bas1"]
    staff = {p.user.username: p for p in StaffProfile.objects.select_related("user", "unit")
             .filter(user__username__in=usernames, is_active=True)}
    departments = {u.code: u for u in Unit.objects.filter(parent__code=DESK, is_active=True)}
    versions = {v.item.code: v for v in ItemVersion.objects.filter(
        is_current=True, item__code__in=(*SCRIPTED_ITEMS, ADMISSION)).select_related("item")
        .prefetch_related("materials")}
    if (desk is None or not desk.is_hospital_desk or len(staff) < len(usernames)
            or len(departments) < 9 or len(versions) < len(SCRIPTED_ITEMS) + 1
            or (h.today - h.first_day).days < 8):
        return
    past = [d for d in workdays if d < h.today]
    w = Week(h, desk, staff, departments, versions, past)
    spawn = h.spawn
    # The days before today (the hospital works every day).
    spawn(w.day_at(6, 9, 20), transfer_told(w))
    spawn(w.day_at(6, 10, 35), guidance(w, w.b, "刘海涛", 62, (Level.VERY_SATISFIED, "QR", "导诊很耐心", "")))
    spawn(w.day_at(5, 8, 20), admission(w, w.a, Family("郑红霞", 55, "郑红霞", Relation.SELF, "胆囊结石伴慢性胆囊炎，"
                                                       "拟行腹腔镜胆囊切除术", "普外科病区9床"),
                                        (Level.VERY_SATISFIED, "QR", "", ZYC)))
    spawn(w.day_at(5, 9, 40), transfer_late(w))
    spawn(w.day_at(4, 10, 10), consultation_raised(w))
    spawn(w.day_at(4, 15, 10), guidance(w, w.a, "许文杰", 33, (Level.SATISFIED, "QR", "", "")))
    spawn(w.day_at(3, 14, 40), consultation_refused(w))
    spawn(w.day_at(3, 8, 45), admission(w, w.b, Family("林建华", 37, "林国强", Relation.CHILD, "腰椎间盘突出症（L4/5），"
                                                       "保守治疗无效拟手术", "骨科病区3床"),
                                        (Level.BASIC, "SMS", "早上办理入院的人多，等了半个多小时", ZYC)))
    spawn(w.day_at(2, 10, 40), guidance_bed(w))
    spawn(w.day_at(2, 9, 5), guidance(w, w.b, "蒋秀英", 71, (Level.VERY_SATISFIED, "QR", "工作人员陪我找到了科室", "")))
    spawn(w.day_at(1, 9, 10), admission(w, w.a, Family("曹玉兰", 66, "彭志强", Relation.SPOUSE, "社区获得性肺炎",
                                                       "心内科一病区8床"), (Level.SATISFIED, "QR", "", "")))
    spawn(w.day_at(1, 16, 20), guidance(w, w.a, "董子涵", 28, (Level.VERY_SATISFIED, "QR", "", "")))
    # Working days only: the items counted in working days, and the supervisor's complaint work.
    for moment, life in ((w.workday_at(4, 9, 0), insurance_told), (w.workday_at(4, 10, 0), partner_visit),
                         (w.workday_at(2, 9, 30), assigned_letter), (w.workday_at(4, 11, 15), complaint_online),
                         (w.workday_at(1, 10, 50), complaint_by_phone)):
        if moment is not None:
            spawn(moment, life(w))
    # The last hours before now: the requests still open.
    for span, recent_life in ((dt.timedelta(hours=2), transfer_open), (dt.timedelta(hours=2), insurance_open),
                              (dt.timedelta(hours=8), consultation_due_soon)):
        spawn(w.recent(span), recent_life(w))
    # 便民活动: held last week, published for next week, published and cancelled, planned.
    spawn(w.day_at(9, 9, 0), free_clinic(w))
    next_monday = h.today + dt.timedelta(days=7 - h.today.weekday())
    spawn(w.day_at(2, 11, 30), health_talk(w, h.at(next_monday + dt.timedelta(days=2), dt.time(14, 30))))
    spawn(w.day_at(4, 16, 0), volunteers_cancelled(w, h.at(h.today + dt.timedelta(days=3), dt.time(9, 0))))
    spawn(w.day_at(1, 16, 40), screening_planned(w, h.at(next_monday + dt.timedelta(days=9), dt.time(8, 30))))
