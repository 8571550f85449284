"""Who may see a meeting (leaders and supervisors, the meetings of their unit and of the units below it; an action
item also its owner), and who may take each step. A record the user may not see is reported exactly like a missing
one."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from bianmin.accountability.policies import oversees
from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.org.policies import scope_path, staff_profile_of

from .models import ActionItem, ActionStatus, Meeting, MeetingKind

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser


def visible_meetings(user: AnyUser) -> QuerySet[Meeting]:
    """Return the meetings of the user's scope (none unless the user oversees: a leader or a supervisor)."""
    path = scope_path(user)
    if path is None or not oversees(user):
        return Meeting.objects.none()
    return Meeting.objects.filter(unit_path__startswith=path)


def get_meeting_for(user: AnyUser, pk: int) -> Meeting:
    """Return the meeting ``pk`` (with its unit) if the user may see it; raise NotFound otherwise."""
    meeting = visible_meetings(user).select_related("unit").filter(pk=pk).first()
    if meeting is None:
        raise NotFound("会议记录不存在")
    return meeting


def get_action_item_for(user: AnyUser, pk: int, *, for_update: bool = False) -> ActionItem:
    """Return the action item ``pk`` (with owner and meeting; locked with ``for_update``) if the user owns it or may
    see its meeting; raise NotFound otherwise."""
    qs = ActionItem.objects.select_related("owner", "meeting")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    action = qs.filter(pk=pk).first()
    profile = staff_profile_of(user)
    mine = action is not None and profile is not None and action.owner_id == profile.pk
    if action is None or not (mine or visible_meetings(user).filter(pk=action.meeting_id).exists()):
        raise NotFound("议定事项不存在")
    return action


# Who may take each step: asked by the services before they write and by the action catalogue
# (``meetings.actions``) before it draws a form. Each returns the refusal, or None.

def meeting_refusal(user: AnyUser, kind: str = "") -> DomainError | None:
    """Leaders and supervisors hold the meetings of their scope; a 专题会议 is called by a leader (主任、副主任)."""
    if not oversees(user):
        return Forbidden("只有中心领导和监督员可以组织会议")
    if kind == MeetingKind.SPECIAL and not can(user, Perm.APPROVE):
        return Forbidden("专题会议由中心主任、副主任召开")
    return None


def record_refusal(user: AnyUser, meeting: Meeting) -> DomainError | None:
    """The leaders and supervisors who see a meeting record its decisions and its minutes."""
    return meeting_refusal(user)


def done_refusal(user: AnyUser, action: ActionItem) -> DomainError | None:
    """An action item is reported done once (by its owner, or by a leader or supervisor who sees its meeting:
    ``get_action_item_for`` answers anyone else as if it did not exist)."""
    if action.status == ActionStatus.DONE:
        return Conflict("该事项已完成")
    return None
