"""预约办结, 预约联动 and 组团服务 endpoints (decision 0025 §6): the lists and one of each for the staff who may see
them, and the actions generated from ``hall.promise_actions`` (the same validation and refusals as the screens).
The applicant's phone is never answered in full: ``phone_masked`` only.

No ``from __future__ import annotations`` (as in ``routes_actions``): the schemas' annotations stay objects."""
import datetime as dt
from typing import Any, Literal, Optional

from ninja import Field, Query, Router, Schema

from bianmin.cases.policies import get_case_for
from bianmin.core.errors import NotFound
from bianmin.hall.models import (
    CompletionAppointment,
    CompletionStatus,
    JointAppointment,
    JointStatus,
    OutreachIntake,
    OutreachStatus,
    OutreachVisit,
)
from bianmin.hall.promise_actions import (
    COMPLETION_ACTIONS,
    JOINT_ACTIONS,
    JOINT_CREATE_ACTIONS,
    OUTREACH_ACTIONS,
    OUTREACH_CREATE_ACTIONS,
)
from bianmin.hall.promises import completion_of, get_joint_for, get_outreach_for, joints_for, outreach_for

from .auth import StaffToken
from .bounds import Page, PageSize, page_rows
from .routes_actions import register, register_at
from .routes_cases import ERRORS

router = Router(tags=["预约办结、预约联动和组团服务"], auth=StaffToken())


class CompletionAppointmentOut(Schema):
    case: str
    promised_on: dt.date
    reason: str
    status: CompletionStatus
    given_by: str
    given_at: dt.datetime
    settled_at: Optional[dt.datetime] = None  # noqa: UP045 - evaluated at runtime by ninja


class JointDepartmentOut(Schema):
    id: int = Field(..., description="部门（单位）id")
    name: str
    confirmed_at: Optional[dt.datetime] = None  # noqa: UP045
    attended: Optional[bool] = Field(None, description="到场（办结后登记；未登记为空）")  # noqa: UP045


class JointRowOut(Schema):
    id: int
    number: str
    unit: str
    starts_at: dt.datetime
    place: str
    matter: str
    name: str = Field(..., description="申请人姓名")
    status: JointStatus


class JointOut(JointRowOut):
    phone_masked: str = Field(..., description="申请人手机号码（脱敏）")
    note: str
    created_at: dt.datetime
    departments: list[JointDepartmentOut]


class JointQuery(Schema):
    q: str = Field("", max_length=64, description="联动编号或申请人姓名")
    status: Literal["", "PLANNED", "HELD", "CANCELLED"] = ""
    page: Page = 1
    size: PageSize = 50


class OutreachTeamOut(Schema):
    id: int = Field(..., description="工作人员 id")
    name: str
    badge_number: str


class OutreachIntakeOut(Schema):
    case: str
    place: str
    recorded_at: dt.datetime


class OutreachRowOut(Schema):
    id: int
    unit: str
    region: str = Field(..., description="服务的村（社区）")
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    topic: str
    status: OutreachStatus


class OutreachOut(OutreachRowOut):
    summary: str
    team: list[OutreachTeamOut]
    intakes: list[OutreachIntakeOut]


class OutreachQuery(Schema):
    q: str = Field("", max_length=64, description="村（社区）、地点或服务内容")
    status: Literal["", "PLANNED", "DONE", "CANCELLED"] = ""
    page: Page = 1
    size: PageSize = 50


def completion_out(a: CompletionAppointment) -> dict[str, Any]:
    return {"case": a.case.number, "promised_on": a.promised_on, "reason": a.reason, "status": a.status,
            "given_by": a.given_by.get_full_name(), "given_at": a.given_at, "settled_at": a.settled_at}


def _joint_row(j: JointAppointment) -> dict[str, Any]:
    return {"id": j.pk, "number": j.number, "unit": j.unit.name, "starts_at": j.starts_at, "place": j.place,
            "matter": j.matter, "name": j.name, "status": j.status}


def joint_out(j: JointAppointment) -> dict[str, Any]:
    rows = j.departments.select_related("department").order_by("department__path")
    return {**_joint_row(j), "phone_masked": j.phone_masked, "note": j.note, "created_at": j.created_at,
            "departments": [{"id": r.department_id, "name": r.department.name, "confirmed_at": r.confirmed_at,
                             "attended": r.attended} for r in rows]}


def _outreach_row(v: OutreachVisit) -> dict[str, Any]:
    return {"id": v.pk, "unit": v.unit.name, "region": v.region.name, "place": v.place, "starts_at": v.starts_at,
            "ends_at": v.ends_at, "topic": v.topic, "status": v.status}


def outreach_out(v: OutreachVisit) -> dict[str, Any]:
    return {**_outreach_row(v), "summary": v.summary,
            "team": [{"id": p.pk, "name": p.name, "badge_number": p.badge_number}
                     for p in v.team.order_by("badge_number")],
            "intakes": [{"case": i.case.number, "place": i.place, "recorded_at": i.recorded_at}
                        for i in v.intakes.select_related("case").order_by("recorded_at", "id")]}


def _fresh_joint(j: JointAppointment) -> dict[str, Any]:
    return joint_out(JointAppointment.objects.select_related("unit").get(pk=j.pk))


def _fresh_visit(v: OutreachVisit) -> dict[str, Any]:
    return outreach_out(OutreachVisit.objects.select_related("unit", "region").get(pk=v.pk))


def _intake_out(i: OutreachIntake) -> dict[str, Any]:
    return {"case": i.case.number, "place": i.place, "recorded_at": i.recorded_at}


@router.get("/hall/joint-appointments", response={200: list[JointRowOut], **ERRORS},
            summary="预约联动列表（本中心范围和本部门参加的，时间最新在前）")
def list_joints(request, q: Query[JointQuery]):
    rows = joints_for(request.auth, q=q.q, status=q.status)
    return [_joint_row(j) for j in rows[page_rows(q.page, q.size)]]


@router.get("/hall/joint-appointments/{joint_id}", response={200: JointOut, **ERRORS}, summary="预约联动详情")
def get_joint(request, joint_id: int):
    return joint_out(get_joint_for(request.auth, joint_id))


@router.get("/hall/outreach", response={200: list[OutreachRowOut], **ERRORS},
            summary="组团服务列表（本单位范围和本人参加的，时间最新在前）")
def list_outreach(request, q: Query[OutreachQuery]):
    rows = outreach_for(request.auth, q=q.q, status=q.status)
    return [_outreach_row(v) for v in rows[page_rows(q.page, q.size)]]


@router.get("/hall/outreach/{visit_id}", response={200: OutreachOut, **ERRORS},
            summary="组团服务详情（含现场受理的办件）")
def get_outreach(request, visit_id: int):
    return outreach_out(get_outreach_for(request.auth, visit_id))


@router.get("/cases/{number}/completion-appointment", response={200: CompletionAppointmentOut, **ERRORS},
            summary="办件的预约办结（约定日期、原因、状态：待办结、按约办结、逾期未办结）",
            description="办件不存在或不在可见范围，或没有预约办结，返回 404。")
def get_completion(request, number: str):
    appointment = completion_of(get_case_for(request.auth, number))
    if appointment is None:
        raise NotFound("该办件没有预约办结")
    return completion_out(appointment)


register_at(router, "/cases/{number}", COMPLETION_ACTIONS,
       {"give": (201, CompletionAppointmentOut, completion_out)})
register(router, JOINT_CREATE_ACTIONS, {"plan": (201, JointOut, _fresh_joint)})
register_at(router, "/hall/joint-appointments/{joint_id}", JOINT_ACTIONS,
       dict.fromkeys(("confirm", "close", "cancel"), (200, JointOut, _fresh_joint)))
register(router, OUTREACH_CREATE_ACTIONS, {"plan": (201, OutreachOut, _fresh_visit)})
register_at(router, "/hall/outreach/{visit_id}", OUTREACH_ACTIONS,
       {"intake": (201, OutreachIntakeOut, _intake_out), "close": (200, OutreachOut, _fresh_visit),
        "cancel": (200, OutreachOut, _fresh_visit)})
