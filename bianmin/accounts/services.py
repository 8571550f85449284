"""Sign-in with per-username lockout, password changes, API tokens and role grants (三权分立)."""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.errors import DomainError, Forbidden, NotFound
from bianmin.core.ttlcache import TTLCache, clear_all

from .models import ApiToken, LoginThrottle
from .policies import IDENTITY_CACHE_SECONDS, forget_cached_roles, require, roles_of
from .roles import ADMIN_ROLES, ROLE_PERMS, SYSADMIN_MODEL_APPS, Perm, Role, group_name

GENERIC_LOGIN_ERROR = "用户名或密码不正确，或账号已被临时锁定（连续失败5次锁定30分钟，可联系安全管理员解锁）"


def _cfg(key: str):
    return settings.BIANMIN[key]


class LoginFailed(DomainError):
    code = "login_failed"
    status = 401


def authenticate_staff(*, username: str, password: str, now: dt.datetime, ip: str | None = None,
                       request=None, channel: str = "web"):
    """Return the user for a correct, unlocked sign-in; otherwise record the failure and raise LoginFailed.

    Failures are counted per username; the fifth in a row locks it for ``LOCKOUT_MINUTES``.
    """
    username = (username or "").strip()
    failed = False
    with audited_atomic():
        throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=username[:150])
        locked = throttle.locked_until is not None and throttle.locked_until > now
        user = None if locked else authenticate(request, username=username, password=password)
        if user is None:
            failed = True
            if locked:
                record(action=AuditAction.LOGIN_FAILED, summary=f"锁定期间尝试登录：{username}",
                       actor_username=username[:64], now=now, ip=ip, data={"channel": channel, "locked": True})
            else:
                throttle.failures += 1
                throttle.last_failure_at = now
                lock_now = throttle.failures >= _cfg("LOCKOUT_FAILURES")
                if lock_now:
                    throttle.locked_until = now + dt.timedelta(minutes=_cfg("LOCKOUT_MINUTES"))
                throttle.save()
                record(action=AuditAction.LOGIN_FAILED, summary=f"登录失败：{username}",
                       actor_username=username[:64], now=now, ip=ip,
                       data={"channel": channel, "failures": throttle.failures})
                if lock_now:
                    record(action=AuditAction.LOCKOUT, summary=f"账号因连续登录失败被锁定：{username}",
                           actor_username=username[:64], now=now, ip=ip,
                           data={"until": throttle.locked_until.isoformat()})
        else:
            throttle.failures = 0
            throttle.locked_until = None
            throttle.save()
            user.last_login = now
            user.save(update_fields=["last_login"])
            record(action=AuditAction.LOGIN, summary=f"登录：{username}", actor=user, now=now, ip=ip,
                   data={"channel": channel})
    if failed:
        raise LoginFailed(GENERIC_LOGIN_ERROR)
    return user


def is_locked(*, username: str, now: dt.datetime) -> bool:
    """Return whether ``username`` is currently locked out."""
    return LoginThrottle.objects.filter(username=username, locked_until__gt=now).exists()


def unlock_account(*, actor, username: str, now: dt.datetime) -> None:
    """Clear the lockout of ``username`` (security administrator)."""
    require(actor, Perm.UNLOCK_ACCOUNTS)
    with audited_atomic():
        updated = LoginThrottle.objects.filter(username=username).update(failures=0, locked_until=None)
        if not updated:
            raise NotFound("该账号没有锁定记录")
        record(action=AuditAction.UNLOCK, summary=f"解除锁定：{username}", actor=actor, now=now,
               object_type="users.User", object_id=username)


def log_logout(*, user, now: dt.datetime, ip: str | None = None) -> None:
    """Audit a sign-out."""
    with audited_atomic():
        record(action=AuditAction.LOGOUT, summary=f"退出：{user.get_username()}", actor=user, now=now, ip=ip)


def password_expired(user, *, now: dt.datetime) -> bool:
    """Return whether ``user`` must change the password now (first login, reset or 90 days)."""
    if user.must_change_password:
        return True
    if user.password_changed_at is None:
        return False
    return now - user.password_changed_at > dt.timedelta(days=_cfg("PASSWORD_MAX_AGE_DAYS"))


def password_expires_in_days(user, *, now: dt.datetime) -> int | None:
    """Return days left before the password expires when inside the warning window, else None."""
    if user.password_changed_at is None:
        return None
    left = _cfg("PASSWORD_MAX_AGE_DAYS") - (now - user.password_changed_at).days
    return left if 0 <= left <= _cfg("PASSWORD_WARN_DAYS") else None


def change_password(*, user, old_password: str, new_password: str, now: dt.datetime) -> None:
    """Change ``user``'s password after checking the old one and the password rules."""
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
        user.password_changed_at = now
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        record(action=AuditAction.PASSWORD_CHANGE, summary=f"修改密码：{user.get_username()}", actor=user, now=now)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_api_token(*, username: str, password: str, now: dt.datetime, ip: str | None = None) -> str:
    """Sign in through the API and return a new bearer token (only its hash is stored)."""
    user = authenticate_staff(username=username, password=password, now=now, ip=ip, channel="api")
    if password_expired(user, now=now):
        raise DomainError("密码已过期或须在首次登录时修改，请先在网页端修改密码", code="password_change_required")
    raw = secrets.token_urlsafe(32)
    with audited_atomic():
        ApiToken.objects.create(user=user, key_hash=_token_hash(raw), created_at=now,
                                expires_at=now + dt.timedelta(hours=_cfg("API_TOKEN_HOURS")))
        record(action=AuditAction.TOKEN_ISSUED, summary=f"签发接口令牌：{user.get_username()}", actor=user,
               now=now, ip=ip)
    return raw


# Bearer token -> user (with roles, and whatever ``warm`` loads) per process, for a few seconds. Every change
# to users, role grants, profiles, units or tokens in this process empties it (signals in apps.py); other
# processes see a revocation, deactivation or expiry within IDENTITY_CACHE_SECONDS (docs/decisions/0010).
_token_cache = TTLCache(IDENTITY_CACHE_SECONDS)


def forget_cached_tokens(**_kwargs) -> None:
    """Drop every cached identity (token lookups, roles, profiles) of this process."""
    clear_all()


def user_for_token(raw: str, *, now: dt.datetime, warm: Callable[[object], object] | None = None):
    """Return the active user owning an unexpired token, or None.

    The lookup, the user's roles and what ``warm(user)`` caches on the user object are reused for
    ``IDENTITY_CACHE_SECONDS`` in this process; each call gets its own copy of the user object.
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
    """Create the role groups and give each exactly its permissions (idempotent; runs after migrate)."""
    perms = {f"{p.content_type.app_label}.{p.codename}": p
             for p in Permission.objects.select_related("content_type")}
    model_perms = [p for key, p in perms.items() if key.split(".")[0] in SYSADMIN_MODEL_APPS]
    for role, role_perms in ROLE_PERMS.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        wanted = [perms[str(p)] for p in role_perms if str(p) in perms]
        if role == Role.SYSADMIN:
            wanted += model_perms
        group.permissions.set(wanted)


def _check_grant(actor, target, role: Role) -> None:
    require(actor, Perm.GRANT_ROLES)
    if actor.pk == target.pk:
        raise Forbidden("不能给自己授予或撤销角色")


def grant_role(*, actor, target, role: Role, now: dt.datetime) -> None:
    """Grant ``role`` to ``target``; the three administrator roles exclude each other."""
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
        transaction.on_commit(forget_cached_tokens)
        record(action=AuditAction.ROLE_GRANT, summary=f"授予{target.get_username()}角色：{role.label}", actor=actor,
               obj=target, now=now, data={"role": role.value})


def revoke_role(*, actor, target, role: Role, now: dt.datetime) -> None:
    """Take ``role`` away from ``target``."""
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
        transaction.on_commit(forget_cached_tokens)
        record(action=AuditAction.ROLE_REVOKE, summary=f"撤销{target.get_username()}角色：{role.label}",
               actor=actor, obj=target, now=now, data={"role": role.value})
