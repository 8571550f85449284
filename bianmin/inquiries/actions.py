"""The catalogue of 首问 actions: record the outcome, acknowledge a referral, close (see ``core.actions``).

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
from .policies import acknowledge_refusal, close_refusal, outcome_refusal

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
    to_badge: str = Field("", title="接收人/领导上岗证号", max_length=32)
    materials: list[MaterialTaken] = Field([], title="代收材料（每行：名称 份数）",
                                           json_schema_extra={"widget": "lines"})
    authority: str = Field("", title="主管机关名称（告知向其他机关咨询时必填）", max_length=128)
    contact: str = Field("", title="主管机关联系方式（告知向其他机关咨询时必填）", max_length=128)
    reply_days: int = Field(0, title="承诺答复（工作日）", ge=0, le=30)

    @field_validator("materials", mode="before")
    @classmethod
    def _lines(cls, value: Any) -> Any:
        return parse_material_lines(value) if isinstance(value, str) else value


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
                              authority=data.authority, contact=data.contact, reply_days=data.reply_days)


def _acknowledge(*, actor: User, key: str, data: NoInput, now: dt.datetime) -> Inquiry:
    return svc.acknowledge_referral(actor=actor, number=key, now=now)


def _close(*, actor: User, key: str, data: CloseIn, now: dt.datetime) -> Inquiry:
    return svc.close_inquiry(actor=actor, number=key, result=data.result, now=now)


INQUIRY_ACTIONS: Catalogue[Inquiry] = Catalogue(subject="inquiry", key="number")
INQUIRY_ACTIONS.add(ActionSpec(
    "outcome", "登记处理方式", OutcomeIn, _outcome, _may(outcome_refusal), "outcome", button="保存", done="已保存",
    description="当场答复、转交本中心人员、代收材料、告知向其他机关咨询（须主管机关名称和联系方式）、研究后答复或报告领导。"
                "拒绝：不是首问责任人（403）；已办结（409）；接收人不存在、材料或承诺天数有误（400）。"))
INQUIRY_ACTIONS.add(ActionSpec(
    "acknowledge", "确认接收", NoInput, _acknowledge, _may(acknowledge_refusal), "acknowledge", done="已确认接收",
    description="转交或代收材料的接收人确认。拒绝：不是接收人（403）；已确认（409）。"))
INQUIRY_ACTIONS.add(ActionSpec(
    "close", "办结", CloseIn, _close, _may(close_refusal), "close", done="已办结",
    description="首问责任人、接收人或报告的领导填写处理结果后办结。拒绝：其他人（403）；已办结（409）；未填结果（400）。"))
