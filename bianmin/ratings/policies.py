"""Who may see ratings, and which service instances may be rated (decision 0024)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.org.policies import scope_path

from .models import FollowUpStatus, Rating

if TYPE_CHECKING:
    from bianmin.cases.models import Case
    from bianmin.inquiries.models import Inquiry
    from bianmin.relay.models import RelayRequest
    from bianmin.users.types import AnyUser

# A case may be rated once the applicant has its outcome: delivered (or archived), or ended without a decision.
RATEABLE_CASE = ("DELIVERED", "ARCHIVED", "NOT_ACCEPTED", "RETURNED", "WITHDRAWN")
RATEABLE_RELAY = ("DELIVERED", "CLOSED")


def case_rating_refusal(case: Case) -> str | None:
    """Return why ``case`` cannot be rated yet, or None. A case brought by a relay (全程代理) is rated through its
    relay, once (一事一评): the applicant was served by the agent."""
    if case.status not in RATEABLE_CASE:  # checked first: a running case (most case pages) costs no query
        return "办件送达（或办结告知）后才能评价"
    if _relayed(case):
        return "全程代理的办件请凭代办编号评价代办服务"
    return None


def _relayed(case: Case) -> bool:
    from bianmin.relay.models import RelayRequest

    return RelayRequest.objects.filter(case_id=case.pk).exists()


def inquiry_rating_refusal(inquiry: Inquiry) -> str | None:
    return None if inquiry.status == "CLOSED" else "咨询办结后才能评价"


def relay_rating_refusal(relay: RelayRequest) -> str | None:
    return None if relay.status in RATEABLE_RELAY else "代办结果送达后才能评价"


def may_see_instance(user: AnyUser, rating: Rating) -> bool:
    """Whether the user may see which service a rating is about (its case, inquiry or relay number). The evaluator of
    a case or relay is its applicant, so the number would name them: supervisors only, and never on a rating of
    themselves (decision 0024 §2)."""
    return can(user, Perm.SUPERVISE) and not _is_rated(user, rating)


def may_see_evaluator(user: AnyUser) -> bool:
    """The evaluator's identity is for supervisors only (SECURITY.md), through an audited reveal."""
    return can(user, Perm.SUPERVISE)


def visible_ratings(user: AnyUser) -> QuerySet[Rating]:
    """Return the ratings the user may see: supervisors and leaders those of their scope, staff their own."""
    from bianmin.org.policies import staff_profile_of

    path = scope_path(user)
    if path is None:
        return Rating.objects.none()
    if can(user, Perm.SUPERVISE) or can(user, Perm.APPROVE):
        return Rating.objects.filter(unit_path__startswith=path)
    profile = staff_profile_of(user)
    return Rating.objects.filter(staff=profile) if profile is not None else Rating.objects.none()


# --- The 差评 follow-up, appeals, confirmation and the evaluator's identity (issue 17 item 2) -----------------------
# Who follows a 差评 up (回访, 整改, 告知结果): a leader (APPROVE) or a supervisor (SUPERVISE) whose scope holds
# the rated staff member's unit — never the rated staff member themself. Who decides appeals, confirms a 差评 and
# may reveal the evaluator: supervisors of the scope only.


def _in_scope(user: AnyUser, rating: Rating) -> bool:
    path = scope_path(user)
    return path is not None and rating.unit_path.startswith(path)


def _is_rated(user: AnyUser, rating: Rating) -> bool:
    return bool(rating.staff.user_id == user.pk)


def get_rating_for(user: AnyUser, pk: int, *, for_update: bool = False) -> Rating:
    """Return the rating ``pk`` if the user may see it (``visible_ratings``).

    Raises NotFound for a missing rating and for one out of the user's sight alike."""
    from bianmin.core.errors import NotFound

    qs = visible_ratings(user)
    if for_update and qs.select_for_update().filter(pk=pk).values_list("pk", flat=True).first() is None:
        raise NotFound("评价不存在")
    rating = qs.select_related("staff__unit", "unit", "window", "case", "inquiry", "relay").filter(pk=pk).first()
    if rating is None:
        raise NotFound("评价不存在")
    return rating


def follower_refusal(user: AnyUser, rating: Rating) -> str | None:
    """Return why the user may not take the follow-up steps of ``rating`` (回访, 整改, 告知), or None."""
    if not (can(user, Perm.APPROVE) or can(user, Perm.SUPERVISE)) or not _in_scope(user, rating):
        return "只有被评价人所在单位的领导或监督员可以办理差评整改"
    if _is_rated(user, rating):
        return "被评价人本人不能办理自己的差评整改"
    return None


def _follow_up_of(rating: Rating) -> Any:
    from .models import BadRatingFollowUp

    try:
        return rating.follow_up
    except BadRatingFollowUp.DoesNotExist:
        return None


def visit_refusal(user: AnyUser, rating: Rating) -> str | None:
    """Return why the user may not record the 回访 of ``rating`` now, or None."""
    follow_up = _follow_up_of(rating)
    if follow_up is None:
        return "该评价不是实名差评，无需回访整改"
    if follow_up.status != FollowUpStatus.VISIT:
        return "已回访"
    return follower_refusal(user, rating)


def rectify_refusal(user: AnyUser, rating: Rating) -> str | None:
    """Return why the user may not record the 整改情况 of ``rating`` now, or None: after the 回访, once."""
    follow_up = _follow_up_of(rating)
    if follow_up is None:
        return "该评价不是实名差评，无需回访整改"
    if follow_up.status == FollowUpStatus.VISIT:
        return "请先回访评价人"
    if follow_up.rectified_at is not None:
        return "整改情况已登记"
    return follower_refusal(user, rating)


def tell_refusal(user: AnyUser, rating: Rating) -> str | None:
    """Return why the user may not record that the result was told to the citizen now, or None: after 整改."""
    follow_up = _follow_up_of(rating)
    if follow_up is None:
        return "该评价不是实名差评，无需回访整改"
    if follow_up.status in (FollowUpStatus.TOLD, FollowUpStatus.CLOSED):
        return "整改结果已反馈评价人"
    if follow_up.rectified_at is None:
        return "请先登记整改情况" if follow_up.status == FollowUpStatus.RECTIFY else "请先回访评价人"
    return follower_refusal(user, rating)


def rate_again_refusal(rating: Rating) -> str | None:
    """Return why ``rating`` may not get its 追评 now, or None: once, after the result of its 整改 was told."""
    if rating.parent_id is not None:
        return "追评不能再追评"
    follow_up = _follow_up_of(rating)
    if follow_up is None:
        return "该评价不是经过整改的实名差评，不能追评"
    if follow_up.status == FollowUpStatus.CLOSED or rating.follow_up_ratings.exists():
        return "已经追评过（只能追评一次）"
    if follow_up.status != FollowUpStatus.TOLD:
        return "整改结果反馈后才能追评"
    return None


def appeal_refusal(user: AnyUser, rating: Rating) -> str | None:
    """Return why the user may not appeal ``rating`` now, or None: the rated staff member, on a 差评 that still
    counts, with no appeal pending."""
    from .models import AppealStatus

    if not _is_rated(user, rating):
        return "只有被评价人本人可以申诉"
    if not rating.is_bad:
        return "只能对差评申诉"
    if rating.excluded:
        return "该评价已不计入指标"
    follow_up = _follow_up_of(rating)
    if follow_up is not None and follow_up.confirmed_at is not None:
        return "该差评已查实并记入过错记录，请对过错记录提出申辩"
    if rating.appeals.filter(status=AppealStatus.PENDING).exists():
        return "已有待审核的申诉"
    return None


def decide_appeal_refusal(user: AnyUser, rating: Rating) -> str | None:
    """Return why the user may not decide the pending appeal of ``rating``, or None: a supervisor of the scope."""
    from .models import AppealStatus

    if not can(user, Perm.SUPERVISE) or not _in_scope(user, rating) or _is_rated(user, rating):
        return "只有监督员可以审核评价申诉"
    if not rating.appeals.filter(status=AppealStatus.PENDING).exists():
        return "没有待审核的申诉"
    return None


def confirm_refusal(user: AnyUser, rating: Rating) -> str | None:
    """Return why the user may not confirm ``rating`` as a 差评 (查实 → a BAD_RATING record), or None: a supervisor
    of the scope, on a real-name 差评 that still counts, with no appeal pending, once."""
    from .models import AppealStatus

    if not can(user, Perm.SUPERVISE) or not _in_scope(user, rating) or _is_rated(user, rating):
        return "只有监督员可以查实差评"
    follow_up = _follow_up_of(rating)
    if follow_up is None:
        return "该评价不是实名差评，不能查实"
    if follow_up.confirmed_at is not None:
        return "该差评已查实"
    if rating.excluded:
        return "该评价申诉成立，已不计入指标"
    if rating.appeals.filter(status=AppealStatus.PENDING).exists():
        return "该评价有待审核的申诉，请先审核"
    return None


def reveal_refusal(user: AnyUser, rating: Rating) -> str | None:
    """Return why the user may not see who rated ``rating``, or None: a supervisor of the scope, on a real-name
    rating (SECURITY.md: every view audited)."""
    if not may_see_evaluator(user) or not _in_scope(user, rating) or _is_rated(user, rating):
        return "只有监督员可以查看评价人（不能查看对本人的评价人）"
    if not rating.real_name:
        return "匿名评价，没有评价人信息"
    return None
