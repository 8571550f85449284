"""The rating pads (窗口评价器, decision 0024): a tablet at a window, bound to it by a device token a supervisor issues
and can revoke, and the clerk's "请评价" that puts one service instance on the window's pad.

Only SHA-256 digests of the one-time activation code and of the device token are stored: the code is shown once to
the supervisor, the token lives only in the tablet's cookie. Nothing on the pad suggests a level (no prompting)."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.devicecodes import clean_code as _clean_code
from bianmin.core.devicecodes import digest as _digest
from bianmin.core.devicecodes import new_code as _new_code
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.core.ratelimit import address_key, hit
from bianmin.org.models import Post, StaffProfile, Window
from bianmin.org.policies import scope_path, staff_profile_of
from bianmin.org.selectors import absent_staff_ids, acting_for

from .models import Channel, Rating, RatingInvite, RatingPad, Subject
from .services import record_rating

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser, User

ACTIVATION_HOURS = 24
INVITE_MINUTES = 10
ACTIVATIONS_PER_MINUTE = 10  # per client address: a guessed code is refused long before it could be found
SEEN_EVERY = dt.timedelta(minutes=1)  # the pad's "last seen" is written at most this often (it polls every few s)


# --- who may -----------------------------------------------------------------------------------------------------


def manageable_windows(user: AnyUser) -> list[Window]:
    """Return the active windows whose pads ``user`` may issue and revoke: a supervisor's, within their scope."""
    path = scope_path(user)
    if path is None or not can(user, Perm.SUPERVISE):
        return []
    return list(Window.objects.filter(unit__path__startswith=path, is_active=True).select_related("unit")
                .order_by("unit__path", "number"))


def _window_for(actor: User, window_id: object) -> Window:
    if not can(actor, Perm.SUPERVISE):
        raise Forbidden("只有监督员可以发放或吊销评价器")
    try:
        wanted = int(str(window_id))
    except ValueError:
        raise DomainError.for_field("window", "请选择窗口") from None
    window = next((w for w in manageable_windows(actor) if w.pk == wanted), None)
    if window is None:
        raise NotFound("窗口不存在", fields={"window": ["窗口不存在或不在您的管辖范围内"]})
    return window


def pads_of(user: AnyUser) -> list[RatingPad]:
    """Return the pads of the windows ``user`` manages, newest first within each window."""
    windows = manageable_windows(user)
    return list(RatingPad.objects.filter(window__in=windows).select_related("window__unit", "issued_by", "revoked_by")
                .order_by("window__unit__path", "window__number", "-issued_at"))


# --- issue, revoke, activate -------------------------------------------------------------------------------------


def issue_pad(*, actor: User, window_id: object, label: str, now: dt.datetime) -> tuple[RatingPad, str]:
    """Issue a pad for a window and return it with its one-time activation code (valid ``ACTIVATION_HOURS``; shown
    once, only its digest is kept).

    Raises Forbidden unless the actor supervises; NotFound naming ``window`` for a window out of their scope;
    DomainError naming ``label`` when it is empty or over 64 characters."""
    window = _window_for(actor, window_id)
    name = (label or "").strip()
    if not name:
        raise DomainError.for_field("label", "请填写设备名称（例如：1号窗口平板）")
    if len(name) > 64:
        raise DomainError.for_field("label", f"设备名称不能超过64个字（现有{len(name)}个字）")
    code = _new_code()
    with audited_atomic():
        pad = RatingPad.objects.create(
            window=window, label=name, token_hash=_digest(secrets.token_urlsafe(32)),  # replaced on activation
            activation_hash=_digest(code), activation_expires_at=now + dt.timedelta(hours=ACTIVATION_HOURS),
            issued_by=actor, issued_at=now)
        record(action=AuditAction.CONFIG_CREATE, summary=f"发放评价器：{window}（{name}）", actor=actor, obj=pad,
               now=now, data={"window": window.pk})
    return pad, code


def revoke_pad(*, actor: User, pad_id: object, now: dt.datetime) -> RatingPad:
    """Revoke a pad: its token and any unused activation code stop working at once.

    Raises Forbidden unless the actor supervises; NotFound for a pad out of their scope; Conflict when it is
    already revoked."""
    if not can(actor, Perm.SUPERVISE):
        raise Forbidden("只有监督员可以发放或吊销评价器")
    try:
        wanted = int(str(pad_id))
    except ValueError:
        raise NotFound("评价器不存在") from None
    with audited_atomic():
        pad = (RatingPad.objects.select_for_update().select_related("window")
               .filter(pk=wanted, window__in=manageable_windows(actor)).first())
        if pad is None:
            raise NotFound("评价器不存在")
        if pad.revoked_at is not None:
            raise Conflict("该评价器已吊销", code="already_revoked")
        pad.revoked_at, pad.revoked_by, pad.activation_hash = now, actor, ""
        pad.save(update_fields=["revoked_at", "revoked_by", "activation_hash"])
        record(action=AuditAction.CONFIG_UPDATE, summary=f"吊销评价器：{pad.window}（{pad.label}）", actor=actor,
               obj=pad, now=now)
    return pad


def activate_pad(*, code: str, ip: str | None, now: dt.datetime) -> tuple[RatingPad, str]:
    """Activate the pad whose one-time code is ``code`` and return it with its new device token (the code is void
    afterwards).

    Raises NotFound naming ``code`` for a wrong, used, expired or revoked code alike; TooManyRequests after
    ``ACTIVATIONS_PER_MINUTE`` tries a minute from one address."""
    from bianmin.cases.lookup import TooManyRequests

    if not hit(f"pad-activate:{address_key(ip)}", limit=ACTIVATIONS_PER_MINUTE, window=dt.timedelta(minutes=1),
               now=now):
        raise TooManyRequests("尝试过于频繁，请一分钟后再试", retry_after=60)
    given = _clean_code(code)
    refused = NotFound("激活码不正确或已失效", fields={"code": ["激活码不正确、已使用或已过期，请向监督员重新申领"]})
    if not given:
        raise refused
    token = secrets.token_urlsafe(32)
    with audited_atomic():
        pad = (RatingPad.objects.select_for_update().select_related("window")
               .filter(activation_hash=_digest(given), revoked_at__isnull=True,
                       activation_expires_at__gt=now).first())
        if pad is None:
            raise refused
        pad.token_hash, pad.activation_hash, pad.activated_at, pad.last_seen_at = _digest(token), "", now, now
        pad.save(update_fields=["token_hash", "activation_hash", "activated_at", "last_seen_at"])
        record(action=AuditAction.CONFIG_UPDATE, summary=f"启用评价器：{pad.window}（{pad.label}）",
               actor_username="pad", obj=pad, now=now, ip=ip)
    return pad, token


def pad_for_token(token: str | None, *, now: dt.datetime) -> RatingPad | None:
    """Return the active pad whose device token is ``token``, or None (unknown, not yet activated or revoked)."""
    if not token or len(token) > 128:
        return None
    pad = (RatingPad.objects.select_related("window__unit")
           .filter(token_hash=_digest(token), activated_at__isnull=False, revoked_at__isnull=True).first())
    if pad is not None and (pad.last_seen_at is None or now - pad.last_seen_at >= SEEN_EVERY):
        RatingPad.objects.filter(pk=pad.pk).update(last_seen_at=now)
    return pad


# --- who is on duty ------------------------------------------------------------------------------------------------


def on_duty(window: Window, on_date: dt.date) -> list[StaffProfile]:
    """Return who serves at ``window`` on ``on_date``: for each post the A, or the B when A is away (absences), in
    post order, each person once."""
    posts = list(Post.objects.filter(window=window).select_related("a_staff", "b_staff").order_by("pk"))
    away = absent_staff_ids({i for p in posts for i in (p.a_staff_id, p.b_staff_id) if i}, on_date)
    staff: list[StaffProfile] = []
    for post in posts:
        acting = acting_for(post, on_date, away=away).staff
        if acting is not None and acting.is_active and acting not in staff:
            staff.append(acting)
    return staff


def clerk_window(profile: StaffProfile, on_date: dt.date) -> Window | None:
    """Return the window where ``profile`` serves on ``on_date``: a post's window where they act today (A, or B
    standing in), else the first window where they hold a post."""
    posts = list(Post.objects.filter(window__is_active=True).filter(a_staff=profile)
                 .select_related("window", "a_staff", "b_staff").order_by("pk"))
    posts += list(Post.objects.filter(window__is_active=True).filter(b_staff=profile)
                  .select_related("window", "a_staff", "b_staff").order_by("pk"))
    for post in posts:
        if acting_for(post, on_date).staff == profile:
            return post.window
    return posts[0].window if posts else None


@dataclass(frozen=True)
class ServiceRef:
    """The service instance a clerk asks to be rated, and who is asked."""

    subject: str
    instance: Any
    number: str


def _instance(actor: AnyUser, subject: str, number: str, *, for_update: bool = False) -> ServiceRef:
    if subject == Subject.CASE:
        from bianmin.cases.policies import get_case_for

        return ServiceRef(subject, get_case_for(actor, number, for_update=for_update), number)
    if subject == Subject.INQUIRY:
        from bianmin.inquiries.policies import get_inquiry_for

        return ServiceRef(subject, get_inquiry_for(actor, number, for_update=for_update), number)
    raise DomainError.for_field("subject", "请评价只适用于办件和首问咨询")


def already_rated(subject: str, instance: Any) -> bool:
    return Rating.objects.filter(**{subject.lower(): instance}, parent__isnull=True).exists()


def invite_refusal(actor: AnyUser, subject: str, instance: Any, *, today: dt.date) -> str | None:
    """Return why ``actor`` may not press "请评价" for ``instance`` now, or None: the service must have ended, not be
    rated yet, and the actor must serve at a window that has an active pad."""
    from .policies import case_rating_refusal, inquiry_rating_refusal

    if not (can(actor, Perm.HANDLE_CASES) or can(actor, Perm.HANDLE_INQUIRIES)):
        return "只有窗口工作人员可以请群众评价"
    why = case_rating_refusal(instance) if subject == Subject.CASE else inquiry_rating_refusal(instance)
    if why is not None:
        return why
    if already_rated(subject, instance):
        return "该次服务已经评价过（一次一评）"
    profile = staff_profile_of(actor)
    if profile is None or not _served(profile, subject, instance):
        return "只能请群众评价本人办理的服务"
    if not _ended_on(instance, today):
        return "只能在服务当天请群众评价（此后请群众扫码或通过短信评价）"
    window = clerk_window(profile, today) if profile is not None else None
    if window is None:
        return "您没有窗口岗位，不能使用窗口评价器"
    if not RatingPad.objects.filter(window=window, activated_at__isnull=False, revoked_at__isnull=True).exists():
        return f"{window}没有启用的评价器"
    return None


def _served(profile: Any, subject: str, instance: Any) -> bool:
    """Whether ``profile`` served ``instance``: the case's first handler, receiver or the clerk who delivered it; the
    inquiry's first responder. A pad rating rates who served, so nobody can take a colleague's rating."""
    if subject == Subject.INQUIRY:
        return bool(instance.first_responder_id == profile.pk)
    if profile.pk in (instance.first_handler_id, instance.received_by_id):
        return True
    return bool(instance.events.filter(action="DELIVER", actor_id=profile.user_id).exists())


def _ended_on(instance: Any, day: dt.date) -> bool:
    """Whether the service ``instance`` ended on ``day`` (a running one has no end)."""
    closed = getattr(instance, "closed_at", None)
    return closed is not None and timezone.localtime(closed).date() == day


def may_invite(actor: AnyUser, subject: str, instance: Any, *, today: dt.date) -> bool:
    """Whether ``invite_refusal`` allows the button. Every one of its conditions must hold, so the one that needs
    no query (ended today) is asked first: most pages show a service still running or ended another day."""
    return _ended_on(instance, today) and invite_refusal(actor, subject, instance, today=today) is None


def invite_rating(*, actor: User, subject: str, number: str, now: dt.datetime) -> RatingInvite:
    """Put the service instance ``number`` (a case or an inquiry) on the pad of the actor's window for
    ``INVITE_MINUTES`` ("请评价"); an earlier invite still waiting at that window is withdrawn.

    Raises NotFound for an instance out of the actor's sight; Conflict with the refusal of ``invite_refusal``
    (not ended, already rated, no window, no pad); Forbidden for a user who does not serve at a window."""
    today = timezone.localtime(now).date()
    with audited_atomic():
        ref = _instance(actor, subject, number, for_update=True)
        why = invite_refusal(actor, subject, ref.instance, today=today)
        if why is not None:
            raise (Forbidden if "只有" in why else Conflict)(why, code="not_invitable")
        profile = staff_profile_of(actor)
        assert profile is not None
        window = clerk_window(profile, today)
        assert window is not None
        RatingInvite.objects.filter(window=window, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        invite = RatingInvite.objects.create(
            window=window, staff=profile, subject=subject, **{subject.lower(): ref.instance}, created_at=now,
            expires_at=now + dt.timedelta(minutes=INVITE_MINUTES))
        record(action=AuditAction.CASE_CHANGE, summary=f"{Subject(subject).label}{number}：请群众评价（{window}）",
               actor=actor, obj=invite, now=now, data={"subject": subject, "number": number, "window": window.pk})
    return invite


def current_invite(pad: RatingPad, *, now: dt.datetime) -> RatingInvite | None:
    """Return the invite the pad shows now: its window's latest one neither used nor expired."""
    return (RatingInvite.objects.filter(window=pad.window, used_at__isnull=True, expires_at__gt=now)
            .select_related("staff", "case__item_version", "inquiry", "relay__item_version")
            .order_by("-created_at", "-id").first())


def _evaluator(invite: RatingInvite) -> tuple[str, str]:
    """Return the real-name evaluator (name, phone) of the invited instance: the applicant of a case or relay, the
    visitor of an inquiry as recorded (maybe nobody)."""
    if invite.case is not None:
        return invite.case.applicant_name, invite.case.applicant_phone or ""
    if invite.relay is not None:
        return invite.relay.applicant_name, invite.relay.applicant_phone or ""
    assert invite.inquiry is not None
    return invite.inquiry.visitor_name or "", invite.inquiry.phone or ""


def rate_on_pad(*, pad: RatingPad, invite_id: object, level: object, comment: str, now: dt.datetime) -> Rating:
    """Record the citizen's tap on the pad: the invited instance rated through ``record_rating`` (channel PAD,
    the clerk who invited, the pad's window, the applicant as the real-name evaluator); the invite is used.

    Raises DomainError naming ``level`` or ``comment``; NotFound for an invite of another window; Conflict
    ``invite_expired`` for an invite past its time; Conflict ``already_rated`` for a second rating."""
    try:
        wanted = int(str(invite_id))
    except ValueError:
        raise NotFound("评价邀请不存在") from None
    invite = (RatingInvite.objects.select_related("staff", "window", "case", "inquiry", "relay")
              .filter(pk=wanted, window=pad.window).first())
    if invite is None:
        raise NotFound("评价邀请不存在")
    if invite.used_at is None and invite.expires_at <= now:
        raise Conflict("评价邀请已过期，请工作人员重新点击“请评价”", code="invite_expired")
    instance = invite.case or invite.inquiry or invite.relay
    name, phone = _evaluator(invite)
    try:
        with transaction.atomic():  # the rating and its invite's use commit together
            rating = record_rating(subject=invite.subject, instance=instance, level=level, comment=comment,
                                   channel=Channel.PAD, now=now, staff=invite.staff, window=pad.window,
                                   evaluator_name=name, evaluator_phone=phone)
            RatingInvite.objects.filter(pk=invite.pk, used_at__isnull=True).update(used_at=now)
    except Conflict as exc:
        if exc.code == "already_rated":  # the pad moves on: this invite is done
            RatingInvite.objects.filter(pk=invite.pk, used_at__isnull=True).update(used_at=now)
        raise
    return rating
