"""Resets of a password or second factor by the security administrator (双人复核 for the three administrator
roles), and the command-line bootstrap of the first accounts."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound

from .models import LoginThrottle, ResetKind, ResetRequest, ResetStatus
from .policies import is_admin_role_holder, require
from .revocation import end_sessions_and_tokens
from .roles import Perm, Role, group_name
from .second_factor import has_second_factor, remove_second_factor

if TYPE_CHECKING:
    from bianmin.users.models import User


def _cfg(key: str) -> Any:
    return settings.BIANMIN[key]


_TEMP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


@dataclass(frozen=True)
class ResetOutcome:
    """What a reset request led to: done at once (with the temporary password of a password reset, to hand over
    once) or waiting for a second security administrator."""

    kind: ResetKind
    target: User
    pending: ResetRequest | None = None
    temporary_password: str = ""


def _temporary_password() -> str:
    """Return a one-time password like ``Xk7m-Pq3r-Zt9w-Hn4v`` (upper, lower, digit and a symbol)."""
    while True:
        groups = ["".join(secrets.choice(_TEMP_ALPHABET) for _ in range(4)) for _ in range(4)]
        text = "-".join(groups)
        if any(c.isupper() for c in text) and any(c.islower() for c in text) and any(c.isdigit() for c in text):
            return text


def _is_first_issue(target: User) -> bool:
    # An account that has never had a password (created without one, never signed in) is given its first one:
    # nobody's access is taken over, so one security administrator suffices even for an administrator's account.
    return not target.has_usable_password() and target.last_login is None


def _check_reset(actor: User, target: User) -> None:
    require(actor, Perm.RESET_CREDENTIALS)
    if actor.pk == target.pk:
        raise Forbidden("不能重置自己的密码或第二因素：请用“修改密码”，或请另一名安全管理员办理")


def _apply_reset(*, actor: User, target: User, kind: ResetKind, reason: str, now: dt.datetime,
                 data: dict[str, Any]) -> ResetOutcome:
    """Reset ``target``'s password (a one-time temporary password, the second factor kept) or second factor (the
    devices removed); end every session and token of theirs; audit it. Inside the caller's transaction."""
    username = target.get_username()
    temporary = ""
    if kind == ResetKind.PASSWORD:
        temporary = _temporary_password()
        target.set_password(temporary)
        target.must_change_password = True
        until = now + dt.timedelta(minutes=_cfg("TEMPORARY_PASSWORD_MINUTES"))
        target.temporary_password_until = until
        target.save(update_fields=["password", "must_change_password", "temporary_password_until"])
        LoginThrottle.objects.filter(username=username).update(failures=0, locked_until=None)
        action, summary = AuditAction.PASSWORD_RESET, f"重置密码：{username}（发放一次性临时密码，第二因素不变）"
        data = {**data, "second_factor_kept": has_second_factor(target),
                "valid_until": until.isoformat()}
    else:
        removed = remove_second_factor(target)
        action, summary = AuditAction.OTP_RESET, f"重置第二因素：{username}（下次登录重新绑定）"
        data = {**data, "removed": removed}
    ended = end_sessions_and_tokens(target)
    record(action=action, summary=summary, actor=actor, obj=target, now=now,
           data={**data, "kind": str(kind), "reason": reason, "tokens_ended": ended})
    return ResetOutcome(kind=kind, target=target, temporary_password=temporary)


def request_reset(*, actor: User, target: User, kind: ResetKind, reason: str, now: dt.datetime) -> ResetOutcome:
    """Reset ``target``'s password or second factor (security administrator only, never one's own).

    A password reset gives a one-time temporary password (valid ``TEMPORARY_PASSWORD_MINUTES``, to be changed at
    the first sign-in) and keeps the second factor. For a holder of an administrator role the reset only becomes a
    pending request that another security administrator must approve (``approve_reset``).
    Raises Forbidden, DomainError naming ``reason``, Conflict when such a request is already pending.
    """
    _check_reset(actor, target)
    kind = ResetKind(kind)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError.for_field("reason", "请写明重置的理由（如“本人遗失手机，已当面核实身份”）")
    with audited_atomic():
        target = get_user_model().objects.select_for_update().get(pk=target.pk)
        if kind == ResetKind.SECOND_FACTOR and not has_second_factor(target):
            raise DomainError.for_field("kind", "该账号尚未绑定第二因素，无需重置")
        first = kind == ResetKind.PASSWORD and _is_first_issue(target)
        if first or not is_admin_role_holder(target):
            return _apply_reset(actor=actor, target=target, kind=kind, reason=reason[:200], now=now,
                                data={"first_issue": first, "approval": "not_required"})
        stale = now - dt.timedelta(hours=_cfg("RESET_APPROVAL_HOURS"))
        ResetRequest.objects.filter(target=target, kind=kind, status=ResetStatus.PENDING,
                                    requested_at__lt=stale).update(status=ResetStatus.EXPIRED)
        if ResetRequest.objects.filter(target=target, kind=kind, status=ResetStatus.PENDING).exists():
            raise Conflict("该账号已有同类重置申请等待复核")
        pending = ResetRequest.objects.create(target=target, kind=kind, reason=reason[:200], requested_by=actor,
                                              requested_at=now)
        record(action=AuditAction.RESET_REQUESTED, actor=actor, obj=target, now=now,
               summary=f"申请{kind.label}：{target.get_username()}（管理员账号，待另一名安全管理员复核）",
               data={"request": pending.pk, "kind": str(kind), "reason": pending.reason})
    return ResetOutcome(kind=kind, target=target, pending=pending)


def _pending_request(request_id: int, now: dt.datetime) -> ResetRequest:
    pending = (ResetRequest.objects.select_for_update().select_related("target", "requested_by")
               .filter(pk=request_id).first())
    if pending is None:
        raise NotFound("重置申请不存在")
    if pending.status != ResetStatus.PENDING:
        raise Conflict(f"该申请已{pending.get_status_display()}")
    if now - pending.requested_at > dt.timedelta(hours=_cfg("RESET_APPROVAL_HOURS")):
        pending.status = ResetStatus.EXPIRED
        pending.save(update_fields=["status"])
        raise Conflict(f"该申请已超过{_cfg('RESET_APPROVAL_HOURS')}小时未复核，已过期，请重新申请")
    return pending


def approve_reset(*, actor: User, request_id: int, now: dt.datetime) -> ResetOutcome:
    """Approve a pending reset as the second security administrator and carry it out.

    Raises Forbidden for the requester and the account itself, NotFound, Conflict when it is no longer pending.
    """
    require(actor, Perm.RESET_CREDENTIALS)
    with audited_atomic():
        pending = _pending_request(request_id, now)
        if actor.pk in (pending.requested_by_id, pending.target_id):
            raise Forbidden("双人复核：须由申请人以外的另一名安全管理员复核，且不能复核针对自己的申请")
        target = get_user_model().objects.select_for_update().get(pk=pending.target_id)
        pending.status, pending.decided_by, pending.decided_at = ResetStatus.APPROVED, actor, now
        pending.save(update_fields=["status", "decided_by", "decided_at"])
        record(action=AuditAction.RESET_APPROVED, actor=actor, obj=target, now=now,
               summary=f"复核通过{pending.get_kind_display()}：{target.get_username()}"
                       f"（申请人 {pending.requested_by.get_username()}）",
               data={"request": pending.pk, "requested_by": pending.requested_by.get_username()})
        return _apply_reset(actor=actor, target=target, kind=ResetKind(pending.kind), reason=pending.reason,
                            now=now, data={"request": pending.pk, "approval": "approved",
                                           "requested_by": pending.requested_by.get_username()})


def reject_reset(*, actor: User, request_id: int, now: dt.datetime) -> None:
    """Refuse a pending reset (another security administrator), or withdraw one's own request.

    Raises Forbidden without RESET_CREDENTIALS or for the account itself, NotFound, Conflict when it is no longer
    pending.
    """
    require(actor, Perm.RESET_CREDENTIALS)
    with audited_atomic():
        pending = _pending_request(request_id, now)
        if actor.pk == pending.target_id:
            raise Forbidden("不能处理针对自己的申请")
        pending.status, pending.decided_by, pending.decided_at = ResetStatus.REJECTED, actor, now
        pending.save(update_fields=["status", "decided_by", "decided_at"])
        withdrawn = actor.pk == pending.requested_by_id
        record(action=AuditAction.RESET_REJECTED, actor=actor, obj=pending.target, now=now,
               summary=f"{'撤回' if withdrawn else '驳回'}{pending.get_kind_display()}申请："
                       f"{pending.target.get_username()}",
               data={"request": pending.pk, "withdrawn": withdrawn})


def pending_resets() -> QuerySet[ResetRequest]:
    """Return the reset requests waiting for a second security administrator, oldest first."""
    return (ResetRequest.objects.filter(status=ResetStatus.PENDING)
            .select_related("target", "requested_by").order_by("requested_at"))


# --- Bootstrap from the command line ---

def create_security_admin(*, username: str, full_name: str, password: str, now: dt.datetime,
                          force_another: bool = False) -> User:
    """Create a security administrator holding no other role (``manage.py create_security_admin``).

    Refuses while an active security administrator exists unless ``force_another`` (break-glass: the only one has
    lost access; audited as such). The second factor is enrolled at the first sign-in.
    Raises DomainError naming ``username`` or ``password``, Conflict when one exists.
    """
    user_model = get_user_model()
    group = Group.objects.get(name=group_name(Role.SECADMIN))
    username = (username or "").strip()
    if not username:
        raise DomainError.for_field("username", "请提供用户名")
    with audited_atomic():
        existing = list(group.user_set.filter(is_active=True).values_list("username", flat=True))
        if existing and not force_another:
            raise Conflict(f"已有安全管理员（{'、'.join(existing)}）：如确因其无法登录需再建一个，请加 --force-another")
        if user_model.objects.filter(username=username).exists():
            raise DomainError.for_field("username", "该用户名已存在")
        user = user_model(username=username, full_name=full_name, must_change_password=False, password_changed_at=now)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise DomainError("密码不符合要求", fields={"password": list(exc.messages)}) from None
        user.set_password(password)
        user.save()
        user.groups.add(group)
        record(action=AuditAction.ROLE_GRANT, summary=f"命令行创建安全管理员：{username}", actor_username="manage.py",
               obj=user, now=now, data={"role": Role.SECADMIN.value, "command": "create_security_admin",
                                        "force_another": force_another, "existing": existing})
    return user


def create_account(*, username: str, full_name: str, now: dt.datetime) -> User:
    """Create an account with no role and no usable password (``manage.py create_account``, for the first system
    administrator): the security administrator then issues its first password and grants its role."""
    user_model = get_user_model()
    username = (username or "").strip()
    if not username or user_model.objects.filter(username=username).exists():
        raise DomainError.for_field("username", "请提供一个尚未使用的用户名")
    with audited_atomic():
        user = user_model(username=username, full_name=full_name, must_change_password=True)
        user.set_unusable_password()
        user.save()
        record(action=AuditAction.CONFIG_CREATE, summary=f"命令行创建账号：{username}", actor_username="manage.py",
               obj=user, now=now, data={"command": "create_account"})
    return user
