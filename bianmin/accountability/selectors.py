"""Reads across the window's apps: what waits for a staff member today (the 工作台's counts).

The counts live here because this is the lowest app that sees cases, inquiries and accountability records
(``cases`` and ``inquiries`` may not import each other, nor this app): each app counts its own rows with the
queryset its list page shows, and this module only picks the kinds the user's roles allow.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.cases.selectors import (
    case_desk_counts,
    extensions_to_decide,
    pending_deferred_exceptions,
    pending_returns,
    pending_transfers,
)
from bianmin.inquiries.models import InquiryStatus
from bianmin.inquiries.selectors import search_inquiries
from bianmin.org.policies import staff_profile_of
from bianmin.relay.models import Direction, HandOver, HandOverStatus
from bianmin.relay.policies import visible_relays

from .models import Violation, ViolationStatus
from .policies import visible_violations

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser


def sanctions_awaiting_decision(user: AnyUser) -> QuerySet[Violation]:
    """Return the proposed sanctions in the leader's scope awaiting approval, leaving out those about the leader
    (who may not decide them) and those the leader proposed: the list of 审批's last table."""
    qs = visible_violations(user).filter(status=ViolationStatus.PROPOSED)
    if user.pk is not None:  # not about the leader, nor proposed by them (``policies.decide_refusal``)
        qs = qs.exclude(staff__user_id=user.pk).exclude(proposed_by_id=user.pk)
    return qs.select_related("staff")


def open_violations(user: AnyUser) -> QuerySet[Violation]:
    """Return the records in the user's sight still awaiting a supervisor's 处理意见 or dismissal."""
    return visible_violations(user).filter(status=ViolationStatus.OPEN)


def hops_to_sign(user: AnyUser) -> QuerySet[HandOver]:
    """Return the hops (交接) of relay requests in the user's sight that wait for the signature of the user's unit,
    up or down the route (not the 初审 step, which the unit holds itself); none without a staff profile."""
    profile = staff_profile_of(user)
    if profile is None:
        return HandOver.objects.none()
    return HandOver.objects.filter(status=HandOverStatus.SENT, to_unit_id=profile.unit_id,
                                   direction__in=(Direction.UP, Direction.DOWN), relay__in=visible_relays(user))


@dataclass(frozen=True, slots=True)
class DeskCount:
    """One count on the 工作台: what waits, how many, and the list page that shows those rows."""

    key: str
    label: str
    count: int
    page: str  # the URL name of the list
    query: str = ""  # appended to the list's address: a query string or a fragment
    alarm: bool = False  # shown in red when not zero (past a deadline)


def desk_counts(user: AnyUser, today: dt.date) -> list[DeskCount]:
    """Return what waits for ``user`` on ``today``, one entry per kind the user's roles allow, each one COUNT:

    - window staff (HANDLE_CASES): applications of the unit to review, their own running cases past (red) or near
      (yellow) the committed deadline, counted as ``cases.selectors.desk_cases`` lists them;
    - whoever answers inquiries (HANDLE_INQUIRIES): open inquiries they answer for (owed a reply);
    - leaders (APPROVE): pending transfers, extensions, 退件, 补办件 awaiting their material, proposed sanctions;
    - supervisors (SUPERVISE): violation records awaiting a 处理意见;
    - whoever sends and signs for relay materials (RELAY_CASES or HANDLE_CASES): hops of relay requests (代办件)
      waiting for their unit's signature, up or down the route.

    A user without a staff profile (administrators, auditors) gets an empty list.
    """
    counts: list[DeskCount] = []
    if staff_profile_of(user) is None:  # administrators and auditors have no desk
        return counts
    if can(user, Perm.HANDLE_CASES):
        cases = case_desk_counts(user, today, ("intake", "red", "yellow"))
        counts += [
            DeskCount("intake", _("待审查的申请"), cases["intake"], "backoffice:cases", "?desk=intake"),
            DeskCount("red", _("我的超期办件"), cases["red"], "backoffice:cases", "?desk=red", alarm=True),
            DeskCount("yellow", _("我的临近期限办件"), cases["yellow"], "backoffice:cases", "?desk=yellow"),
        ]
    if can(user, Perm.HANDLE_INQUIRIES):
        owed = search_inquiries(user, status=InquiryStatus.OPEN, mine=True).order_by().count()
        counts.append(DeskCount("inquiries", _("待答复的首问"), owed, "backoffice:inquiries", "?status=OPEN&mine=1"))
    if can(user, Perm.APPROVE):
        counts += [
            DeskCount("transfers", _("待审批的移交"), pending_transfers(user).order_by().count(),
                      "backoffice:approvals", "#transfers"),
            DeskCount("extensions", _("待审批的延期"), extensions_to_decide(user).order_by().count(),
                      "backoffice:approvals", "#extensions"),
            DeskCount("returns", _("待审批的退件"), pending_returns(user).order_by().count(),
                      "backoffice:approvals", "#returns"),
            DeskCount("deferred", _("补办材料未补齐"), pending_deferred_exceptions(user).order_by().count(),
                      "backoffice:approvals", "#deferred"),
            DeskCount("sanctions", _("待审批的过错处理"), sanctions_awaiting_decision(user).order_by().count(),
                      "backoffice:approvals", "#sanctions"),
        ]
    if can(user, Perm.SUPERVISE):
        counts.append(DeskCount("violations", _("待处理的过错记录"), open_violations(user).order_by().count(),
                                "backoffice:violations", "?status=OPEN"))
    if can(user, Perm.RELAY_CASES) or can(user, Perm.HANDLE_CASES):
        counts.append(DeskCount("relays", _("待本单位签收的代办交接"), hops_to_sign(user).count(),
                                "backoffice:relays"))
    return counts
