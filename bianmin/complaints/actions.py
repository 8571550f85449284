"""The complaint's actions (decision 0021): 调查, 处置, 转办, 反馈, 查实, 归档 on a complaint, and 登记投诉 (desk or
phone) in the subject-less :data:`CREATE_ACTIONS` (``POST /complaints``). The screens and the API are generated
from these declarations; each service asks the same policy again before it writes.

The reveal of the complainant's identity is not a catalogued step: it answers personal data, so it has its own
audited screen form and endpoint (``services.reveal_complainant``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from bianmin.core.actions import ActionInput, ActionSpec, Catalogue
from bianmin.org.models import Unit
from bianmin.org.selectors import hospital_departments_under

from . import services as svc
from .models import Complaint, ComplaintKind, SubjectType
from .policies import (
    archive_refusal,
    confirm_refusal,
    handle_refusal,
    investigate_refusal,
    may_register,
    reply_refusal,
    transfer_refusal,
)

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser, User

TEXTAREA: dict[str, Any] = {"widget": "textarea"}


class ComplaintRegisterIn(ActionInput):
    channel: Literal["DESK", "PHONE"] = Field("DESK", title="投诉渠道（DESK 现场，PHONE 电话）")
    kind: ComplaintKind = Field(..., title="投诉类别")
    subject_type: SubjectType = Field(..., title="投诉对象类型")
    staff: str = Field("", title="被投诉人上岗证号", max_length=32)
    window: str = Field("", title="被投诉窗口号", max_length=16)
    case_number: str = Field("", title="相关办件编号", max_length=40)
    subject_unit: str = Field("", title="被投诉单位代码", max_length=16)
    department: str = Field("", title="涉及科室（可选）", max_length=16)
    matter: str = Field(..., title="投诉事项", max_length=2000, json_schema_extra=TEXTAREA)
    anonymous: bool = Field(False, title="匿名投诉（无答复渠道）")
    name: str = Field("", title="投诉人姓名（保密，仅监督员可查看）", max_length=64)
    phone: str = Field("", title="投诉人电话（保密，仅监督员可查看）", max_length=32)
    written: bool = Field(False, title="书面投诉（须书面答复）")
    simple: bool = Field(False, title="简单投诉（1个工作日内答复）")


class ComplaintInvestigateIn(ActionInput):
    notes: str = Field(..., title="调查情况（内部记录，不向投诉人公开）", max_length=2000, json_schema_extra=TEXTAREA)


class ComplaintHandleIn(ActionInput):
    nature: str = Field(..., title="性质（如：属实、部分属实、不属实）", max_length=128)
    opinion: str = Field(..., title="处理意见", max_length=2000, json_schema_extra=TEXTAREA)


class ComplaintTransferIn(ActionInput):
    unit: str = Field(..., title="转办单位（单位代码）", max_length=16)
    note: str = Field(..., title="转办说明（为何不属于本中心职责范围）", max_length=2000, json_schema_extra=TEXTAREA)


class ComplaintReplyIn(ActionInput):
    reply: str = Field("", title="答复内容（书面投诉必填）", max_length=2000, json_schema_extra=TEXTAREA)
    late_reason: str = Field("", title="逾期答复原因（超过答复期限时必填）", max_length=2000,
                             json_schema_extra=TEXTAREA)


class ComplaintNoFieldsIn(ActionInput):
    pass


class ComplaintConfirmIn(ActionInput):
    responsible: str = Field("", title="责任人上岗证号（投诉对象为窗口或单位时必填；办件默认为其首办负责人）",
                             max_length=32)


def _register(*, actor: User, key: None, data: ComplaintRegisterIn, now: dt.datetime) -> Complaint:
    return svc.register_complaint(
        actor=actor, channel=data.channel, kind=data.kind.value, subject_type=data.subject_type.value,
        staff=data.staff, window=data.window, case_number=data.case_number, subject_unit=data.subject_unit,
        matter=data.matter, anonymous=data.anonymous, name=data.name, phone=data.phone, written=data.written,
        simple=data.simple, department=data.department, now=now)


def _investigate(*, actor: User, key: str, data: ComplaintInvestigateIn, now: dt.datetime) -> Complaint:
    return svc.investigate_complaint(actor=actor, number=key, notes=data.notes, now=now)


def _handle(*, actor: User, key: str, data: ComplaintHandleIn, now: dt.datetime) -> Complaint:
    return svc.handle_complaint(actor=actor, number=key, nature=data.nature, opinion=data.opinion, now=now)


def _transfer(*, actor: User, key: str, data: ComplaintTransferIn, now: dt.datetime) -> Complaint:
    return svc.transfer_complaint(actor=actor, number=key, unit=data.unit, note=data.note, now=now)


def _reply(*, actor: User, key: str, data: ComplaintReplyIn, now: dt.datetime) -> Complaint:
    return svc.reply_complaint(actor=actor, number=key, reply=data.reply, late_reason=data.late_reason, now=now)


def _confirm(*, actor: User, key: str, data: ComplaintConfirmIn, now: dt.datetime) -> Complaint:
    return svc.confirm_complaint(actor=actor, number=key, now=now, responsible=data.responsible)


def _archive(*, actor: User, key: str, data: ComplaintNoFieldsIn, now: dt.datetime) -> Complaint:
    return svc.archive_complaint(actor=actor, number=key, now=now)


def _units(complaint: Complaint) -> Iterable[tuple[str, str]]:
    return [(u.code, f"{u.name}（{u.code}）") for u in
            Unit.objects.filter(is_active=True).exclude(pk=complaint.unit_id).order_by("path")]


def _may_investigate(actor: AnyUser, c: Complaint) -> bool:
    return investigate_refusal(actor, c) is None


def _may_handle(actor: AnyUser, c: Complaint) -> bool:
    return handle_refusal(actor, c) is None


def _may_transfer(actor: AnyUser, c: Complaint) -> bool:
    return transfer_refusal(actor, c) is None


def _may_reply(actor: AnyUser, c: Complaint) -> bool:
    return reply_refusal(actor, c) is None


def _may_confirm(actor: AnyUser, c: Complaint) -> bool:
    return confirm_refusal(actor, c) is None


def _may_archive(actor: AnyUser, c: Complaint) -> bool:
    return archive_refusal(actor, c) is None


def _may_register(actor: AnyUser, subject: Unit | None) -> bool:
    return may_register(actor)


def _departments_within(unit: Unit | None) -> list[Unit]:
    """The active 科室 of the hospital desks at or below the registrar's unit (``unit``), by path."""
    return list(hospital_departments_under(unit.path if unit is not None else None))


def _department_choices(unit: Unit | None) -> Iterable[tuple[str, str]]:
    rows = _departments_within(unit)
    several = len({d.parent_id for d in rows}) > 1
    return [("", "不涉及具体科室")] + [
        (d.code, f"{d.parent.name} · {d.name}" if several and d.parent else d.name) for d in rows]


def _has_departments(unit: Unit | None) -> bool:
    return bool(_departments_within(unit))


COMPLAINT_ACTIONS: Catalogue[Complaint] = Catalogue(subject="complaint", key="number")
COMPLAINT_ACTIONS.add(ActionSpec(
    "investigate", "登记调查情况", ComplaintInvestigateIn, _investigate, _may_investigate, "investigate",
    button="登记调查",
    done="已登记调查情况",
    description="受理 → 调查：监督员登记调查核实的情况（内部记录，不向投诉人公开），首次登记者成为承办人。"
                "拒绝：不是监督员、投诉针对本人（403，针对本人的投诉不可见：404）；已处置（409）；未填写（400，fields.notes）。"))
COMPLAINT_ACTIONS.add(ActionSpec(
    "handle", "处置（性质和处理意见）", ComplaintHandleIn, _handle, _may_handle, "handle", button="登记处理意见",
    done="已处置，请在答复期限内答复投诉人",
    description="调查 → 处置：登记投诉的性质和处理意见（摘记于登记簿）。拒绝：不是监督员（403）；尚未调查（409）；"
                "未填写性质或处理意见（400）。"))
COMPLAINT_ACTIONS.add(ActionSpec(
    "transfer", "转办（不属于本中心职责范围）", ComplaintTransferIn, _transfer, _may_transfer, "transfer",
    button="转办",
    secondary=True, confirm="转办后投诉由对方单位办理，本单位不再可见（对方在本单位范围内的除外）。确定转办？",
    done="已转办", choices={"unit": _units},
    description="把不属于本中心职责范围的投诉转交有权处理的单位：投诉归属对方单位，答复期限按对方单位的工作日历自转办之日重新"
                "计算，登记簿记录转出单位和理由。拒绝：不是监督员（403）；已处置或已办结（409）；单位无效或为本单位、"
                "未写理由（400）。"))
COMPLAINT_ACTIONS.add(ActionSpec(
    "reply", "答复投诉人（反馈）", ComplaintReplyIn, _reply, _may_reply, "reply", button="答复",
    done="已答复投诉人",
    description="处置 → 反馈：在承诺时限内将处理结果反馈投诉人；书面投诉须书面答复（填写答复内容）；"
                "超过答复期限的须写明原因，并由巡检记录为投诉答复超时。拒绝：不是监督员（403）；匿名投诉（无答复渠道）、尚未处置或已答复（409）；"
                "书面投诉未填答复内容、逾期未写原因（400）。"))
COMPLAINT_ACTIONS.add(ActionSpec(
    "confirm", "查实并登记过错", ComplaintConfirmIn, _confirm, _may_confirm, "confirm", button="查实并登记过错",
    confirm="查实后将对被投诉人登记一条“投诉查实”过错记录（每件投诉一次）。确定？", done="已查实，已登记过错记录",
    description="投诉经调查属实：对被投诉的工作人员登记一条“投诉查实”过错记录（经监督员的过错登记服务，被投诉人可申辩）；"
                "过错记录不含投诉人信息。投诉对象为办件的，责任人默认为其首办负责人；为窗口或单位的，须填写查实的责任人上岗证号。"
                "拒绝：不是监督员（403）；已查实过、尚未处置（409）；未能确定责任人或上岗证号不在本范围（400，responsible）。"))
COMPLAINT_ACTIONS.add(ActionSpec(
    "archive", "归档", ComplaintNoFieldsIn, _archive, _may_archive, "archive", button="归档", confirm="确定归档？",
    done="已归档",
    description="反馈 → 归档（匿名投诉：处置 → 归档）。拒绝：不是监督员（403）；尚未答复（409）。"))

# The subject of the create catalogue is the registrar's unit (or None): the screen offers the 科室 of the hospital
# desks within it; the API has no form and passes None.
CREATE_ACTIONS: Catalogue[Unit | None] = Catalogue(subject="complaint_create", key="")
CREATE_ACTIONS.add(ActionSpec(
    "register", "登记投诉（现场或电话）", ComplaintRegisterIn, _register, _may_register, "complaints",
    button="登记投诉", done=lambda c: f"已登记投诉 {c.number}" + (f"，查询码 {c.query_code}" if c.query_code else ""),
    choices={"department": _department_choices}, show_if={"department": _has_departments},
    description="监督投诉台登记现场或电话投诉：投诉对象（工作人员上岗证号、窗口号、办件编号或单位代码）、类别、投诉事项、"
                "是否匿名、投诉人姓名和电话（加密保存，仅监督员可查看）、书面投诉、简单投诉；医院便民服务中心的投诉可填涉及科室"
                "（该医院的科室代码或ID）。答复期限按工作日计算。窗口工作人员"
                "可登记交给他们的投诉，但不能登记针对自己的投诉（403）。拒绝：不是监督员或窗口工作人员（403）；"
                "字段有误（400，fields 指明；department：不是医院便民服务中心的投诉，或不是该医院的科室）。"))
