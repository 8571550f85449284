"""The lives of the demo history's applications: receipt to archive through ``bianmin.cases.services``.

Each life draws its fate at receipt (the usual path, a 补正 notice, a refusal, a withdrawal, a 退件, an
application nobody reviewed in time…) and its incidents (a transfer, a special procedure, an extension, a
late step), then takes each step on a working day in office hours, as the clerk, the first handler or the
leader. The dates follow what the services computed (intake deadline, start limit, committed deadline after
pauses and extensions, result-notice limit), so a late step is late by the same rules the sweep applies.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseMaterial, CasePause, DeliveryMethod
from bianmin.cases.services import AgentData, ApplicantData
from bianmin.cases.workflow import Action, Status
from bianmin.catalog.models import CaseClass as ItemClass
from bianmin.catalog.models import ItemVersion, MaterialSource, Necessity
from bianmin.org.models import StaffProfile, Unit
from bianmin.org.selectors import higher_organs

from .people import (
    company_name,
    person_name,
    synthetic_credit_code,
    synthetic_id,
    synthetic_landline,
    synthetic_mobile,
)

if TYPE_CHECKING:
    from .history import Desk, History, Life

PROBLEMS = ["复印件字迹不清，无法辨认", "缺少申请人签字", "证明材料已超过有效期", "申请表填写不完整", "缺少加盖公章",
            "材料内容与身份证件信息不一致"]
SPECIAL_BASIS = {"TESTING": ("送检水质、空气样品", "检测合格"), "EXPERT_REVIEW": ("组织专家评审病情资料", "专家评审通过"),
                 "APPRAISAL": ("委托定点医院进行残疾评定", "评定结论已出具"),
                 "HEARING": ("涉及相邻权利人重大利益，依申请举行听证", "听证会已举行，无异议"),
                 "INSPECTION": ("送检样品", "检验合格"), "QUARANTINE": ("送检疫", "检疫合格"),
                 "TENDER": ("依法组织招标", "招标完成"), "AUCTION": ("依法组织拍卖", "拍卖完成")}
DENIALS = ["经现场核查，经营场所不符合卫生条件", "申请人家庭收入超过当地最低生活保障标准",
           "提供的证明材料与实际情况不符", "不符合法定条件"]
REFUSALS = ["申请事项依法不需要取得行政许可", "申请人不具备申请资格", "申请事项不属于本中心受理范围"]
WITHDRAWALS = ["申请人因个人原因撤回申请", "申请人表示暂不办理", "申请人改为网上办理"]
AGES = {"YX-0029": (80, 95), "YX-0028": (60, 85), "YX-0012": (22, 38), "YX-0033": (22, 38), "YX-0019": (18, 59),
        "YX-0011": (1, 16)}
ORGANISATION_ITEMS = {"YX-0002": 0.7, "YX-0003": 0.85, "YX-0004": 0.8, "YX-0021": 0.0}
TOWN_PLACES = {"T01": ("青石镇", ["青石村", "溪口村"]), "T02": ("桃源镇", ["桃花村", "柳塘村"]),
               "T03": ("城关街道", ["文昌社区", "南门社区"])}


def arrivals(h: History, day: dt.date, count: int) -> None:
    """Spawn the day's ``count`` applications at the county center, the town centers and the hospital desk."""
    by_level: dict[str, list[Desk]] = {}
    for desk in h.cast.desks:
        by_level.setdefault(desk.level, []).append(desk)
    items: dict[str, list[str]] = {"COUNTY": [], "TOWN": [], "INSTITUTION": []}
    for code, version in h.cast.versions.items():
        level = {"VILLAGE": "TOWN"}.get(version.level, version.level)
        items.setdefault(level, []).append(code)
    for _ in range(count):
        level = h.rng.choices(["COUNTY", "TOWN", "INSTITUTION"], weights=[60, 28, 12])[0]
        code = h.rng.choice(sorted(items[level]))
        version = h.cast.versions[code]
        desks = by_level[level]
        if level == "COUNTY":  # the department's own window, or the comprehensive one
            own = [d for d in desks if d.department_id == version.implementing_unit_id]
            desks = own if own and h.rng.random() < 0.6 else [d for d in desks if d.department_id is None] or desks
        desk = h.rng.choice(desks)
        clerk = desk.b if desk.b is not None and h.rng.random() < 0.25 else desk.a
        h.spawn(h.slot(day), case_life(h, clerk, version))


def applicant_for(h: History, clerk: StaffProfile, version: ItemVersion) -> tuple[ApplicantData, AgentData]:
    """Return a fictitious applicant (a person or a company) and, now and then, an agent."""
    rng = h.rng
    code = version.item.code
    town, villages = TOWN_PLACES.get(clerk.unit.code, TOWN_PLACES[rng.choice(sorted(TOWN_PLACES))])
    address = f"云溪县{town}{rng.choice(villages)}{rng.randrange(1, 12)}组{rng.randrange(1, 60)}号"
    if rng.random() < ORGANISATION_ITEMS.get(code, 0.0):
        applicant: ApplicantData = {"kind": "ORGANISATION", "name": company_name(rng), "credit_code": synthetic_credit_code(rng),
                     "legal_rep": person_name(rng), "contact": person_name(rng),
                     "phone": synthetic_landline(rng) if rng.random() < 0.3 else synthetic_mobile(rng),
                     "address": address}
    else:
        young, old = AGES.get(code, (18, 75))
        age_days = rng.randrange(young * 365 + 30, old * 365 + 300)
        born = h.today - dt.timedelta(days=age_days)
        applicant = {"kind": "PERSON", "name": person_name(rng), "id_type": "RESIDENT_ID",
                     "id_number": synthetic_id(rng, born=born),
                     "phone": synthetic_mobile(rng) if rng.random() < 0.93 else synthetic_landline(rng),
                     "address": address}
    agent: AgentData = {}
    if rng.random() < 0.08:
        name = person_name(rng)
        agent = {"name": name, "id_type": "RESIDENT_ID", "id_number": synthetic_id(rng),
                 "phone": synthetic_mobile(rng), "authorization": f"授权委托书（{applicant['name']}签字）"}
    return applicant, agent


def materials_for(h: History, version: ItemVersion, *, deficient: bool, deferred: bool) -> tuple[list, list[str]]:
    """Return the checklist rows handed in, and the names of deficient required materials (for 补正).

    ``deficient``: one required material is missing or not acceptable. ``deferred``: a 容缺 material is missing."""
    rows: list[dict[str, Any]] = []
    required = [m for m in version.materials.all() if m.necessity == Necessity.REQUIRED
                and m.source != MaterialSource.GOVERNMENT]
    bad = h.rng.choice(required).name if deficient and required else ""
    skipped_deferrable = False
    for m in version.materials.all():
        if m.source == MaterialSource.GOVERNMENT:
            continue  # left out: the service records it as fetched from the issuing body (共享获取)
        if m.necessity == Necessity.OPTIONAL and h.rng.random() < 0.5:
            continue
        if m.necessity == Necessity.DEFERRABLE and deferred and not skipped_deferrable:
            skipped_deferrable = True
            continue
        if m.name == bad:
            if h.rng.random() < 0.5:
                continue  # not handed in
            rows.append({"material": m.name, "received_as": "PAPER", "copies": 1, "acceptable": False,
                         "problem": h.rng.choice(PROBLEMS)})
            continue
        how = "ELECTRONIC" if h.rng.random() < 0.15 else "PAPER"
        rows.append({"material": m.name, "received_as": how, "copies": m.copies or 1})
    return rows, [bad] if bad else []


def is_immediate(version: ItemVersion, clerk: StaffProfile) -> bool:
    return version.default_class != ItemClass.REPORTED and (
        version.default_class == ItemClass.IMMEDIATE or version.committed_limit_at(clerk.unit.kind) == 0)


FACTS = ("pk", "status", "unit_id", "first_handler_id", "first_handler__user_id", "intake_deadline",
         "start_due_on", "committed_deadline", "committed_days", "result_due_on", "reported", "deferred_materials",
         "deferred_supplied_at", "deferred_exception_at", "deferred_due_date", "applicant_name", "applicant_contact",
         "agent_name")


def handler_of(h: History, number: str) -> tuple[dict[str, Any], Any]:
    """Return what the next step needs to know of the case (one lean read) and the user who acts for its first
    handler (None before acceptance)."""
    case = Case.objects.filter(number=number).values(*FACTS).get()
    return case, h.users.get(case["first_handler__user_id"])


@dataclass
class Plan:
    """What will happen to an application (drawn at receipt, or set for the showcase cases)."""

    fate: str = "normal"  # normal, supplement, reject, outside, return, withdraw, unreviewed, return_after,
    #                       withdraw_after
    deferred: bool = False  # a 容缺 material is supplied after acceptance (补办件)
    transfer: str = ""  # "", approve, reject, pending
    pause: str = ""  # "", ended, open
    extension: str = ""  # "", approve, reject, pending
    decision: str = "approve"  # the leader's answer to a 退件 request: approve, reject, pending
    overdue: bool = False
    late_start: bool = False
    late_delivery: bool = False
    archive: bool = True


def draw_plan(h: History, version: ItemVersion, clerk: StaffProfile) -> Plan:
    """Return a random plan in realistic proportions."""
    rng = h.rng
    fate = rng.choices(["normal", "supplement", "reject", "outside", "return", "withdraw", "unreviewed",
                        "return_after", "withdraw_after"], weights=[80, 8, 2, 1, 1.5, 1.5, 1.2, 1, 1])[0]
    if is_immediate(version, clerk) and fate in ("unreviewed", "return_after", "withdraw_after"):
        fate = "normal"
    deferrable = any(m.necessity == Necessity.DEFERRABLE for m in version.materials.all())
    answer = rng.choices(["approve", "reject"], weights=[85, 15])[0]
    return Plan(fate=fate, deferred=deferrable and fate == "normal" and rng.random() < 0.05,
                transfer=answer if rng.random() < 0.02 else "",
                pause="ended" if version.special_procedures and rng.random() < 0.25 else "",
                extension=rng.choices(["approve", "reject"], weights=[85, 15])[0]
                if version.extension_days and not version.joint_units.all() and rng.random() < 0.08 else "",
                decision=rng.choices(["approve", "reject"], weights=[85, 15])[0],
                overdue=rng.random() < 0.05, late_start=rng.random() < 0.03, late_delivery=rng.random() < 0.03,
                archive=rng.random() < (0.97 if fate in ("normal", "supplement", "unreviewed") else 0.8))


def case_life(h: History, clerk: StaffProfile, version: ItemVersion, plan: Plan | None = None) -> Life:
    """One application from the window to the archive (or wherever it stands today)."""
    rng = h.rng
    code = version.item.code
    plan = plan or draw_plan(h, version, clerk)
    fate = plan.fate
    rows, deficient = materials_for(h, version, deficient=fate == "supplement", deferred=plan.deferred)
    applicant, agent = applicant_for(h, clerk, version)
    case = svc.receive_case(actor=clerk.user, item_code=code, applicant=applicant, materials=rows, agent=agent,
                            now=h.t)
    h.stats.cases += 1
    number = case.number
    window = clerk.user
    if fate == "unreviewed":
        # Nobody reviewed it: the sweep deems it accepted the day after its intake deadline (and records it).
        assert case.intake_deadline is not None
        yield h.slot(h.workday(case.intake_deadline, 1))
        facts, _handler = handler_of(h, number)
        if facts["status"] != Status.ACCEPTED:
            return
        yield from running_path(h, number, version, plan)
        return
    yield h.later((5, 20))
    if fate == "supplement" and deficient:
        svc.draft_supplement_from_checklist(actor=window, number=number, now=h.t)
        svc.serve_supplement_notice(actor=window, number=number, now=h.t)
        roll = rng.random()
        yield h.slot(h.workday(h.day_of(h.t), rng.randint(1, 6) if roll < 0.8 else rng.randint(3, 12)))
        if roll < 0.8:
            svc.resubmit(actor=window, number=number, now=h.t, materials=[
                {"material": deficient[0], "received_as": "PAPER", "copies": 1, "acceptable": True}])
            yield h.later((5, 20))
        elif roll < 0.9:
            svc.withdraw_case(actor=window, number=number, reason=rng.choice(WITHDRAWALS), now=h.t)
            yield from archive_later(h, window, number, plan)
            return
        elif roll < 0.95:
            svc.refuse_case(actor=window, number=number, action=Action.REJECT, now=h.t,
                            reason="申请人逾期未按补正告知书补齐材料，且补正后仍不符合法定条件")
            yield from archive_later(h, window, number, plan)
            return
        else:
            return  # still waiting for the applicant
    elif fate in ("reject", "outside"):
        if fate == "outside":
            organ = h.rng.choice(["云溪县税务局", "云溪县住房和城乡建设局", "云溪县交通运输局"])
            svc.refuse_case(actor=window, number=number, action=Action.OUTSIDE_POWERS, now=h.t,
                            reason="申请事项不属于本机关职权范围", competent_organ=organ,
                            competent_organ_contact=f"{organ}政务服务窗口，电话{synthetic_landline(rng)}")
        else:
            svc.refuse_case(actor=window, number=number, action=Action.REJECT, now=h.t,
                            reason=rng.choice(REFUSALS))
        yield from archive_later(h, window, number, plan)
        return
    elif fate == "return":
        svc.return_case(actor=window, number=number, reason="申请材料与申请事项不符，退回申请人", now=h.t)
        yield from archive_later(h, window, number, plan)
        return
    elif fate == "withdraw":
        svc.withdraw_case(actor=window, number=number, reason=rng.choice(WITHDRAWALS), now=h.t)
        yield from archive_later(h, window, number, plan)
        return
    if is_immediate(version, clerk):
        yield from immediate_path(h, window, number, version, plan)
        return
    if rng.random() < 0.15:  # reviewed on one of the next working days, within the intake limit
        yield h.slot(h.workday(h.day_of(h.t), rng.randint(1, 2)))
    limit = version.committed_limit_at(clerk.unit.kind)
    svc.accept_case(actor=window, number=number, now=h.t, urgent=limit > 1 and rng.random() < 0.03)
    yield from running_path(h, number, version, plan)


def immediate_path(h: History, window: Any, number: str, version: ItemVersion, plan: Plan) -> Life:
    """即办: accepted and completed on the spot, the result handed over at once."""
    certificate = f"{version.item.code[3:]}{h.day_of(h.t):%Y%m%d}{h.rng.randrange(1000, 9999)}" \
        if version.issues_certificate else ""
    svc.accept_immediately(actor=window, number=number, now=h.t, certificate_number=certificate)
    case, _handler = handler_of(h, number)
    if case["deferred_materials"] and case["deferred_supplied_at"] is None:
        return
    yield h.later((1, 5))
    svc.deliver_case(actor=window, number=number, method=DeliveryMethod.PICKUP, now=h.t,
                     received_by=case["applicant_contact"] or case["applicant_name"])
    yield from archive_later(h, window, number, plan)


def running_path(h: History, number: str, version: ItemVersion, plan: Plan) -> Life:
    """After acceptance: start, incidents, decision, delivery, archive."""
    rng = h.rng
    case, handler = handler_of(h, number)
    # 开始办理: the same day or the next, within the hand-over limit; now and then too late.
    if case["start_due_on"] is not None:
        if plan.late_start:
            yield h.slot(h.workday(case["start_due_on"], rng.randint(1, 2)))
        elif rng.random() < 0.6:
            yield h.later((20, 120))
        else:
            yield h.slot(min(h.workday(h.day_of(h.t), 1), case["start_due_on"]))
        case, handler = handler_of(h, number)
        svc.start_case(actor=handler, number=number, now=h.t)
    if plan.deferred and case["deferred_materials"]:
        missing = [m.name for m in CaseMaterial.objects.filter(case_id=case["pk"], necessity=Necessity.DEFERRABLE)
                   if m.received_as == "MISSING" or not m.acceptable]
        due = case["deferred_due_date"]
        assert due is not None
        late = rng.random() < 0.2
        yield h.slot(h.workday(due, rng.randint(1, 3)) if late else h.workdays_before(due, rng.randint(0, 2)))
        case, handler = handler_of(h, number)
        svc.supply_deferred_materials(actor=handler, number=number, materials=missing, now=h.t)
    if plan.fate == "withdraw_after":
        yield h.slot(h.workday(h.day_of(h.t), rng.randint(1, 3)))
        case, handler = handler_of(h, number)
        svc.withdraw_case(actor=handler, number=number, reason=rng.choice(WITHDRAWALS), now=h.t)
        yield from archive_later(h, handler, number, plan)
        return
    if plan.fate == "return_after":
        yield h.slot(h.workday(h.day_of(h.t), rng.randint(1, 2)))
        case, handler = handler_of(h, number)
        request = svc.request_return(actor=handler, number=number, now=h.t,
                                     reason="经核查，申请人提交的证明材料系他人代签，需退回重新申请")
        if plan.decision == "pending":
            return  # waits for the leader
        yield h.slot(h.workday(h.day_of(h.t), 1))
        if plan.decision == "approve":
            svc.approve_return(actor=h.cast.leader, request_id=request.pk, now=h.t, note="同意退件")
            yield from archive_later(h, handler, number, plan)
            return
        svc.reject_return(actor=h.cast.leader, request_id=request.pk, now=h.t,
                          note="材料问题可通过核实解决，继续办理")
    if plan.transfer:
        yield from transfer(h, number, plan.transfer)
        if plan.transfer == "pending":
            return
    if plan.pause:
        yield from pause(h, number, version, plan.pause)
        if plan.pause == "open":
            return
    if plan.extension:
        yield from extension(h, number, plan.extension)
        if plan.extension == "pending":
            return
    yield from decide(h, number, version, plan)


def transfer(h: History, number: str, answer: str) -> Life:
    """The first handler asks to hand the case over to a colleague of the unit; the leader decides."""
    rng = h.rng
    yield h.slot(h.workday(h.day_of(h.t), 1))
    case, handler = handler_of(h, number)
    colleagues = [s for s in h.cast.staff_by_unit.get(case["unit_id"], []) if s.pk != case["first_handler_id"]]
    if not colleagues:
        return
    target = rng.choice(colleagues)
    request = svc.request_transfer(actor=handler, number=number, to_badge=target.badge_number, now=h.t,
                                   reason=rng.choice(["本人参加县里集中培训，需移交同事继续办理",
                                                      "该事项涉及专业审查，移交熟悉业务的同事办理",
                                                      "本人岗位调整"]))
    if answer == "pending":
        return
    yield h.slot(h.workday(h.day_of(h.t), 1))
    if answer == "approve":
        svc.approve_transfer(actor=h.cast.leader, transfer_id=request.pk, now=h.t, note="同意")
    else:
        svc.reject_transfer(actor=h.cast.leader, transfer_id=request.pk, now=h.t, note="请原首办负责人继续办理")


def pause(h: History, number: str, version: ItemVersion, how: str) -> Life:
    """A special procedure the item allows, started early and ended after about its expected time (or still
    running)."""
    rng = h.rng
    kind = rng.choice(list(version.special_procedures))
    basis, result = SPECIAL_BASIS.get(kind, ("依法启动特别程序", "特别程序已完成"))
    yield h.slot(h.workday(h.day_of(h.t), rng.randint(1, 2)))
    case, handler = handler_of(h, number)
    if case["committed_deadline"] is None or h.day_of(h.t) > case["committed_deadline"]:
        return
    expected = rng.randint(3, 10) if how != "open" else 15
    svc.start_pause(actor=handler, number=number, kind=kind, basis=basis, expected_days=expected, now=h.t)
    if how == "open":
        return
    yield h.slot(h.workday(h.day_of(h.t), max(1, expected + rng.randint(-2, 2))))
    case, handler = handler_of(h, number)
    svc.end_pause(actor=handler, number=number, result=result, now=h.t)


def extension(h: History, number: str, answer: str) -> Life:
    """The one extension: asked a few working days before the deadline (a pending one: the next working day),
    decided by the organ head the working day after."""
    rng = h.rng
    case, handler = handler_of(h, number)
    deadline = case["committed_deadline"]
    assert deadline is not None
    today = h.day_of(h.t)
    ask = h.workday(today, 1) if answer == "pending" else max(h.workdays_before(deadline, 3), today)
    if h.workday(ask, 1) > deadline:
        return  # too late to ask: the leader could not approve before the deadline
    yield h.slot(ask, after=h.t)
    request = svc.request_extension(actor=handler, number=number, now=h.t,
                                    reason=rng.choice(["需补充现场核查，承诺期限内无法办结",
                                                       "涉及多个部门会签，需延长办理期限",
                                                       "申请人补充说明材料需进一步核实"]))
    if answer == "pending":
        return
    yield h.slot(h.workday(h.day_of(h.t), 1))
    if answer == "approve":
        svc.approve_extension(actor=h.cast.leader, extension_id=request.pk, now=h.t, note="同意延期")
    else:
        svc.reject_extension(actor=h.cast.leader, extension_id=request.pk, now=h.t,
                             note="可在承诺期限内办结，不同意延期")


def decide(h: History, number: str, version: ItemVersion, plan: Plan) -> Life:
    """Decide before the committed deadline (now and then after it), deliver, archive."""
    rng = h.rng
    case, handler = handler_of(h, number)
    deadline, limit = case["committed_deadline"], case["committed_days"] or 1
    assert deadline is not None
    today = h.day_of(h.t)
    if plan.overdue:  # the sweep turns it red and records it
        day = h.workday(deadline, rng.randint(1, 5))
    else:
        day = max(h.workdays_before(deadline, rng.randint(0, max(0, int(limit * 0.6)))), today)
    yield h.slot(day, after=h.t)
    for _attempt in range(10):  # a special procedure still running: later
        case, handler = handler_of(h, number)
        if not CasePause.objects.filter(case_id=case["pk"], ended_at__isnull=True).exists():
            break
        yield h.slot(h.workday(h.day_of(h.t), 2))
    denied = rng.random() < 0.06
    organ = document = ""
    if case["reported"]:
        above = higher_organs(Unit.objects.get(pk=case["unit_id"]), also=version.implementing_unit_id)
        chosen = next((u for u in above if u.pk == version.implementing_unit_id), None) or (above[0] if above else None)
        organ = chosen.name if chosen else ""
        document = f"云民审〔{h.day_of(h.t).year}〕{rng.randrange(10, 400)}号"
    certificate = (f"{version.item.code[3:]}{h.day_of(h.t):%Y%m%d}{rng.randrange(1000, 9999)}"
                   if version.issues_certificate and not denied else "")
    svc.decide_case(actor=handler, number=number, now=h.t, outcome="DENIED" if denied else "GRANTED",
                    reasons=rng.choice(DENIALS) if denied else "申请材料齐全，符合法定条件",
                    certificate_number=certificate, decided_by_organ=organ, decision_document=document)
    case, handler = handler_of(h, number)
    if case["deferred_materials"] and case["deferred_supplied_at"] is None and case["deferred_exception_at"] is None:
        return
    # Delivery: mostly within the result-notice limit, now and then late (the sweep records it).
    due = case["result_due_on"] or h.day_of(h.t)
    if plan.late_delivery:
        yield h.slot(h.workday(due, rng.randint(1, 2)))
    elif rng.random() < 0.4:
        yield h.later((30, 120))
    else:
        yield h.slot(min(h.workday(h.day_of(h.t), rng.randint(1, 3)), due), after=h.t)
    case, handler = handler_of(h, number)
    method = rng.choices([DeliveryMethod.PICKUP, DeliveryMethod.POST, DeliveryMethod.AGENT], weights=[65, 25, 10])[0]
    receiver = case["agent_name"] if method == DeliveryMethod.AGENT and case["agent_name"] else (
        case["applicant_contact"] or case["applicant_name"])
    svc.deliver_case(actor=handler, number=number, method=method, received_by=receiver, now=h.t)
    yield from archive_later(h, handler, number, plan)


def archive_later(h: History, actor: Any, number: str, plan: Plan) -> Life:
    """The clerk files finished cases a few working days later, at the end of the day (the first handler once
    the case was accepted, else the receiving clerk ``actor``); some wait longer than the history."""
    if not plan.archive:
        return
    yield h.at(h.workday(h.day_of(h.t), h.rng.randint(2, 8)), dt.time(16, h.rng.randrange(30, 59)))
    _case, handler = handler_of(h, number)
    svc.archive_case(actor=handler or actor, number=number, now=h.t)


# The showcase: applications at the county center's comprehensive window (window1 and window2), early in the
# history and in its last days, so that every state and every kind of request — approved and still waiting —
# is there whatever the size of the history.
SHOWCASE_EARLY = [("YX-0003", Plan(pause="ended", extension="approve", transfer="approve")),
                  ("YX-0002", Plan(fate="return_after", decision="approve")),
                  ("YX-0004", Plan(overdue=True))]
SHOWCASE_LATE = [("YX-0003", Plan(pause="open")), ("YX-0004", Plan(extension="pending")),
                 ("YX-0002", Plan(transfer="pending")), ("YX-0016", Plan(fate="return_after", decision="pending")),
                 ("YX-0014", Plan(fate="withdraw", archive=False)), ("YX-0014", Plan(fate="return", archive=False)),
                 ("YX-0016", Plan(fate="reject", archive=False)), ("YX-0002", Plan(fate="supplement")),
                 ("YX-0004", Plan(late_start=True)), ("YX-0014", Plan(late_delivery=True)),
                 ("YX-0005", Plan(archive=False))]


def showcase(h: History, workdays: list[dt.date]) -> None:
    """Spawn the showcase applications (see ``SHOWCASE_EARLY`` / ``SHOWCASE_LATE``)."""
    desk = next((d for d in h.cast.desks if d.a.user.username == "window1"), h.cast.desks[0])
    past = [d for d in workdays if d < h.today]
    if len(past) < 12:
        return
    for i, (code, plan) in enumerate(SHOWCASE_EARLY):
        if code in h.cast.versions:
            h.spawn(h.slot(past[1 + i]), case_life(h, desk.a, h.cast.versions[code], plan))
    for code, plan in SHOWCASE_LATE:
        if code in h.cast.versions:
            # Requests on running cases are made a few working days after receipt; the rest happens at once.
            day = past[-4] if plan.fate == "return_after" or plan.pause or plan.extension or plan.transfer \
                else past[-6] if plan.late_delivery else past[-1]
            clerk = desk.b if desk.b is not None and plan.fate == "supplement" else desk.a
            h.spawn(h.slot(day), case_life(h, clerk, h.cast.versions[code], plan))
    # One application received in the last working hour and not yet reviewed.
    last = past[-1] if h.today not in workdays or h.now < h.at(h.today, dt.time(9, 0)) else h.today
    h.spawn(h.at(last, dt.time(8, 40)), case_life(h, desk.a, h.cast.versions["YX-0002"], Plan(fate="unreviewed")))
