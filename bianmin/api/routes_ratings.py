"""好差评 endpoints for staff (decision 0024): the ratings the caller may see (leaders and supervisors their scope,
staff their own), one rating with its 差评 follow-up and appeals, the follow-up steps, 申诉, 审核申诉 and 差评查实
generated from ``ratings.actions``, and a supervisor's audited 查看评价人. No answer but the reveal's carries the
evaluator's name or phone: ``real_name`` says only whether one is known.

No ``from __future__ import annotations`` (as in ``routes_actions``): the schemas' annotations stay objects."""
import datetime as dt
from typing import Any, Literal, Optional

from ninja import Field, Query, Router, Schema

from bianmin.core.timeutils import now
from bianmin.ratings.actions import RATING_ACTIONS
from bianmin.ratings.models import (
    AppealReason,
    AppealStatus,
    BadRatingFollowUp,
    FollowUpStatus,
    Rating,
    Subject,
)
from bianmin.ratings.policies import get_rating_for, may_see_instance
from bianmin.ratings.selectors import RELATED, ratings_for
from bianmin.ratings.services import reveal_evaluator

from .auth import StaffToken
from .bounds import Day, Page, PageSize, page_rows
from .routes_actions import register
from .routes_cases import ERRORS

router = Router(tags=["好差评"], auth=StaffToken())
# The rating's channel, documented inline (``ratings.models.Channel``'s codes; another ``Channel`` is a component).
ChannelCode = Literal["PAD", "QR", "SMS", "DEFAULT"]


class RatingFollowUpOut(Schema):
    status: FollowUpStatus
    opened_at: dt.datetime
    visit_due_on: dt.date
    visited_at: Optional[dt.datetime] = None  # noqa: UP045 - evaluated at runtime by ninja
    visit_note: str
    rectify_due_on: dt.date
    rectified_at: Optional[dt.datetime] = None  # noqa: UP045
    rectification: str
    told_at: Optional[dt.datetime] = None  # noqa: UP045
    told_note: str
    visit_late: bool
    rectify_late: bool
    confirmed_at: Optional[dt.datetime] = None  # noqa: UP045 - 差评查实 (a BAD_RATING record)


class AppealOut(Schema):
    id: int
    reason_kind: AppealReason
    reason: str
    by: str
    at: dt.datetime
    status: AppealStatus
    decided_at: Optional[dt.datetime] = None  # noqa: UP045
    decision_note: str


class RatingOut(Schema):
    id: int
    subject: Subject
    number: str  # the case, inquiry or relay number
    staff: str
    staff_badge: str
    unit: str
    department: Optional[str] = Field(None, description="涉及科室（医院便民服务中心的评价；科室名称）")  # noqa: UP045
    department_code: Optional[str] = None  # noqa: UP045
    level: int = Field(..., description="5 非常满意 … 1 非常不满意（1、2 为差评）")
    level_label: str
    bad: bool
    comment: str
    channel: ChannelCode
    rated_at: dt.datetime
    real_name: bool = Field(..., description="是否实名评价（评价人身份仅监督员经审计查看）")
    parent: Optional[int] = None  # noqa: UP045 - the rating this one follows up (追评)
    excluded: bool
    excluded_reason: str
    follow_up: Optional[RatingFollowUpOut] = None  # noqa: UP045
    appeals: list[AppealOut] = []
    again: Optional[int] = None  # noqa: UP045 - the 追评, once given


class RatingRowOut(Schema):
    id: int
    subject: Subject
    number: str
    staff: str
    department: Optional[str] = None  # noqa: UP045 - 涉及科室 (a hospital desk's rating)
    level: int
    bad: bool
    channel: ChannelCode
    rated_at: dt.datetime
    real_name: bool
    parent: Optional[int] = None  # noqa: UP045
    excluded: bool
    follow_up_status: Optional[FollowUpStatus] = None  # noqa: UP045
    late: bool = False


class RatingsQuery(Schema):
    bad: bool = Field(False, description="只看差评")
    follow_up: Literal["", "VISIT", "RECTIFY", "TOLD", "CLOSED", "LATE"] = Field(
        "", description="差评整改状态（LATE：回访或整改超时）")
    start: Optional[Day] = Field(None, alias="from")  # noqa: UP045
    end: Optional[Day] = Field(None, alias="to")  # noqa: UP045
    department: str = Field("", max_length=16, description="涉及科室（单位代码或ID）")
    page: Page = 1
    size: PageSize = 50


class EvaluatorRevealIn(Schema):
    reason: str = Field(..., description="查看理由（记入审计）")


class EvaluatorOut(Schema):
    name: str
    phone: str


def _number(rating: Rating, user: Any) -> str:
    """The service's number, for supervisors only (it would name the applicant who rated: decision 0024 §2)."""
    if user is None or not may_see_instance(user, rating):  # an action's answer leaves it out: GET the rating
        return ""
    instance = rating.case or rating.inquiry or rating.relay
    return str(getattr(instance, "number", ""))


def _follow_up(rating: Rating) -> Optional[BadRatingFollowUp]:  # noqa: UP045
    return getattr(rating, "follow_up", None)  # a missing one-to-one raises an AttributeError


def rating_out(rating: Rating, user: Any) -> dict[str, Any]:
    follow_up = _follow_up(rating)
    again = rating.follow_up_ratings.values_list("pk", flat=True).first()
    return {
        "id": rating.pk, "subject": rating.subject, "number": _number(rating, user), "staff": rating.staff.name,
        "staff_badge": rating.staff.badge_number, "unit": rating.unit.name,
        "department": rating.department.name if rating.department else None,
        "department_code": rating.department.code if rating.department else None, "level": rating.level,
        "level_label": rating.get_level_display(), "bad": rating.is_bad, "comment": rating.comment,
        "channel": rating.channel, "rated_at": rating.rated_at, "real_name": rating.real_name,
        "parent": rating.parent_id, "excluded": rating.excluded, "excluded_reason": rating.excluded_reason,
        "follow_up": None if follow_up is None else {
            f: getattr(follow_up, f) for f in RatingFollowUpOut.model_fields},
        "appeals": [{"id": a.pk, "reason_kind": a.reason_kind, "reason": a.reason, "by": a.by.name, "at": a.at,
                     "status": a.status, "decided_at": a.decided_at, "decision_note": a.decision_note}
                    for a in rating.appeals.select_related("by")],
        "again": again,
    }


def _row(rating: Rating, user: Any) -> dict[str, Any]:
    follow_up = _follow_up(rating)
    return {"id": rating.pk, "subject": rating.subject, "number": _number(rating, user), "staff": rating.staff.name,
            "department": rating.department.name if rating.department else None, "level": rating.level,
            "bad": rating.is_bad, "channel": rating.channel, "rated_at": rating.rated_at,
            "real_name": rating.real_name, "parent": rating.parent_id, "excluded": rating.excluded,
            "follow_up_status": follow_up.status if follow_up else None,
            "late": bool(follow_up and (follow_up.visit_late or follow_up.rectify_late))}


def _fresh(rating_id: int, user: Any) -> dict[str, Any]:
    return rating_out(Rating.objects.select_related(*RELATED).get(pk=rating_id), user)


@router.get("/ratings", response={200: list[RatingRowOut], **ERRORS}, by_alias=True,
            summary="评价列表（领导和监督员：管辖范围；工作人员：本人的评价）")
def list_ratings(request, q: Query[RatingsQuery]):
    rows = ratings_for(request.auth, bad=q.bad, follow_up=q.follow_up, start=q.start, end=q.end,
                       department=q.department)
    return [_row(r, request.auth) for r in rows[page_rows(q.page, q.size)]]


@router.get("/ratings/{rating_id}", response={200: RatingOut, **ERRORS}, summary="评价详情（含差评整改和申诉）")
def get_rating(request, rating_id: int):
    return _fresh(get_rating_for(request.auth, rating_id).pk, request.auth)


@router.post("/ratings/{rating_id}/reveal-evaluator", response={200: EvaluatorOut, **ERRORS},
             summary="查看评价人（仅监督员，须写明理由，记入审计）",
             description="返回实名评价的评价人姓名和电话，同一事务写入审计记录（理由）。拒绝：不是该范围内的监督员（403）；匿名评价"
                         "（409）；理由少于2个字（400，reason）；评价不存在或不在范围内（404）。")
def reveal(request, rating_id: int, payload: EvaluatorRevealIn):
    found = reveal_evaluator(actor=request.auth, rating_id=rating_id, reason=payload.reason, now=now())
    return {"name": found.name, "phone": found.phone}


def _after(result: Any) -> dict[str, Any]:
    rating_id = result.rating_id  # a follow-up or an appeal
    return _fresh(rating_id, None)


register(router, RATING_ACTIONS, dict.fromkeys(
    ("visit", "rectify", "tell", "appeal", "decide_appeal", "confirm"), (200, RatingOut, _after)))
