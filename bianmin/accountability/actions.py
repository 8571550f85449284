"""The catalogue of 过错追究 actions (see ``core.actions``): each step on a violation record declared once.

The violation page draws its forms from :data:`VIOLATION_ACTIONS` and posts them back through
:func:`core.actions.run`; the API generates ``POST /violations/{pk}/<path>`` for each entry. ``allowed`` is the
policy's refusal function (``policies.*_refusal``), which the service raises before it writes, so a button shows
exactly when the service would take the step (apart from what only the input can tell).

Recording a violation and a commendation create their subject, so they have none yet: they are the subject-less
catalogue :data:`CREATE_ACTIONS` (``key == ""``; its paths are collections below the API root, the screens draw
their forms with the subject ``None``, the services get ``key=None`` and the API answers 201 with the new row).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, field_validator
from pydantic.json_schema import JsonDict

from bianmin.core.actions import ActionInput, ActionSpec, Catalogue
from bianmin.core.errors import DomainError
from bianmin.core.timeutils import EARLIEST_DATE, LATEST_DATE

from . import services as svc
from .ladder import sanction_tiers
from .models import SYSTEM_KINDS, Commendation, Severity, Statement, Violation, ViolationKind
from .policies import (
    commend_refusal,
    decide_refusal,
    dismiss_refusal,
    propose_refusal,
    record_refusal,
    reference_refusal,
    statement_refusal,
)

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser, User

Day = Annotated[dt.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]
TEXTAREA: JsonDict = {"widget": "textarea"}


# ---- inputs: field titles are the labels on the screen and the descriptions in the OpenAPI document ----

class StatementIn(ActionInput):
    text: str = Field(..., title="申辩内容", max_length=5000, json_schema_extra=TEXTAREA)


class DismissIn(ActionInput):
    reason: str = Field(..., title="撤销理由", max_length=2000)


class ProposeIn(ActionInput):
    # Left empty (or ""), a part is named by the service with the others that are missing ("处理意见不完整：…").
    severity: Severity | None = Field(None, title="情节",
                                      description="MINOR 情节较轻、SERIOUS 情节严重、VERY_SERIOUS 情节特别严重")
    sanction: str = Field("", title="拟处理方式",
                          description="该情节可选的处理方式之一（BIANMIN.SANCTION_LADDER），如“书面告诫”")
    reason: str = Field("", title="处理意见", max_length=2000, json_schema_extra=TEXTAREA)

    @field_validator("severity", mode="before")
    @classmethod
    def _not_chosen(cls, value: Any) -> Any:
        return None if value == "" else value


class SanctionApproveIn(ActionInput):
    note: str = Field("", title="审批意见", max_length=255)


class SanctionRejectIn(ActionInput):
    note: str = Field(..., title="退回理由", max_length=255)


class ReferenceIn(ActionInput):
    reference: str = Field(..., title="政务处分文号（由有权机关作出，此处仅登记）", max_length=128)


class EvidenceIn(ActionInput):
    label: str = Field(..., title="名称")
    url: str = Field(..., title="链接", description="站内路径（/staff/…）或 http(s) 网址")


def parse_evidence_lines(text: str) -> list[dict[str, str]]:
    """Return the evidence of typed lines "名称 链接" (the link is the last word of a line)."""
    found = []
    for line in text.splitlines():
        parts = line.strip().rsplit(None, 1)
        if parts:
            found.append({"label": parts[0], "url": parts[1] if len(parts) == 2 else ""})
    return found


class ViolationIn(ActionInput):
    staff: str = Field(..., title="责任人上岗证号", max_length=32)
    kind: ViolationKind = Field(..., title="过错类型", description="系统巡检登记的类型不能手工登记")
    occurred_on: Day = Field(..., title="发生日期")
    description: str = Field(..., title="情况说明", max_length=2000, json_schema_extra=TEXTAREA)
    case_number: str = Field("", title="相关办件编号（可选）", max_length=32)
    evidence: list[EvidenceIn] = Field([], title="证据（可选，每行：名称 链接）", json_schema_extra={"widget": "lines"})

    @field_validator("evidence", mode="before")
    @classmethod
    def _lines(cls, value: Any) -> Any:
        return parse_evidence_lines(value) if isinstance(value, str) else value


class CommendIn(ActionInput):
    staff: str = Field(..., title="受表扬人上岗证号", max_length=32)
    on_date: Day = Field(..., title="日期")
    reason: str = Field(..., title="事由", max_length=2000, json_schema_extra=TEXTAREA)


# ---- who may: the policies' refusals ----

def _may(refusal: Callable[[AnyUser, Violation], DomainError | None]) -> Callable[[AnyUser, Violation], bool]:
    """Return the catalogue's question for a policy's refusal: may ``actor`` take the step now."""
    def allowed(actor: AnyUser, violation: Violation) -> bool:
        return refusal(actor, violation) is None
    return allowed


def _may_record(actor: AnyUser, subject: None) -> bool:
    return record_refusal(actor) is None


def _may_commend(actor: AnyUser, subject: None) -> bool:
    return commend_refusal(actor) is None


# ---- choices the screen offers (the service checks the value whatever door it came through) ----

def _severities(violation: Violation) -> list[tuple[str, str]]:
    return [("", "请选择"), *((s.value, str(s.label)) for s in Severity)]


def _sanctions(violation: Violation) -> list[tuple[str, str]]:
    """Every sanction of the ladder, named with its severity (the service refuses one from another tier)."""
    return [("", "请选择"), *((s, f"{s}（{label}）") for _, label, sanctions in sanction_tiers() for s in sanctions)]


def _manual_kinds(subject: None) -> list[tuple[str, str]]:
    return [(k.value, str(k.label)) for k in ViolationKind if k not in SYSTEM_KINDS]


# ---- what each action does: the one service ----

def _statement(*, actor: User, key: int, data: StatementIn, now: dt.datetime) -> Statement:
    return svc.file_statement(actor=actor, pk=key, text=data.text, now=now)


def _dismiss(*, actor: User, key: int, data: DismissIn, now: dt.datetime) -> Violation:
    return svc.dismiss_violation(actor=actor, pk=key, reason=data.reason, now=now)


def _propose(*, actor: User, key: int, data: ProposeIn, now: dt.datetime) -> Violation:
    severity = data.severity.value if data.severity is not None else ""
    return svc.propose_sanction(actor=actor, pk=key, severity=severity, sanction=data.sanction,
                                reason=data.reason, now=now)


def _approve(*, actor: User, key: int, data: SanctionApproveIn, now: dt.datetime) -> Violation:
    return svc.decide_sanction(actor=actor, pk=key, approve=True, note=data.note, now=now)


def _reject(*, actor: User, key: int, data: SanctionRejectIn, now: dt.datetime) -> Violation:
    return svc.decide_sanction(actor=actor, pk=key, approve=False, note=data.note, now=now)


def _reference(*, actor: User, key: int, data: ReferenceIn, now: dt.datetime) -> Violation:
    return svc.set_external_reference(actor=actor, pk=key, reference=data.reference, now=now)


def _record(*, actor: User, key: None, data: ViolationIn, now: dt.datetime) -> Violation:
    return svc.record_violation(actor=actor, staff=data.staff, kind=str(data.kind), occurred_on=data.occurred_on,
                                description=data.description, case_number=data.case_number,
                                evidence=[e.model_dump() for e in data.evidence], now=now)


def _commend(*, actor: User, key: None, data: CommendIn, now: dt.datetime) -> Commendation:
    return svc.commend(actor=actor, staff=data.staff, reason=data.reason, on_date=data.on_date, now=now)


VIOLATION_ACTIONS: Catalogue[Violation] = Catalogue(subject="violation", key="pk", key_type=int)
add = VIOLATION_ACTIONS.add

add(ActionSpec("statement", "提交申辩", StatementIn, _statement, _may(statement_refusal), "statement", button="提交",
               done="申辩已提交",
               description="本人对与自己有关的过错记录提交申辩；返回的记录列出全部申辩。拒绝：不是本人（403）；记录已撤销（409）；"
                           "未填内容（400）。"))
add(ActionSpec("propose", "提出处理意见（待领导审批）", ProposeIn, _propose, _may(propose_refusal), "propose",
               button="提交领导审批", choices={"severity": _severities, "sanction": _sanctions},
               done="处理意见已提交领导审批",
               description="监督员按情节选择该情节可选的处理方式并写明意见，待领导审批。拒绝：不是监督员或记录与本人有关（403）；"
                           "记录不是待处理（409）；情节、处理方式不符或缺少意见（400，fields 指明）。"))
add(ActionSpec("dismiss", "撤销过错记录", DismissIn, _dismiss, _may(dismiss_refusal), "dismiss", button="撤销",
               secondary=True, confirm="确定撤销该过错记录？", done="已撤销该过错记录",
               description="待处理或待审批的记录经核实撤销（待审批的处理意见一并撤回）。拒绝：不是监督员或记录与本人有关（403）；"
                           "已撤销或已处理（409）；未写理由（400）。"))
add(ActionSpec("approve", "同意处理意见", SanctionApproveIn, _approve, _may(decide_refusal), "approve",
               button="同意", confirm="确定同意对该工作人员作出此处理？", done="已批准处理意见",
               description="领导批准待审批的处理意见。拒绝：不是领导、记录与本人有关或处理意见是本人提出的（403）；"
                           "没有待审批的处理意见（409）。"))
add(ActionSpec("reject", "退回处理意见", SanctionRejectIn, _reject, _may(decide_refusal), "reject", button="退回",
               secondary=True, done="已退回处理意见",
               description="领导退回处理意见，记录回到待处理，监督员可重新提出。拒绝：同“同意处理意见”；未写理由（400）。"))
add(ActionSpec("reference", "登记政务处分文号", ReferenceIn, _reference, _may(reference_refusal),
               "external-reference", button="保存", secondary=True, done="已登记政务处分文号",
               description="仅登记有权机关作出的政务处分的文号，本系统不作处分。拒绝：不是监督员或记录与本人有关（403）。"))


CREATE_ACTIONS: Catalogue[None] = Catalogue(subject="accountability", key="")
CREATE_ACTIONS.add(ActionSpec(
    "record_violation", "登记过错", ViolationIn, _record, _may_record, "violations", button="登记",
    choices={"kind": _manual_kinds}, done="已登记过错记录，已通知本人",
    description="监督员登记系统巡检无法发现的过错（服务态度、推诿扯皮、违规收费等），通知本人。拒绝：不是监督员（403）；"
                "系统巡检登记的过错类型（" + "、".join(str(k.label) for k in ViolationKind if k in SYSTEM_KINDS)
                + "）、发生日期晚于今天、责任人不在本单位范围、办件不存在、证据链接无效（400，fields 指明）。"))
CREATE_ACTIONS.add(ActionSpec(
    "commend", "登记表扬", CommendIn, _commend, _may_commend, "commendations", button="登记",
    done="已登记表扬，已通知本人",
    description="监督员或领导登记表扬，通知本人。拒绝：其他人或表扬本人（403）；日期晚于今天、受表扬人不在本单位范围（400）。"))
