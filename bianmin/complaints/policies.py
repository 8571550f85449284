"""Who may register, see and take each step on a complaint, and who may know who complained (decision 0024).

- The 监督投诉台 is staffed by supervisors (SUPERVISE): they register desk and phone complaints and take every step
  on the complaints of their scope (the handling unit's path below theirs). Window staff (HANDLE_CASES) may
  register a complaint handed to them at the desk, never one about themselves, and see
  nothing of it afterwards. Leaders (APPROVE) read the register of their scope.
- Nobody sees a complaint about themselves in the register, supervisors and leaders included: a complaint about
  the reader is reported exactly like a missing one.
- The complainant's name and phone are for supervisors only, and read through an audited reveal
  (``services.reveal_complainant``); the masked phone is shown to supervisors on the complaint's page.

Each ``*_refusal`` returns the refusal or None; services ask them before writing, screens before drawing a form.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.org.policies import scope_path, staff_profile_of

from .models import OPEN_STATUSES, Complaint, ComplaintStatus, SubjectType

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser

READERS = (Perm.SUPERVISE, Perm.APPROVE)
DESK_REGISTRARS = (Perm.HANDLE_CASES,)


def is_supervisor(user: AnyUser) -> bool:
    """Return whether the user staffs the 监督投诉台 (SUPERVISE) and has a unit."""
    return can(user, Perm.SUPERVISE) and staff_profile_of(user) is not None


def may_register(user: AnyUser) -> bool:
    """Return whether the user may register a complaint at the desk or by phone: a supervisor, or window staff (a
    complaint handed to them at the desk)."""
    return staff_profile_of(user) is not None and (
        can(user, Perm.SUPERVISE) or any(can(user, p) for p in DESK_REGISTRARS))


def _about_user(user: AnyUser) -> Q:
    """Return the filter of the complaints about the user (named as the subject, or their case)."""
    profile = staff_profile_of(user)
    if profile is None:
        return Q(pk__in=[])
    return Q(staff=profile) | Q(subject_type=SubjectType.CASE, case__first_handler=profile)


def visible_complaints(user: AnyUser) -> QuerySet[Complaint]:
    """Return the complaints the user may read: supervisors and leaders those handled in their scope, except any
    complaint about the user themselves; everyone else none."""
    path = scope_path(user)
    if path is None or not any(can(user, p) for p in READERS):
        return Complaint.objects.none()
    return Complaint.objects.filter(unit_path__startswith=path).exclude(_about_user(user))


def get_complaint_for(user: AnyUser, number: str, *, for_update: bool = False) -> Complaint:
    """Return the complaint ``number`` if the user may read it (locked with ``for_update``).

    Raises NotFound for a missing complaint, one out of the user's scope and one about the user alike."""
    qs = visible_complaints(user)
    if for_update:
        pk = qs.select_for_update(of=("self",)).filter(number=number).values_list("pk", flat=True).first()
        if pk is None:
            raise NotFound("投诉不存在")
    complaint = (qs.select_related("unit__region", "staff__unit", "window", "case", "subject_unit", "received_by",
                                   "handler", "replied_by", "transferred_to", "transferred_from", "confirmed_by",
                                   "violation")
                 .filter(number=number).first())
    if complaint is None:
        raise NotFound("投诉不存在")
    return complaint


def may_see_complainant(user: AnyUser, complaint: Complaint) -> bool:
    """Return whether the user may reveal the complainant's identity: a supervisor who may read the complaint (so
    never the staff complained about) and the complaint is not anonymous."""
    return (is_supervisor(user) and not complaint.anonymous
            and visible_complaints(user).filter(pk=complaint.pk).exists())


def _supervise(user: AnyUser, complaint: Complaint) -> DomainError | None:
    if not is_supervisor(user):
        return Forbidden("只有监督员可以处理投诉")
    profile = staff_profile_of(user)
    if profile is not None and complaint.staff_id == profile.pk:
        return Forbidden("不能处理投诉自己的投诉")
    return None


def investigate_refusal(user: AnyUser, complaint: Complaint) -> DomainError | None:
    """受理 → 调查: a supervisor opens the investigation of a received (or transferred-in) complaint."""
    if (refusal := _supervise(user, complaint)) is not None:
        return refusal
    if complaint.status not in (ComplaintStatus.RECEIVED, ComplaintStatus.TRANSFERRED, ComplaintStatus.INVESTIGATING):
        return Conflict("投诉已处置，不能再登记调查")
    return None


def handle_refusal(user: AnyUser, complaint: Complaint) -> DomainError | None:
    """调查 → 处置: the nature and the handling opinion, once investigated."""
    if (refusal := _supervise(user, complaint)) is not None:
        return refusal
    if complaint.status != ComplaintStatus.INVESTIGATING:
        return Conflict("请先登记调查情况，再填写处理意见")
    return None


def transfer_refusal(user: AnyUser, complaint: Complaint) -> DomainError | None:
    """转办: a complaint outside this center's remit goes to the competent unit before it is handled."""
    if (refusal := _supervise(user, complaint)) is not None:
        return refusal
    if complaint.status not in (ComplaintStatus.RECEIVED, ComplaintStatus.TRANSFERRED, ComplaintStatus.INVESTIGATING):
        return Conflict("投诉已处置或已办结，不能再转办")
    return None


def reply_refusal(user: AnyUser, complaint: Complaint) -> DomainError | None:
    """处置 → 反馈: the answer to a named complainant."""
    if (refusal := _supervise(user, complaint)) is not None:
        return refusal
    if complaint.anonymous:
        return Conflict("匿名投诉没有答复渠道，处置后直接归档")
    if complaint.status != ComplaintStatus.HANDLED:
        return Conflict("投诉尚未处置，或已答复")
    return None


def confirm_refusal(user: AnyUser, complaint: Complaint) -> DomainError | None:
    """查实: a handled complaint becomes one accountability record of the staff member found responsible (the
    service resolves who: the staff complained about, the case's first handler, or the badge the supervisor names)."""
    if (refusal := _supervise(user, complaint)) is not None:
        return refusal
    if complaint.confirmed_at is not None:
        return Conflict("该投诉已查实并登记过错，不能重复登记")
    if complaint.status not in (ComplaintStatus.HANDLED, ComplaintStatus.REPLIED):
        return Conflict("请先处置投诉（填写性质和处理意见），再查实")
    return None


def archive_refusal(user: AnyUser, complaint: Complaint) -> DomainError | None:
    """反馈 → 归档 (an anonymous complaint: 处置 → 归档)."""
    if (refusal := _supervise(user, complaint)) is not None:
        return refusal
    if complaint.status == ComplaintStatus.REPLIED or (complaint.anonymous
                                                       and complaint.status == ComplaintStatus.HANDLED):
        return None
    return Conflict("投诉答复后才能归档" if not complaint.anonymous else "匿名投诉处置后才能归档")


def reveal_refusal(user: AnyUser, complaint: Complaint) -> DomainError | None:
    """查看投诉人身份: supervisors only, never about themselves; nothing to reveal for an anonymous complaint."""
    if (refusal := _supervise(user, complaint)) is not None:
        return refusal
    if complaint.anonymous:
        return Conflict("匿名投诉，没有投诉人信息")
    return None


def is_open(complaint: Complaint) -> bool:
    """Return whether the complaint is still being dealt with (its reply clock runs)."""
    return complaint.status in OPEN_STATUSES
