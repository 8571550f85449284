"""Who is told of a leader's pending decisions and of their outcome, in one place (issue 12 item 6).

Each function is called by the service that causes the message, inside its transaction (before its audit row): a
message exists exactly when its cause does, so a refused or rolled-back request tells nobody. The outbox sends them
(``notifications.services.deliver_due``, run by the scheduler every half minute).

- A request waiting for a leader (移交, 延期, 退件; the accountability services use ``approver_ids`` for 处理意见) is
  told to every leader who may decide it, found in one query (``approver_ids``) by the rules the services and the
  approvals page apply: the APPROVE permission, an active account and staff profile, the case's unit inside the
  leader's scope (``policies.visible_cases``) and, for an extension, the head of the organ or government
  (``policies.extension_deciders``).
- A decision is told to the requester and to the case's first handler; an approved transfer to the receiver, who is
  the first handler from then on.

Nobody is told of their own action. Messages name the case number and item and link to the approvals page (for a
leader) or to the case.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from django.db.models import Q

from bianmin.accounts.roles import ROLE_PERMS, Perm, group_name
from bianmin.notifications.services import enqueue_inapp_many
from bianmin.org.models import StaffProfile
from bianmin.org.policies import staff_profile_of

from ..models import Case, Extension, ExtensionStatus, ReturnRequest, ReturnRequestStatus, Transfer, TransferStatus
from ..policies import extension_deciders

if TYPE_CHECKING:
    from bianmin.users.types import User

APPROVALS_LINK = "/staff/approvals/"
APPROVER_GROUPS = tuple(group_name(role) for role, perms in ROLE_PERMS.items() if Perm.APPROVE in perms)


def case_link(case: Case) -> str:
    """Return the staff page of ``case``."""
    return f"/staff/cases/{case.number}/"


def _scopes_over(unit_path: str) -> list[str]:
    """Return the unit paths whose staff see ``unit_path`` (``/C1/T1/`` → ``/C1/``, ``/C1/T1/``)."""
    parts = [p for p in unit_path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def approver_ids(unit_path: str, *, heads: Collection[str] | None = None,
                 exclude: Iterable[int | None] = ()) -> list[int]:
    """Return the ids of the users who may decide a request about a record of the unit at ``unit_path``: they hold
    APPROVE (a role that grants it, or superuser), their account and staff profile are active, and their unit is that
    unit or one above it; with ``heads``, only staff whose 负责人身份 is one of them. One query.

    Refuses nothing: an empty list when nobody may decide."""
    qs = (StaffProfile.objects.filter(unit__path__in=_scopes_over(unit_path), is_active=True, user__is_active=True)
          .filter(Q(user__groups__name__in=APPROVER_GROUPS) | Q(user__is_superuser=True))
          .exclude(user_id__in=[pk for pk in exclude if pk is not None]))
    if heads is not None:
        qs = qs.filter(head_of__in=list(heads))
    return sorted(set(qs.values_list("user_id", flat=True)))


def _name(user: User) -> str:
    profile = staff_profile_of(user)
    return profile.name if profile else user.get_full_name()


def _about(case: Case) -> str:
    return f"办件 {case.number}（{case.item_version.name}）"


def _send(recipients: Iterable[int | None], *, actor: User, kind: str, subject: str, text: str, link: str,
          case: Case, now: dt.datetime) -> int:
    """Queue one message per recipient (nobody twice, never the actor) in one insert."""
    ids = sorted({pk for pk in recipients if pk is not None and pk != actor.pk})
    return enqueue_inapp_many([(pk, kind, subject, text, link, f"case:{case.number}") for pk in ids], now=now)


def _handler_side(case: Case, requested_by_id: int | None) -> list[int | None]:
    return [requested_by_id, case.first_handler.user_id if case.first_handler else None]


def transfer_requested(transfer: Transfer, case: Case, *, actor: User, now: dt.datetime) -> int:
    """Tell the leaders who may approve a transfer request. Refuses nothing."""
    return _send(approver_ids(case.unit_path, exclude=[actor.pk]), actor=actor, kind="TRANSFER_REQUESTED",
                 subject="待审批：办件移交", link=APPROVALS_LINK, case=case, now=now,
                 text=f"{_about(case)}：{_name(actor)}申请将首办负责人由{transfer.from_handler.name}移交给"
                      f"{transfer.to_handler.name}（{transfer.to_handler.badge_number}），理由：{transfer.reason}。"
                      "请到审批页处理。")


def transfer_decided(transfer: Transfer, case: Case, *, actor: User, now: dt.datetime) -> int:
    """Tell the receiver of an approved transfer, and the requester and the handler it was asked for either way.
    Refuses nothing."""
    about, to = _about(case), transfer.to_handler
    if transfer.status == TransferStatus.APPROVED:
        told = _send([to.user_id], actor=actor, kind="TRANSFER_RECEIVED", subject="办件移交给您", link=case_link(case),
                     case=case, now=now, text=f"{_name(actor)}已批准将{about}移交给您，您现为该件的首办负责人。"
                                              f"移交理由：{transfer.reason}")
        return told + _send({transfer.requested_by_id, transfer.from_handler.user_id} - {to.user_id}, actor=actor,
                            kind="TRANSFER_DECIDED", subject="移交申请已批准", link=case_link(case), case=case,
                            now=now,
                            text=f"{about}移交给{to.name}的申请已获{_name(actor)}批准，该件今后由{to.name}办理。")
    return _send([transfer.requested_by_id, transfer.from_handler.user_id], actor=actor, kind="TRANSFER_DECIDED",
                 subject="移交申请被驳回", link=case_link(case), case=case, now=now,
                 text=f"{about}移交给{to.name}的申请被{_name(actor)}驳回，理由：{transfer.decision_note}。"
                      f"该件仍由{transfer.from_handler.name}办理。")


def extension_requested(extension: Extension, case: Case, *, actor: User, now: dt.datetime) -> int:
    """Tell the heads who may approve an extension request (the organ's or the government's). Refuses nothing."""
    deadline = f"，承诺办结日期 {case.committed_deadline:%Y-%m-%d}" if case.committed_deadline else ""
    return _send(approver_ids(case.unit_path, heads=extension_deciders(case), exclude=[actor.pk]), actor=actor,
                 kind="EXTENSION_REQUESTED", subject="待审批：办件延期", link=APPROVALS_LINK, case=case, now=now,
                 text=f"{_about(case)}：{_name(actor)}申请延期{extension.days}个工作日{deadline}，"
                      f"理由：{extension.reason}。请到审批页处理。")


def extension_decided(extension: Extension, case: Case, *, actor: User, now: dt.datetime) -> int:
    """Tell the requester and the first handler whether the extension was approved. Refuses nothing."""
    if extension.status == ExtensionStatus.APPROVED:
        subject = "延期申请已批准"
        text = (f"{_about(case)}的延期申请已获{_name(actor)}批准，承诺办结日期顺延至 "
                f"{case.committed_deadline:%Y-%m-%d}，已出具延期告知书。")
    else:
        subject = "延期申请未获批准"
        text = (f"{_about(case)}的延期申请未获{_name(actor)}批准，理由：{extension.decision_note}。"
                f"请在承诺办结日期 {case.committed_deadline:%Y-%m-%d} 前办结。")
    return _send(_handler_side(case, extension.requested_by_id), actor=actor, kind="EXTENSION_DECIDED",
                 subject=subject, text=text, link=case_link(case), case=case, now=now)


def return_requested(request: ReturnRequest, case: Case, *, actor: User, now: dt.datetime) -> int:
    """Tell the leaders who may approve a 退件 request. Refuses nothing."""
    return _send(approver_ids(case.unit_path, exclude=[actor.pk]), actor=actor, kind="RETURN_REQUESTED",
                 subject="待审批：退件申请", link=APPROVALS_LINK, case=case, now=now,
                 text=f"{_about(case)}：{_name(actor)}申请退件，理由：{request.reason}。请到审批页处理。")


def return_decided(request: ReturnRequest, case: Case, *, actor: User, now: dt.datetime) -> int:
    """Tell the requester and the first handler whether the 退件 was approved. Refuses nothing."""
    if request.status == ReturnRequestStatus.APPROVED:
        subject = "退件申请已同意"
        text = f"{_about(case)}的退件申请已获{_name(actor)}同意，办件已退回并出具退件通知书。"
    else:
        subject = "退件申请未获同意"
        text = f"{_about(case)}的退件申请未获{_name(actor)}同意，理由：{request.decision_note}。请继续办理。"
    return _send(_handler_side(case, request.requested_by_id), actor=actor, kind="RETURN_DECIDED",
                 subject=subject, text=text, link=case_link(case), case=case, now=now)
