"""The actions of 预约办结, 预约联动 and 组团服务 (decision 0025 §6), declared once: the staff screens
(``backoffice.views_promises``) and the API (``api.routes_hall_promises``) are built from these, and each service asks
the same policy (``hall.promises``) again before it writes."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import Field

from bianmin.core.actions import ActionInput, ActionSpec, Catalogue, NoInput
from bianmin.org.models import Region, RegionLevel, StaffProfile, Unit

from . import promises as svc
from .models import CompletionAppointment, JointAppointment, OutreachIntake, OutreachVisit

if TYPE_CHECKING:
    from bianmin.cases.actions import CaseContext
    from bianmin.users.types import AnyUser, User

TEXTAREA: dict[str, Any] = {"widget": "textarea"}
CHECKED: dict[str, Any] = {"checked": True}


@dataclass(frozen=True)
class PlanContext:
    """Whose new joint appointment or outreach visit a form is for (its choices come from the user's scope)."""

    user: Any


# --- inputs: the titles are the screens' labels and the OpenAPI descriptions ------------------------------------


class CompletionAppointmentIn(ActionInput):
    promised_on: dt.date = Field(..., title="约定办结日期（工作日，不晚于承诺办结日期）")
    reason: str = Field(..., title="不能即日办结的原因", max_length=255, json_schema_extra=TEXTAREA)


class JointPlanIn(ActionInput):
    unit_id: int = Field(..., title="组织联动的中心")
    department_ids: list[int] = Field(..., title="参加联动的部门（至少两个：进驻本中心或本县的部门）")
    starts_at: dt.datetime = Field(..., title="集中办理时间（工作日，如 2026-03-05 10:00）")
    place: str = Field(..., title="地点", max_length=128)
    matter: str = Field(..., title="办理事项", max_length=255)
    name: str = Field(..., title="申请人姓名", max_length=64)
    phone: str = Field(..., title="申请人手机号码（短信通知）", max_length=32)


class JointCloseIn(ActionInput):
    held: bool = Field(True, title="已集中办理（未能办理的请取消勾选并写明原因）")
    attended_department_ids: list[int] = Field([], title="到场的部门", json_schema_extra=CHECKED)
    note: str = Field("", title="办理结果或未能办理的原因", max_length=255)


class HallCancelIn(ActionInput):
    reason: str = Field(..., title="取消原因", max_length=250)


class OutreachPlanIn(ActionInput):
    unit_id: int = Field(..., title="组织单位")
    region_id: int = Field(..., title="服务的村（社区）")
    place: str = Field(..., title="服务地点", max_length=128)
    starts_at: dt.datetime = Field(..., title="开始时间（如 2026-03-05 09:00）")
    ends_at: dt.datetime = Field(..., title="结束时间（同一天，如 2026-03-05 12:00）")
    topic: str = Field(..., title="服务内容", max_length=255, json_schema_extra=TEXTAREA)
    team_staff_ids: list[int] = Field(..., title="服务团队（至少两名本单位或下级单位的在岗人员）")


class OutreachIntakeIn(ActionInput):
    case_number: str = Field(..., title="现场受理的办件编号", max_length=32)
    place: str = Field(..., title="受理地点", max_length=128)


class OutreachCloseIn(ActionInput):
    summary: str = Field(..., title="服务情况", max_length=255, json_schema_extra=TEXTAREA)


# --- performers: each calls its one service ---------------------------------------------------------------------


def _give(*, actor: User, key: str, data: CompletionAppointmentIn, now: dt.datetime) -> CompletionAppointment:
    return svc.give_completion_appointment(actor=actor, case_number=key, promised_on=data.promised_on,
                                           reason=data.reason, now=now)


def _plan_joint(*, actor: User, key: None, data: JointPlanIn, now: dt.datetime) -> JointAppointment:
    return svc.plan_joint(actor=actor, unit_id=data.unit_id, department_ids=data.department_ids,
                          starts_at=data.starts_at, place=data.place, matter=data.matter, name=data.name,
                          phone=data.phone, now=now)


def _confirm(*, actor: User, key: int, data: NoInput, now: dt.datetime) -> JointAppointment:
    return svc.confirm_joint(actor=actor, joint_id=key, now=now)


def _close_joint(*, actor: User, key: int, data: JointCloseIn, now: dt.datetime) -> JointAppointment:
    return svc.close_joint(actor=actor, joint_id=key, held=data.held, note=data.note,
                           attended_department_ids=data.attended_department_ids, now=now)


def _cancel_joint(*, actor: User, key: int, data: HallCancelIn, now: dt.datetime) -> JointAppointment:
    return svc.cancel_joint(actor=actor, joint_id=key, reason=data.reason, now=now)


def _plan_outreach(*, actor: User, key: None, data: OutreachPlanIn, now: dt.datetime) -> OutreachVisit:
    return svc.plan_outreach(actor=actor, unit_id=data.unit_id, region_id=data.region_id, place=data.place,
                             starts_at=data.starts_at, ends_at=data.ends_at, topic=data.topic,
                             team_staff_ids=data.team_staff_ids, now=now)


def _intake(*, actor: User, key: int, data: OutreachIntakeIn, now: dt.datetime) -> OutreachIntake:
    return svc.record_outreach_intake(actor=actor, visit_id=key, case_number=data.case_number, place=data.place,
                                      now=now)


def _close_outreach(*, actor: User, key: int, data: OutreachCloseIn, now: dt.datetime) -> OutreachVisit:
    return svc.close_outreach(actor=actor, visit_id=key, summary=data.summary, now=now)


def _cancel_outreach(*, actor: User, key: int, data: HallCancelIn, now: dt.datetime) -> OutreachVisit:
    return svc.cancel_outreach(actor=actor, visit_id=key, reason=data.reason, now=now)


# --- who may (the buttons a page draws) and the choices of the forms -------------------------------------------


def _may_give(actor: AnyUser, ctx: CaseContext) -> bool:
    return svc.completion_refusal(actor, ctx.case, ctx.acting_ids) is None


def _may_plan_joint(actor: AnyUser, ctx: PlanContext) -> bool:
    return svc.planning_centers(actor).exists()


def _may_confirm(actor: AnyUser, joint: JointAppointment) -> bool:
    return svc.joint_confirm_refusal(actor, joint) is None


def _may_manage_joint(actor: AnyUser, joint: JointAppointment) -> bool:
    return svc.joint_manage_refusal(actor, joint) is None


def _may_plan_outreach(actor: AnyUser, ctx: PlanContext) -> bool:
    return svc.organising_units(actor).exists()


def _may_intake(actor: AnyUser, visit: OutreachVisit) -> bool:
    return svc.intake_refusal(actor, visit) is None


def _may_manage_outreach(actor: AnyUser, visit: OutreachVisit) -> bool:
    return svc.outreach_manage_refusal(actor, visit) is None


def _units(rows: Iterable[Unit]) -> list[tuple[str, str]]:
    return [(str(u.pk), f"{u.name}（{u.code}）") for u in rows]


def _centers(ctx: PlanContext) -> list[tuple[str, str]]:
    return _units(svc.planning_centers(ctx.user))


def _departments(ctx: PlanContext) -> list[tuple[str, str]]:
    """Every department one of the user's centers may gather (the service checks the chosen center's)."""
    seen: dict[int, Unit] = {}
    for center in svc.planning_centers(ctx.user).select_related("region"):
        for dept in svc.eligible_departments(center):
            seen.setdefault(dept.pk, dept)
    return _units(sorted(seen.values(), key=lambda u: u.path))


def _joint_departments(joint: JointAppointment) -> list[tuple[str, str]]:
    return [(str(r.department_id), r.department.name) for r in joint.departments.select_related("department")]


def _organisers(ctx: PlanContext) -> list[tuple[str, str]]:
    return _units(svc.organising_units(ctx.user))


def _villages(ctx: PlanContext) -> list[tuple[str, str]]:
    paths = [u.region.path for u in svc.organising_units(ctx.user).select_related("region")]
    if not paths:
        return []
    top = min(paths, key=len)
    return [(str(r.pk), r.name) for r in Region.objects.filter(level=RegionLevel.VILLAGE, path__startswith=top)
            .order_by("path")]


def _team(ctx: PlanContext) -> list[tuple[str, str]]:
    units = list(svc.organising_units(ctx.user).values_list("path", flat=True))
    if not units:
        return []
    top = min(units, key=len)
    return [(str(p.pk), f"{p.name}（{p.badge_number}，{p.unit.name}）") for p in StaffProfile.objects.filter(
        unit__path__startswith=top, is_active=True, user__is_active=True).select_related("unit")
        .order_by("unit__path", "badge_number")]


def _visit_place(visit: OutreachVisit) -> str:
    return visit.place


# --- the catalogues ---------------------------------------------------------------------------------------------

COMPLETION_ACTIONS: Catalogue[CaseContext] = Catalogue(subject="case_completion", key="number")
COMPLETION_ACTIONS.add(ActionSpec(
    "give", "预约办结", CompletionAppointmentIn, _give, _may_give, "completion-appointment", button="预约办结",
    help="不能即日办结的，讲清原因，与申请人约定办结日期；短信告知申请人，到期由系统跟踪",
    confirm="约定日期确定后不能更改，到期未办结将记入过错记录。确定预约？",
    done=lambda a: f"已预约于{a.promised_on:%Y-%m-%d}办结，已短信告知申请人", result="result",
    description="对已受理、尚未办结的办件约定办结日期（工作日，不早于今天、不晚于承诺办结日期）并写明不能即日办结的原因；"
                "短信告知申请人（不含证件号码）。每个办件只能预约一次，到期由时限巡检跟踪：按时办结记为按约办结，逾期记为"
                "“预约办结逾期”过错。拒绝：办件不存在或不在范围内（404）；不是首办负责人（或其B角）或收件窗口人员（403）；"
                "办件未受理或已办结、已预约过（409）；日期或原因有误（400，fields 指明 promised_on、reason）。"))

JOINT_CREATE_ACTIONS: Catalogue[PlanContext] = Catalogue(subject="joint_create", key="")
JOINT_CREATE_ACTIONS.add(ActionSpec(
    "plan", "安排预约联动", JointPlanIn, _plan_joint, _may_plan_joint, "hall/joint-appointments",
    button="安排联动", choices={"unit_id": _centers, "department_ids": _departments},
    done=lambda j: f"已安排预约联动 {j.number}，已通知各部门和申请人",
    description="中心（窗口工作人员或领导）为一位申请人在同一时间集中多个部门办理：至少两个进驻本中心或本县的部门，"
                "工作日的将来时间；生成编号 LD+日期+4位序号，站内通知各部门工作人员，短信通知申请人。返回 201。"
                "拒绝：不是窗口工作人员或领导（403）；中心不在本人范围、部门不足两个或不符合条件、时间已过或不是工作日、"
                "手机号码无效、必填项为空（400，fields 指明）。"))

JOINT_ACTIONS: Catalogue[JointAppointment] = Catalogue(subject="joint", key="joint_id", key_type=int)
JOINT_ACTIONS.add(ActionSpec(
    "confirm", "确认参加（本部门）", NoInput, _confirm, _may_confirm, "confirm", button="确认本部门参加",
    done="已确认本部门参加",
    description="参加联动的部门工作人员确认本部门参加。拒绝：不在可见范围（404）；不是参加部门的工作人员（403）；已办结或"
                "取消、本部门已确认（409）。"))
JOINT_ACTIONS.add(ActionSpec(
    "close", "办结预约联动", JointCloseIn, _close_joint, _may_manage_joint, "close", button="登记办理结果",
    help="集中办理时间之后登记：到场的部门和办理结果", choices={"attended_department_ids": _joint_departments},
    done="已登记办理结果",
    description="集中办理时间之后由中心登记结果：已办理（勾选到场部门）或未能办理（写明原因，记为已取消）。拒绝：不在可见"
                "范围（404）；不是组织联动的中心工作人员（403）；已办结或取消、时间未到（409）；到场部门不属本联动、"
                "已办理却未勾选部门、未能办理未写原因（400，fields 指明）。"))
JOINT_ACTIONS.add(ActionSpec(
    "cancel", "取消预约联动", HallCancelIn, _cancel_joint, _may_manage_joint, "cancel", button="取消联动",
    secondary=True,
    confirm="取消后将通知各部门和申请人，不能恢复。确定取消？", done="已取消，已通知各部门和申请人",
    description="中心取消尚未办理的预约联动，站内通知各部门、短信通知申请人。拒绝：不在可见范围（404）；不是组织联动的中心"
                "工作人员（403）；已办结或取消（409）；未写原因（400，reason）。"))

OUTREACH_CREATE_ACTIONS: Catalogue[PlanContext] = Catalogue(subject="outreach_create", key="")
OUTREACH_CREATE_ACTIONS.add(ActionSpec(
    "plan", "安排组团服务", OutreachPlanIn, _plan_outreach, _may_plan_outreach, "hall/outreach", button="安排并公示",
    choices={"unit_id": _organisers, "region_id": _villages, "team_staff_ids": _team},
    done="已安排组团服务，已在公示栏公布并通知服务团队",
    description="领导安排服务团队到本单位区域内的村（社区）开展组团服务：时间（同一天内）、地点、服务内容、"
                "至少两名本单位或下级单位的在岗人员；安排后即在本单位公示栏公布，站内通知团队成员。返回 201。"
                "拒绝：不是领导（403）；单位不在本人范围、不是本单位区域内的村（社区）、时间有误、团队不足两人或不符合"
                "条件、必填项为空（400，fields 指明）。"))

OUTREACH_ACTIONS: Catalogue[OutreachVisit] = Catalogue(subject="outreach", key="visit_id", key_type=int)
OUTREACH_ACTIONS.add(ActionSpec(
    "intake", "登记现场受理的办件", OutreachIntakeIn, _intake, _may_intake, "intakes", button="登记",
    initial={"place": _visit_place}, done=lambda i: f"已登记办件 {i.case.number}",
    help="服务当天由团队成员在现场收件的办件（先在“收件”中登记办件，再在此填写办件编号）",
    description="登记服务当天由团队成员现场收件的办件及受理地点，每个办件一次。返回 201。拒绝：不在可见范围（404）；"
                "不是团队成员或组织单位的领导（403）；服务已取消、办件已登记过（409）；办件不存在、不是团队成员受理、"
                "收件日期不是服务当天、地点为空（400，fields 指明 case_number、place）。"))
OUTREACH_ACTIONS.add(ActionSpec(
    "close", "完成组团服务", OutreachCloseIn, _close_outreach, _may_manage_outreach, "close", button="完成",
    help="服务开始后登记服务情况", done="已完成",
    description="服务开始后由组织单位的领导登记服务情况并完成。拒绝：不在可见范围（404）；不是组织单位的领导（403）；已完成"
                "或取消、尚未开始（409）；未填服务情况（400，summary）。"))
OUTREACH_ACTIONS.add(ActionSpec(
    "cancel", "取消组团服务", HallCancelIn, _cancel_outreach, _may_manage_outreach, "cancel", button="取消服务",
    secondary=True, confirm="取消后将从公示栏撤下并通知服务团队，不能恢复。确定取消？", done="已取消",
    description="组织单位的领导取消尚未开展的组团服务（从公示栏撤下），站内通知团队成员。拒绝：不在可见范围（404）；不是"
                "组织单位的领导（403）；已完成或取消（409）；未写原因（400，reason）。"))
