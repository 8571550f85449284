"""The staff's actions on a rating (decision 0021): the 差评 follow-up (回访, 整改情况, 告知结果), the rated staff
member's 申诉, a supervisor's 审核申诉 and 差评查实. The screens and the API are generated from these declarations; each
service asks the same policy again before it writes. The evaluator's identity is not an action here: it is shown,
never changed, and its own view and endpoint audit every showing (``services.reveal_evaluator``)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from bianmin.core.actions import ActionInput, ActionSpec, Catalogue

from . import services as svc
from .models import BadRatingFollowUp, Rating, RatingAppeal
from .policies import (
    appeal_refusal,
    confirm_refusal,
    decide_appeal_refusal,
    rectify_refusal,
    tell_refusal,
    visit_refusal,
)

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser, User

TEXTAREA: dict[str, Any] = {"widget": "textarea"}


class VisitIn(ActionInput):
    note: str = Field(..., title="回访情况（评价人反映的问题和意见）", max_length=2000, json_schema_extra=TEXTAREA)


class RectifyIn(ActionInput):
    rectification: str = Field(..., title="整改情况", max_length=2000, json_schema_extra=TEXTAREA)


class TellIn(ActionInput):
    note: str = Field(..., title="反馈内容（告知评价人的整改结果）", max_length=2000, json_schema_extra=TEXTAREA)


class AppealIn(ActionInput):
    reason_kind: Literal["MISTAKEN", "MALICIOUS"] = Field(..., title="申诉理由（MISTAKEN 误评，MALICIOUS 恶意评价）")
    reason: str = Field(..., title="申诉说明", max_length=2000, json_schema_extra=TEXTAREA)


class DecideAppealIn(ActionInput):
    decision: Literal["UPHELD", "REJECTED"] = Field(..., title="审核结论（UPHELD 申诉成立，REJECTED 申诉不成立）")
    note: str = Field(..., title="审核意见", max_length=255)


class ConfirmIn(ActionInput):
    description: str = Field(..., title="查实情况", max_length=2000, json_schema_extra=TEXTAREA)


def _visit(*, actor: User, key: int, data: VisitIn, now: dt.datetime) -> BadRatingFollowUp:
    return svc.record_visit(actor=actor, rating_id=key, note=data.note, now=now)


def _rectify(*, actor: User, key: int, data: RectifyIn, now: dt.datetime) -> BadRatingFollowUp:
    return svc.record_rectification(actor=actor, rating_id=key, rectification=data.rectification, now=now)


def _tell(*, actor: User, key: int, data: TellIn, now: dt.datetime) -> BadRatingFollowUp:
    return svc.tell_result(actor=actor, rating_id=key, note=data.note, now=now)


def _appeal(*, actor: User, key: int, data: AppealIn, now: dt.datetime) -> RatingAppeal:
    return svc.appeal_rating(actor=actor, rating_id=key, reason_kind=data.reason_kind, reason=data.reason, now=now)


def _decide(*, actor: User, key: int, data: DecideAppealIn, now: dt.datetime) -> RatingAppeal:
    return svc.decide_appeal(actor=actor, rating_id=key, uphold=data.decision == "UPHELD", note=data.note, now=now)


def _confirm(*, actor: User, key: int, data: ConfirmIn, now: dt.datetime) -> BadRatingFollowUp:
    return svc.confirm_bad_rating(actor=actor, rating_id=key, description=data.description, now=now)


def _may_visit(actor: AnyUser, rating: Rating) -> bool:
    return visit_refusal(actor, rating) is None


def _may_rectify(actor: AnyUser, rating: Rating) -> bool:
    return rectify_refusal(actor, rating) is None


def _may_tell(actor: AnyUser, rating: Rating) -> bool:
    return tell_refusal(actor, rating) is None


def _may_appeal(actor: AnyUser, rating: Rating) -> bool:
    return appeal_refusal(actor, rating) is None


def _may_decide(actor: AnyUser, rating: Rating) -> bool:
    return decide_appeal_refusal(actor, rating) is None


def _may_confirm(actor: AnyUser, rating: Rating) -> bool:
    return confirm_refusal(actor, rating) is None


RATING_ACTIONS: Catalogue[Rating] = Catalogue(subject="rating", key="rating_id", key_type=int)
RATING_ACTIONS.add(ActionSpec(
    "visit", "登记回访（1个工作日内）", VisitIn, _visit, _may_visit, "visit", button="登记回访",
    done="已登记回访，请在整改期限内完成整改", result="result",
    description="实名差评的回访：被评价人所在单位的领导或监督员在回访期限内回访评价人并记录其意见，之后进入整改。拒绝：不是该单位范围内"
                "的领导或监督员、被评价人本人（403）；不是实名差评、已回访（409）；未填回访情况（400，note）。"))
RATING_ACTIONS.add(ActionSpec(
    "rectify", "登记整改情况", RectifyIn, _rectify, _may_rectify, "rectification", button="登记整改情况",
    done="已登记整改情况，请将整改结果反馈评价人", result="result",
    description="回访后在整改期限内登记整改情况（一次）。拒绝：同“登记回访”；尚未回访、已登记（409）；未填整改情况（400，"
                "rectification）。"))
RATING_ACTIONS.add(ActionSpec(
    "tell", "反馈整改结果", TellIn, _tell, _may_tell, "tell", button="已告知评价人",
    confirm="确认已将整改结果告知评价人？之后评价人可以追评一次。", done="已反馈，评价人可以追评一次", result="result",
    description="整改后把结果告知评价人，之后评价人可以追评一次。拒绝：同“登记回访”；尚未登记整改情况、已反馈（409）；"
                "未填反馈内容（400，note）。"))
RATING_ACTIONS.add(ActionSpec(
    "appeal", "申诉（误评或恶意评价）", AppealIn, _appeal, _may_appeal, "appeal", button="提交申诉", secondary=True,
    done="申诉已提交，等待监督员审核", result="result",
    description="被评价人对自己的差评提出申诉：误评或恶意评价，写明说明；同一评价同时只能有一个待审核的申诉。拒绝：不是被评价人本人"
                "（403）；不是差评、已不计入指标、已有待审核的申诉（409）；理由或说明无效（400）。"))
RATING_ACTIONS.add(ActionSpec(
    "decide_appeal", "审核申诉", DecideAppealIn, _decide, _may_decide, "appeal-decision", button="提交审核结论",
    done="已审核申诉", result="result",
    description="监督员审核待审核的申诉：申诉成立的评价不计入指标（保留原因），不成立的照常计入。拒绝：不是该范围内的监督员（403）；"
                "没有待审核的申诉（409）；结论或意见无效（400）。"))
RATING_ACTIONS.add(ActionSpec(
    "confirm", "差评查实（登记过错）", ConfirmIn, _confirm, _may_confirm, "confirm", button="查实并登记过错",
    secondary=True, confirm="查实后将对被评价人登记一条“差评查实”过错记录。确定？", done="已查实，过错记录已登记",
    result="result",
    description="监督员调查后查实实名差评：对被评价人登记一条“差评查实”过错记录（过错追究流程），每个差评一次。拒绝：不是该范围内的"
                "监督员（403）；不是实名差评、已查实、申诉成立已不计入、有待审核的申诉（409）；未填查实情况（400，"
                "description）。"))
