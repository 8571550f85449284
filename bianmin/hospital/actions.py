"""The hospital desk's actions (decision 0026), declared once: 发起科室协调 from a case, the steps of a coordination
request (答复, 不能办理, 上报或转其他科室, 告知患者/家属, 撤回), and 便民活动 (登记, 发布, 登记参加人数, 取消).

The staff screens (``backoffice.views_hospital``) draw their forms and parse their posts from these catalogues, and
the API (``api.routes_hospital``) generates its endpoints from them; both validate through ``core.actions``, so a bad
input gets the same errors, named by the same field, whichever door it came through. ``allowed`` asks
``hospital.policies`` (the buttons a page draws); each service asks the same policies again before it writes.

A 科室 is named by its unit code (``YY1K1``) on both doors: the screens' choices carry the codes too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from django.conf import settings
from django.utils import timezone
from pydantic import Field, WithJsonSchema

from bianmin.core.actions import ActionInput, ActionSpec, Catalogue, NoInput
from bianmin.core.timeutils import now as clock
from bianmin.core.timeutils import require_plausible_dates
from bianmin.org.models import Unit
from bianmin.org.policies import staff_profile_of

from . import policies, selectors, services
from .models import CareEvent, CoordinationRequest, EventKind, Topic

if TYPE_CHECKING:
    from bianmin.cases.models import Case
    from bianmin.users.types import AnyUser, User

TEXTAREA: dict[str, Any] = {"widget": "textarea"}
MOMENT: dict[str, Any] = {"widget": "datetime-local"}

# The codes are documented inline (not as components): ``Topic`` and ``EventKind`` are generic names that another
# app may use for its own enum (test_openapi_contract: one class per component name).
TopicCode = Annotated[Topic, WithJsonSchema({
    "type": "string", "enum": list(Topic.values),
    "description": "协调事项：" + "，".join(f"{v} {lbl}" for v, lbl in Topic.choices)})]
EventKindCode = Annotated[EventKind, WithJsonSchema({
    "type": "string", "enum": list(EventKind.values),
    "description": "活动类型：" + "，".join(f"{v} {lbl}" for v, lbl in EventKind.choices)})]

DEPARTMENT_CODE = "科室的单位代码（如 YY1K1，见 GET /api/v1/hospital/departments）"
REPLY_HOURS_MAX = int(settings.BIANMIN["HOSPITAL"]["REPLY_HOURS_MAX"])
REPLY_HOURS_DEFAULT = int(settings.BIANMIN["HOSPITAL"]["REPLY_HOURS_DEFAULT"])
NO_UNIT = 0  # an id no unit has: an unknown 科室 code reaches the service as a unit that does not exist


def unit_id(code: str) -> int | None:
    """Return the id of the unit with ``code``, NO_UNIT for an unknown code, None for an empty one (the service
    refuses both, naming the field)."""
    text = code.strip()
    if not text:
        return None
    return Unit.objects.filter(code=text).values_list("pk", flat=True).first() or NO_UNIT


def _moment(field: str, value: dt.datetime) -> dt.datetime:
    """Return ``value`` as an aware datetime (a time without offset is Beijing time); raise DomainError naming
    ``field`` for a date outside this century."""
    require_plausible_dates(field, value.date())
    return timezone.make_aware(value) if timezone.is_naive(value) else value


# --- inputs: the titles are the screens' labels; the descriptions say more in the OpenAPI document -----------------


class CoordinationRequestIn(ActionInput):
    department: str = Field(..., max_length=16, title="科室", description=DEPARTMENT_CODE + "；须为本医院的科室")
    topic: TopicCode = Field(..., title="协调事项")
    question: str = Field(..., max_length=2000, title="协调内容", description="协调内容（不超过2000字）",
                          json_schema_extra=TEXTAREA)
    reply_hours: int | None = Field(
        None, ge=1, le=REPLY_HOURS_MAX, title="答复时限（小时）",
        description=f"答复时限（小时，1–{REPLY_HOURS_MAX}；不填为{REPLY_HOURS_DEFAULT}）")


class CoordinationAnswerIn(ActionInput):
    answer: str = Field(..., max_length=2000, title="答复内容", description="答复内容（不超过2000字）",
                        json_schema_extra=TEXTAREA)


class CoordinationRefuseIn(ActionInput):
    reason: str = Field(..., max_length=2000, title="原因", description="不能办理的原因（不超过2000字）",
                        json_schema_extra=TEXTAREA)


class CoordinationEscalateIn(ActionInput):
    to_department: str = Field(..., max_length=16, title="转交科室",
                               description=DEPARTMENT_CODE + "；本医院的另一个科室")
    note: str = Field(..., max_length=1000, title="说明", description="上报或转其他科室的原因（不超过1000字）",
                      json_schema_extra=TEXTAREA)


class CoordinationTellIn(ActionInput):
    note: str = Field(..., max_length=1000, title="告知的方式和内容",
                      description="告知患者或家属的内容和方式（不超过1000字）", json_schema_extra=TEXTAREA)
    send_sms: bool = Field(False, title="发送短信（只提示科室已答复，不含诊断等健康信息；未登记手机号时不发送）",
                           description="同时给申请人发短信（不含任何诊疗信息）")


class CoordinationWithdrawIn(ActionInput):
    reason: str = Field(..., max_length=255, title="撤回原因", description="撤回原因（不超过255字）",
                        json_schema_extra=TEXTAREA)


class CareEventIn(ActionInput):
    kind: EventKindCode = Field(..., title="活动类型")
    title: str = Field(..., max_length=128, title="活动名称", description="活动名称（不超过128字）")
    place: str = Field(..., max_length=128, title="地点", description="地点（不超过128字）")
    starts_at: dt.datetime = Field(..., title="开始时间", description="开始时间（晚于现在；不带时区按北京时间）",
                                   json_schema_extra=MOMENT)
    ends_at: dt.datetime = Field(..., title="结束时间", description="结束时间（晚于开始时间）",
                                 json_schema_extra=MOMENT)
    description: str = Field("", max_length=2000, title="活动内容", description="活动内容（不超过2000字）",
                             json_schema_extra=TEXTAREA)
    capacity: int | None = Field(None, ge=1, le=1_000_000, title="计划人数（可不填）", description="计划人数")
    departments: list[str] = Field([], max_length=50, title="参与科室",
                                   description="参与科室（" + DEPARTMENT_CODE + "；本医院的科室）")


class CareAttendanceIn(ActionInput):
    attendance: int = Field(..., ge=0, le=1_000_000, title="参加人数", description="参加人数")
    summary: str = Field("", max_length=2000, title="活动小结（可不填）", description="活动小结（不超过2000字）",
                         json_schema_extra=TEXTAREA)


class CareCancelIn(ActionInput):
    reason: str = Field(..., max_length=255, title="取消原因", description="取消原因（不超过255字，在公示栏显示）",
                        json_schema_extra=TEXTAREA)


@dataclass(frozen=True)
class EventPlanContext:
    """Who plans a new 便民活动 and for which unit (their own desk; None when they are not at a desk)."""

    user: Any
    unit: Unit | None


def event_plan_context(user: AnyUser) -> EventPlanContext:
    """Return the plan form's subject: the unit whose events the user plans (their own desk), if any."""
    profile = staff_profile_of(user)
    if profile is None or not policies.is_desk_side(user, profile.unit_id):
        return EventPlanContext(user, None)
    return EventPlanContext(user, profile.unit)


# --- performers: each calls its one service ---------------------------------------------------------------------


def _send(*, actor: User, key: str, data: CoordinationRequestIn, now: dt.datetime) -> CoordinationRequest:
    return services.send_request(actor=actor, number=key, department_id=unit_id(data.department),
                                 topic=data.topic.value, question=data.question, reply_hours=data.reply_hours,
                                 now=now)


def _answer(*, actor: User, key: int, data: CoordinationAnswerIn, now: dt.datetime) -> CoordinationRequest:
    return services.answer_request(actor=actor, request_id=key, answer=data.answer, now=now)


def _refuse(*, actor: User, key: int, data: CoordinationRefuseIn, now: dt.datetime) -> CoordinationRequest:
    return services.refuse_request(actor=actor, request_id=key, reason=data.reason, now=now)


def _escalate(*, actor: User, key: int, data: CoordinationEscalateIn, now: dt.datetime) -> CoordinationRequest:
    return services.escalate_request(actor=actor, request_id=key, to_department_id=unit_id(data.to_department),
                                     note=data.note, now=now)


def _tell(*, actor: User, key: int, data: CoordinationTellIn, now: dt.datetime) -> CoordinationRequest:
    return services.tell_family(actor=actor, request_id=key, note=data.note, send_sms=data.send_sms, now=now)


def _withdraw(*, actor: User, key: int, data: CoordinationWithdrawIn, now: dt.datetime) -> CoordinationRequest:
    return services.withdraw_request(actor=actor, request_id=key, reason=data.reason, now=now)


def _plan(*, actor: User, key: None, data: CareEventIn, now: dt.datetime) -> CareEvent:
    starts_at, ends_at = _moment("starts_at", data.starts_at), _moment("ends_at", data.ends_at)
    return services.plan_event(actor=actor, kind=data.kind.value, title=data.title, place=data.place,
                               starts_at=starts_at, ends_at=ends_at, description=data.description,
                               capacity=data.capacity,
                               department_ids=[unit_id(c) or NO_UNIT for c in data.departments], now=now)


def _publish(*, actor: User, key: int, data: NoInput, now: dt.datetime) -> CareEvent:
    return services.publish_event(actor=actor, event_id=key, now=now)


def _attend(*, actor: User, key: int, data: CareAttendanceIn, now: dt.datetime) -> CareEvent:
    return services.record_attendance(actor=actor, event_id=key, attendance=data.attendance, summary=data.summary,
                                      now=now)


def _cancel(*, actor: User, key: int, data: CareCancelIn, now: dt.datetime) -> CareEvent:
    return services.cancel_event(actor=actor, event_id=key, reason=data.reason, now=now)


# --- who may (the forms a page draws) and the forms' choices -----------------------------------------------------


def _may_send(actor: AnyUser, case: Case) -> bool:
    return policies.is_desk_side(actor, case.unit_id) and policies.send_refusal(case) is None


def _may_reply(actor: AnyUser, request: CoordinationRequest) -> bool:
    return policies.is_department_side(actor, request.department_id) and policies.reply_refusal(request) is None


def _may_tell(actor: AnyUser, request: CoordinationRequest) -> bool:
    return policies.is_desk_side(actor, request.desk_id) and policies.tell_refusal(request) is None


def _may_withdraw(actor: AnyUser, request: CoordinationRequest) -> bool:
    return policies.is_desk_side(actor, request.desk_id) and policies.withdraw_refusal(request) is None


def _may_plan(actor: AnyUser, ctx: EventPlanContext) -> bool:
    return ctx.unit is not None


def _step_allowed(step: str) -> Any:
    def allowed(actor: AnyUser, event: CareEvent) -> bool:
        return step in policies.event_steps(actor, event, clock())
    allowed.__name__ = f"_may_{step}"
    return allowed


def _case_departments(case: Case) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in selectors.departments_of(case.unit)]


def _escalation_targets(request: CoordinationRequest) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in selectors.departments_of(request.desk) if d.pk != request.department_id]


def _event_departments(ctx: EventPlanContext) -> list[tuple[str, str]]:
    unit = ctx.unit
    return [(d.code, d.name) for d in selectors.departments_of(unit)] if unit is not None else []


def _at_hospital(ctx: EventPlanContext) -> bool:
    return ctx.unit is not None and ctx.unit.is_hospital_desk


def _sent(request: CoordinationRequest) -> str:
    return f"已向{request.department.name}发出协调单{request.number}"


def _attendance(event: CareEvent) -> Any:
    return event.attendance if event.attendance is not None else ""


def _summary(event: CareEvent) -> str:
    return event.summary


# --- the catalogues ---------------------------------------------------------------------------------------------

SEND_ACTIONS: Catalogue[Case] = Catalogue(subject="hospital_case", key="number")
SEND_ACTIONS.add(ActionSpec(
    "send", "发起科室协调", CoordinationRequestIn, _send, _may_send, "coordination-requests", button="发出协调",
    help="协调内容会发给科室，请只写办理所需的信息；诊断和病区由科室在协调单页面按需查看。",
    initial={"topic": lambda case: Topic.TRANSFER, "reply_hours": lambda case: REPLY_HOURS_DEFAULT},
    choices={"department": _case_departments}, done=_sent, result="result",
    description="医院便民服务中心向本医院的科室发出，限时答复。"
                "拒绝：不是医院便民服务中心受理的办件（400，case）；科室不是本医院的科室或不是科室（400，"
                "department）；协调事项、内容或答复时限无效（400，topic、question、reply_hours）；不是本中心"
                "办理办件的工作人员（403）；办件不存在或不在可见范围（404）；办件未受理或已办结（409）。"))

REQUEST_ACTIONS: Catalogue[CoordinationRequest] = Catalogue(subject="coordination_request", key="request_id",
                                                            key_type=int)
REQUEST_ACTIONS.add(ActionSpec(
    "answer", "答复", CoordinationAnswerIn, _answer, _may_reply, "answer", button="提交答复", accesskey="s",
    confirm="确认提交答复？提交后不能修改。", done="已答复，服务中心将告知患者或家属",
    description="科室答复协调单；超过答复时限的答复照常接收，同时记录超时。"
                "仅收到协调单的科室的工作人员（其他人 404）。拒绝：答复为空或过长（400，answer）；"
                "协调单已答复、不能办理、已告知或已撤回（409）。"))
REQUEST_ACTIONS.add(ActionSpec(
    "refuse", "不能办理", CoordinationRefuseIn, _refuse, _may_reply, "refuse", button="回复不能办理",
    secondary=True, confirm="确认回复不能办理？提交后不能修改。", done="已回复不能办理",
    description="科室回复不能办理，须写明原因。"
                "仅收到协调单的科室的工作人员（其他人 404）。拒绝：原因为空或过长（400，reason）；"
                "协调单已答复、不能办理、已告知或已撤回（409）。"))
REQUEST_ACTIONS.add(ActionSpec(
    "escalate", "上报或转其他科室", CoordinationEscalateIn, _escalate, _may_reply, "escalate", button="上报/转交",
    secondary=True, help="转交后，新科室的答复时限从转交时起重新计算。", confirm="确认上报或转交所选科室？",
    choices={"to_department": _escalation_targets}, done="已上报/转其他科室办理",
    description="科室上报或转本医院的其他科室；新科室的答复时限从此刻重新计算。"
                "仅收到协调单的科室的工作人员（其他人 404）。拒绝：目标不是本医院的其他科室，或已达上报次数"
                "上限（400，to_department）；说明为空（400，note）；协调单已不在待答复状态（409）。"))
REQUEST_ACTIONS.add(ActionSpec(
    "tell", "告知患者/家属", CoordinationTellIn, _tell, _may_tell, "tell", button="记录告知并办结", accesskey="s",
    confirm="确认已告知患者或家属并办结本协调单？", done="已记录告知患者或家属，协调单办结",
    description="告知患者或家属科室的答复；告知后协调单办结。"
                "仅发出协调单的医院便民服务中心办理办件的工作人员（其他人 404）。拒绝：告知情况为空（400，"
                "note）；科室尚未答复或已告知、已撤回（409）。短信不含诊疗信息。"))
REQUEST_ACTIONS.add(ActionSpec(
    "withdraw", "撤回", CoordinationWithdrawIn, _withdraw, _may_withdraw, "withdraw", button="撤回协调单",
    secondary=True, confirm="撤回后科室不再答复，协调单不能恢复。确定撤回吗？", confirm_page=True,
    done="协调单已撤回",
    description="撤回协调单，须写明原因。"
                "仅发出协调单的医院便民服务中心办理办件的工作人员（其他人 404）。拒绝：原因为空（400，"
                "reason）；协调单已告知或已撤回（409）。"))

EVENT_CREATE_ACTIONS: Catalogue[EventPlanContext] = Catalogue(subject="care_event_create", key="")
EVENT_CREATE_ACTIONS.add(ActionSpec(
    "plan", "登记便民活动", CareEventIn, _plan, _may_plan, "hospital/events", button="登记活动", accesskey="s",
    initial={"kind": lambda ctx: EventKind.FREE_CLINIC}, choices={"departments": _event_departments},
    show_if={"departments": _at_hospital}, done="便民活动已登记，发布后将在公示栏显示",
    description="登记义诊、健康讲座等便民活动；登记后发布才在公示栏显示。"
                "本中心办理办件的工作人员登记本中心的活动（其他人 403）。拒绝：类型、名称、地点无效"
                "（400，kind、title、place）；开始时间不晚于现在（400，starts_at）；结束不晚于开始（400，ends_at）；"
                "参与科室不是本医院的科室（400，departments）。"))

EVENT_ACTIONS: Catalogue[CareEvent] = Catalogue(subject="care_event", key="event_id", key_type=int)
EVENT_ACTIONS.add(ActionSpec(
    "publish", "发布到公示栏", NoInput, _publish, _step_allowed("publish"), "publish", button="发布", accesskey="s",
    help="发布后群众可在公示栏看到活动时间和地点。", confirm="确认发布？活动将在公示栏显示。",
    done="已发布，活动将在公示栏显示",
    description="发布便民活动，在本中心公示栏显示。"
                "本中心办理办件的工作人员（其他人 404）。拒绝：活动不在计划中，或已开始（409）。"))
EVENT_ACTIONS.add(ActionSpec(
    "attend", "登记参加人数", CareAttendanceIn, _attend, _step_allowed("attend"), "attendance", button="保存",
    initial={"attendance": _attendance, "summary": _summary}, done="已登记参加人数",
    description="活动举办后登记参加人数。"
                "本中心办理办件的工作人员（其他人 404）。拒绝：人数为负（400，attendance）；活动未发布、"
                "已取消或尚未开始（409）。可再次登记以更正。"))
EVENT_ACTIONS.add(ActionSpec(
    "cancel", "取消活动", CareCancelIn, _cancel, _step_allowed("cancel"), "cancel", button="取消活动",
    secondary=True, confirm="取消后公示栏将显示取消原因，活动不能恢复。确定取消吗？", confirm_page=True,
    done="活动已取消，公示栏将显示取消原因",
    description="取消便民活动，须写明原因，在公示栏显示到活动日期。"
                "本中心办理办件的工作人员（其他人 404）。拒绝：原因为空（400，reason）；活动已举办或已取消"
                "（409）。"))
