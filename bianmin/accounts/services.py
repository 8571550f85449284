"""Sign-in (password, then the second factor for the roles that need it) with per-username lockout and a
per-address limit, password changes and resets (双人复核 for administrators), API tokens and role grants (三权分立)."""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.errors import DomainError, Forbidden, NotFound
from bianmin.core.ttlcache import TTLCache, clear_all

from .models import ApiToken, LoginThrottle
from .policies import IDENTITY_CACHE_SECONDS, forget_cached_roles, needs_second_factor, require, roles_of
from .resets import (
    ResetOutcome,
    approve_reset,
    create_account,
    create_security_admin,
    pending_resets,
    reject_reset,
    request_reset,
)
from .revocation import end_sessions_and_tokens
from .roles import ADMIN_ROLES, ROLE_PERMS, SYSADMIN_MODEL_APPS, Perm, Role, group_name
from .second_factor import SecondFactorRequired, has_second_factor, verify_second_factor
from .throttles import (
    GENERIC_LOGIN_ERROR,
    THROTTLED_ERROR,
    LoginFailed,
    LoginThrottled,
    burn_password_hash,
    clear_failures,
    count_failure,
    give_back_address_attempt,
    locked_throttle,
    reserve_address_attempt,
)

if TYPE_CHECKING:
    from bianmin.users.models import User

# Re-exported: the interfaces and tests import every account service from here.
__all__ = ["GENERIC_LOGIN_ERROR", "LoginFailed", "LoginThrottled", "ResetOutcome", "approve_reset", "create_account",
           "create_security_admin", "pending_resets", "reject_reset", "request_reset"]

TEMPORARY_PASSWORD_EXPIRED = "临时密码已过期，请联系安全管理员重新发放"  # noqa: S105 - a message


def _cfg(key: str) -> Any:
    return settings.BIANMIN[key]


def _temporary_password_expired(user: User, now: dt.datetime) -> bool:
    return bool(user.must_change_password and user.temporary_password_until
                and now > user.temporary_password_until)


def authenticate_staff(*, username: str, password: str, now: dt.datetime, ip: str | None = None,
                       request: HttpRequest | None = None, channel: str = "web") -> User:
    """Return the user for a correct, unlocked sign-in; otherwise record the failure and raise LoginFailed.

    Failures are counted per username (the fifth in a row locks it for ``LOCKOUT_MINUTES``) and per client address
    (LoginThrottled, without checking anything, once ``LOGIN_ADDRESS_FAILURES`` are used up). A locked username
    costs the same password hashing as a wrong password. For a user who must pass a second factor the count is
    kept until ``verify_second_factor`` succeeds, so guessing codes locks the account like guessing passwords.

    Raises LoginThrottled once the client address has used up its failures; LoginFailed for a sign-in that does
    not authenticate or a locked username (one message for both), and LoginFailed ``temporary_password_expired``
    for an expired temporary password.
    """
    username = (username or "").strip()
    if not reserve_address_attempt(ip, now=now, username=username):
        raise LoginThrottled(THROTTLED_ERROR)
    failed = expired = False
    with audited_atomic():
        throttle, locked = locked_throttle(username, now=now)
        if locked:
            burn_password_hash(password)
            user = None
        else:
            user = authenticate(request, username=username, password=password)
        if user is None:
            failed = True
            if locked:
                record(action=AuditAction.LOGIN_FAILED, summary=f"锁定期间尝试登录：{username}",
                       actor_username=username[:64], now=now, ip=ip, data={"channel": channel, "locked": True})
            else:
                count_failure(throttle, now=now, ip=ip, summary=f"登录失败：{username}", data={"channel": channel})
        elif _temporary_password_expired(user, now):
            expired = True
            record(action=AuditAction.LOGIN_FAILED, summary=f"临时密码已过期：{username}", actor=user, now=now,
                   ip=ip, data={"channel": channel, "reason": "temporary_password_expired"})
        else:
            pending = needs_second_factor(user)
            if not pending:
                clear_failures(throttle)
            user.last_login = now
            user.save(update_fields=["last_login"])
            record(action=AuditAction.LOGIN, actor=user, now=now, ip=ip,
                   summary=f"口令验证通过，待验证第二因素：{username}" if pending else f"登录：{username}",
                   data={"channel": channel, "second_factor": "pending"} if pending else {"channel": channel})
    if failed or user is None:
        raise LoginFailed(GENERIC_LOGIN_ERROR)
    if expired:
        raise LoginFailed(TEMPORARY_PASSWORD_EXPIRED, code="temporary_password_expired")
    give_back_address_attempt(ip)
    return user


def is_locked(*, username: str, now: dt.datetime) -> bool:
    """Return whether ``username`` is currently locked out.

    Refuses nothing: a read-only check."""
    return LoginThrottle.objects.filter(username=username, locked_until__gt=now).exists()


def unlock_account(*, actor: User, username: str, now: dt.datetime) -> None:
    """Clear the lockout of ``username`` (security administrator). Raises Forbidden without UNLOCK_ACCOUNTS and
    NotFound when the username has no lockout record."""
    require(actor, Perm.UNLOCK_ACCOUNTS)
    with audited_atomic():
        updated = LoginThrottle.objects.filter(username=username).update(failures=0, locked_until=None)
        if not updated:
            raise NotFound("该账号没有锁定记录")
        record(action=AuditAction.UNLOCK, summary=f"解除锁定：{username}", actor=actor, now=now,
               object_type="users.User", object_id=username)


def log_logout(*, user: User, now: dt.datetime, ip: str | None = None) -> None:
    """Audit a sign-out.

    Refuses nothing: it only records a sign-out that has happened."""
    with audited_atomic():
        record(action=AuditAction.LOGOUT, summary=f"退出：{user.get_username()}", actor=user, now=now, ip=ip)


def password_expired(user: User, *, now: dt.datetime) -> bool:
    """Return whether ``user`` must change the password now (first login, reset or 90 days).

    Refuses nothing: a read-only check; the caller decides what an expired password stops."""
    if user.must_change_password:
        return True
    if user.password_changed_at is None:
        return False
    return now - user.password_changed_at > dt.timedelta(days=_cfg("PASSWORD_MAX_AGE_DAYS"))


def password_expires_in_days(user: User, *, now: dt.datetime) -> int | None:
    """Return days left before the password expires when inside the warning window, else None.

    Refuses nothing: a pure computation."""
    if user.password_changed_at is None:
        return None
    left: int = _cfg("PASSWORD_MAX_AGE_DAYS") - (now - user.password_changed_at).days
    return left if 0 <= left <= _cfg("PASSWORD_WARN_DAYS") else None


def change_password(*, user: User, old_password: str, new_password: str, now: dt.datetime) -> None:
    """Change ``user``'s password after checking the old one and the password rules.

    Every API token and every other session of the user ends (the caller keeps the current session with
    ``update_session_auth_hash``). Raises DomainError naming ``old_password`` or ``new_password``.
    """
    if not user.check_password(old_password):
        raise DomainError.for_field("old_password", "原密码不正确")
    if old_password == new_password:
        raise DomainError.for_field("new_password", "新密码不能与原密码相同")
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise DomainError("新密码不符合要求", fields={"new_password": list(exc.messages)}) from None
    with audited_atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.temporary_password_until = None
        user.password_changed_at = now
        user.save(update_fields=["password", "must_change_password", "temporary_password_until",
                                 "password_changed_at"])
        ended = end_sessions_and_tokens(user)
        record(action=AuditAction.PASSWORD_CHANGE, summary=f"修改密码：{user.get_username()}", actor=user, now=now,
               data={"tokens_ended": ended})


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_api_token(*, username: str, password: str, now: dt.datetime, otp: str | None = None,
                    ip: str | None = None) -> str:
    """Sign in through the API and return a new bearer token (only its hash is stored).

    Users who must pass a second factor give ``otp``: the current TOTP code or one of their recovery codes.
    Raises LoginFailed, LoginThrottled, SecondFactorRequired or SecondFactorFailed (both naming ``otp``), and
    DomainError ``password_change_required``.
    """
    user = authenticate_staff(username=username, password=password, now=now, ip=ip, channel="api")
    if needs_second_factor(user):
        if not has_second_factor(user):
            raise SecondFactorRequired("该账号须使用动态验证码（otp），但尚未绑定：请先在网页端登录并完成绑定",
                                       fields={"otp": ["尚未绑定动态验证码"]}, code="otp_not_enrolled")
        verify_second_factor(user=user, code=otp, now=now, ip=ip, channel="api")
    if password_expired(user, now=now):
        raise DomainError("密码已过期或须在首次登录时修改，请先在网页端修改密码", code="password_change_required")
    raw = secrets.token_urlsafe(32)
    with audited_atomic():
        ApiToken.objects.create(user=user, key_hash=_token_hash(raw), created_at=now,
                                expires_at=now + dt.timedelta(hours=_cfg("API_TOKEN_HOURS")))
        record(action=AuditAction.TOKEN_ISSUED, summary=f"签发接口令牌：{user.get_username()}", actor=user,
               now=now, ip=ip)
    return raw


def revoke_api_token(*, raw: str, now: dt.datetime, ip: str | None = None) -> None:
    """End the bearer token ``raw`` (API sign-out).

    Raises NotFound when the token is unknown or already ended."""
    with audited_atomic():
        token = ApiToken.objects.select_related("user").filter(key_hash=_token_hash(raw or "")).first()
        if token is None:
            raise NotFound("令牌不存在或已失效")
        user = token.user
        token.delete()  # the post_delete signal empties this process's token cache
        record(action=AuditAction.LOGOUT, summary=f"接口令牌注销：{user.get_username()}", actor=user, now=now,
               ip=ip, data={"channel": "api"})


# Bearer token -> user (with roles, and whatever ``warm`` loads) per process, for a few seconds. Every change
# to users, role grants, profiles, units or tokens in this process empties it (signals in apps.py); other
# processes see a revocation, deactivation or expiry within IDENTITY_CACHE_SECONDS (docs/decisions/0010).
_token_cache: TTLCache[str, tuple[dt.datetime, User]] = TTLCache(IDENTITY_CACHE_SECONDS)


def forget_cached_tokens(**_kwargs: object) -> None:
    """Drop every cached identity (token lookups, roles, profiles) of this process.

    Refuses nothing: a cache reset, connected to the signals of the changes that end a cached identity."""
    clear_all()


def user_for_token(raw: str, *, now: dt.datetime, warm: Callable[[User], object] | None = None) -> User | None:
    """Return the active user owning an unexpired token, or None.

    The lookup, the user's roles and what ``warm(user)`` caches on the user object are reused for
    ``IDENTITY_CACHE_SECONDS`` in this process; each call gets its own copy of the user object.

    Refuses nothing: an unknown or expired token, or an inactive user, gives None for the caller to refuse.
    """
    key = _token_hash(raw or "")
    hit = _token_cache.get(key)
    if hit is not None and now < hit[0]:
        return copy.copy(hit[1])
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=key, expires_at__gt=now, user__is_active=True).first())
    if token is None:
        _token_cache.pop(key)
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    roles_of(user)
    if warm is not None:
        warm(user)
    _token_cache.set(key, (token.expires_at, user))
    return copy.copy(user)


def sync_roles() -> None:
    """Create the role groups and give each exactly its permissions (idempotent; runs after migrate).

    Refuses nothing: a system step run after migrate."""
    perms = {f"{p.content_type.app_label}.{p.codename}": p
             for p in Permission.objects.select_related("content_type")}
    model_perms = [p for key, p in perms.items() if key.split(".")[0] in SYSADMIN_MODEL_APPS]
    for role, role_perms in ROLE_PERMS.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        wanted = [perms[str(p)] for p in role_perms if str(p) in perms]
        if role == Role.SYSADMIN:
            wanted += model_perms
        group.permissions.set(wanted)


def _check_grant(actor: User, target: User, role: Role) -> None:
    require(actor, Perm.GRANT_ROLES)
    if actor.pk == target.pk:
        raise Forbidden("不能给自己授予或撤销角色")


def grant_role(*, actor: User, target: User, role: Role, now: dt.datetime) -> None:
    """Grant ``role`` to ``target``; the three administrator roles exclude each other. Every session and token of
    ``target`` ends. Raises Forbidden without GRANT_ROLES or on oneself; DomainError naming ``role`` when it is
    held already or clashes with an administrator role held."""
    _check_grant(actor, target, role)
    original = target
    with audited_atomic():
        target = get_user_model().objects.select_for_update().get(pk=target.pk)
        held = roles_of(target)
        if role in held:
            raise DomainError.for_field("role", f"该用户已拥有角色“{role.label}”")
        clash = (held & ADMIN_ROLES) if role in ADMIN_ROLES else set()
        if clash:
            names = "、".join(r.label for r in clash)
            raise DomainError.for_field("role", f"系统管理员、安全管理员、审计管理员三者互斥：该用户已是{names}")
        target.groups.add(Group.objects.get(name=group_name(role)))
        forget_cached_roles(target)
        forget_cached_roles(original)
        if role == Role.SYSADMIN and not target.is_staff:
            target.is_staff = True
            target.save(update_fields=["is_staff"])
        ended = end_sessions_and_tokens(target)  # the new role takes effect at a new sign-in
        record(action=AuditAction.ROLE_GRANT, summary=f"授予{target.get_username()}角色：{role.label}", actor=actor,
               obj=target, now=now, data={"role": role.value, "tokens_ended": ended})


def revoke_role(*, actor: User, target: User, role: Role, now: dt.datetime) -> None:
    """Take ``role`` away from ``target``; every session and token of ``target`` ends. Raises Forbidden without
    GRANT_ROLES or on oneself; DomainError naming ``role`` when it is not held."""
    _check_grant(actor, target, role)
    original = target
    with audited_atomic():
        target = get_user_model().objects.select_for_update().get(pk=target.pk)
        if role not in roles_of(target):
            raise DomainError.for_field("role", f"该用户没有角色“{role.label}”")
        target.groups.remove(Group.objects.get(name=group_name(role)))
        forget_cached_roles(target)
        forget_cached_roles(original)
        if role == Role.SYSADMIN and target.is_staff and not target.is_superuser:
            target.is_staff = False
            target.save(update_fields=["is_staff"])
        ended = end_sessions_and_tokens(target)
        record(action=AuditAction.ROLE_REVOKE, summary=f"撤销{target.get_username()}角色：{role.label}",
               actor=actor, obj=target, now=now, data={"role": role.value, "tokens_ended": ended})

