"""The catalogue of 首问 actions: record the outcome (an escort visit among them), acknowledge a referral, record
the escort visit's result, close (see ``core.actions``).

The inquiry page draws its forms from :data:`INQUIRY_ACTIONS`; the API generates
``POST /inquiries/{number}/<path>`` for each. The "户口簿 2份" lines of the materials taken in are parsed by the
input schema, so a list or the typed lines are read alike by both doors.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator

from bianmin.core.actions import ActionInput, ActionSpec, Catalogue, NoInput
from bianmin.core.errors import DomainError

from . import services as svc
from .models import Inquiry, Outcome
from .policies import acknowledge_refusal, close_refusal, escort_result_refusal, outcome_refusal
from .selectors import escort_destinations

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser, User

MATERIAL_LINE = re.compile(r"^(.+?)\s*(?:([0-9]+)\s*[份张本件]?)?$")


class MaterialTaken(ActionInput):
    name: str = Field(..., title="材料名称", max_length=128)
    count: int | str = Field("", title="份数")


def parse_material_lines(text: str) -> list[dict[str, str]]:
    """Return the materials of typed lines: "户口簿 2份", "户口簿2份" or "户口簿 2" (full-width digits too)."""
    found = []
    for line in text.splitlines():
        match = MATERIAL_LINE.match(unicodedata.normalize("NFKC", line).strip())
        if match:
            found.append({"name": match.group(1).strip(), "count": match.group(2) or ""})
    return found


class OutcomeIn(ActionInput):
    outcome: Outcome = Field(..., title="处理方式")
    result: str = Field("", title="答复/说明", max_length=2000, json_schema_extra={"widget": "textarea"})
    to_badge: str = Field("", title="接收人/领导/陪同人员上岗证号", max_length=32)
    materials: list[MaterialTaken] = Field([], title="代收材料（每行：名称 份数）",
                                           json_schema_extra={"widget": "lines"})
    authority: str = Field("", title="主管机关名称（告知向其他机关咨询时必填）", max_length=128)
    contact: str = Field("", title="主管机关联系方式（告知向其他机关咨询时必填）", max_length=128)
    reply_days: int = Field(0, title="承诺答复（工作日）", ge=0, le=30)
    visit_date: dt.date | None = Field(None, title="陪同日期（指派专人陪同时必填）")
    destination: str = Field("", title="前往的上级部门（单位代码，指派专人陪同时选择）", max_length=16)
    organ: str = Field("", title="前往的系统外机关名称（上级部门不在列表中时填写）", max_length=128)

    @field_validator("materials", mode="before")
    @classmethod
    def _lines(cls, value: Any) -> Any:
        return parse_material_lines(value) if isinstance(value, str) else value


class EscortResultIn(ActionInput):
    result: str = Field(..., title="陪同结果（上级部门的答复或决定）", max_length=2000,
                        json_schema_extra={"widget": "textarea"})
    close: bool = Field(False, title="同时办结本首问登记")


class CloseIn(ActionInput):
    result: str = Field(..., title="处理结果", max_length=2000)


def _may(refusal: Callable[[AnyUser, Inquiry], DomainError | None]) -> Callable[[AnyUser, Inquiry], bool]:
    """Return the catalogue's question for a policy's refusal: may ``actor`` take the step now."""
    def allowed(actor: AnyUser, inquiry: Inquiry) -> bool:
        return refusal(actor, inquiry) is None
    return allowed


def _outcome(*, actor: User, key: str, data: OutcomeIn, now: dt.datetime) -> Inquiry:
    return svc.record_outcome(actor=actor, number=key, now=now, outcome=data.outcome, result=data.result,
                              to_badge=data.to_badge, materials=[m.model_dump() for m in data.materials],
                              authority=data.authority, contact=data.contact, reply_days=data.reply_days,
                              visit_date=data.visit_date, destination=data.destination, organ=data.organ)


def _destinations(inquiry: Inquiry) -> list[tuple[str, str]]:
    """The screen's choice of upper departments (the API takes the code; the service checks it alike)."""
    return [("", "—（系统外机关请填写下方名称）"), *((u.code, u.name) for u in escort_destinations(inquiry.unit))]


def _escort_result(*, actor: User, key: str, data: EscortResultIn, now: dt.datetime) -> Inquiry:
    return svc.record_escort_result(actor=actor, number=key, result=data.result, close=data.close, now=now)


def _acknowledge(*, actor: User, key: str, data: NoInput, now: dt.datetime) -> Inquiry:
    return svc.acknowledge_referral(actor=actor, number=key, now=now)


def _close(*, actor: User, key: str, data: CloseIn, now: dt.datetime) -> Inquiry:
    return svc.close_inquiry(actor=actor, number=key, result=data.result, now=now)


INQUIRY_ACTIONS: Catalogue[Inquiry] = Catalogue(subject="inquiry", key="number")
INQUIRY_ACTIONS.add(ActionSpec(
    "outcome", "登记处理方式", OutcomeIn, _outcome, _may(outcome_refusal), "outcome", button="保存", done="已保存",
    choices={"destination": _destinations},
    description="当场答复、转交本中心人员、代收材料、告知向其他机关咨询（须主管机关名称和联系方式）、研究后答复、报告领导，"
                "或指派专人陪同到上级部门咨询（ESCORTED：陪同人员上岗证号 to_badge、陪同日期 visit_date（今天或以后）、"
                "前往的上级部门 destination（单位代码）或系统外机关名称 organ，二者填一；陪同人员收到站内消息）。"
                "拒绝：不是首问责任人（403）；已办结、陪同结果尚未登记（409）；接收人或陪同人员不存在、材料、承诺天数、"
                "陪同日期或上级部门有误（400）。"))
INQUIRY_ACTIONS.add(ActionSpec(
    "acknowledge", "确认接收", NoInput, _acknowledge, _may(acknowledge_refusal), "acknowledge", done="已确认接收",
    description="转交或代收材料的接收人确认。拒绝：不是接收人（403）；已确认（409）。"))
INQUIRY_ACTIONS.add(ActionSpec(
    "escort_result", "登记陪同结果", EscortResultIn, _escort_result, _may(escort_result_refusal), "escort-result",
    button="保存", done=lambda inquiry: "已登记陪同结果并办结" if inquiry.status == "CLOSED" else "已登记陪同结果",
    description="陪同人员或首问责任人在陪同后登记上级部门的答复或决定；勾选 close 同时办结，否则首问登记继续办理。"
                "拒绝：其他人（403）；已办结、没有待登记结果的陪同（409）；未填结果（400）。"))
INQUIRY_ACTIONS.add(ActionSpec(
    "close", "办结", CloseIn, _close, _may(close_refusal), "close", done="已办结",
    description="首问责任人、接收人或报告的领导填写处理结果后办结。拒绝：其他人（403）；已办结、陪同结果尚未登记（409）；"
                "未填结果（400）。"))
