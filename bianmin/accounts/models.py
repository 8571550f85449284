"""Account security state: custom permissions, per-username lockout, per-address limits, API tokens, resets
waiting for a second security administrator (双人复核)."""
from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models

from .roles import PERM_LABELS


class AccessPolicy(models.Model):
    """Holder of the custom permissions (no table)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [(perm.codename, label) for perm, label in PERM_LABELS.items()]


class LoginThrottle(models.Model):
    """Failed sign-ins per username (not per IP: a whole hall shares one NAT address)."""

    username = models.CharField("用户名", max_length=150, unique=True)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    last_failure_at = models.DateTimeField("最近失败时间", null=True, blank=True)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"

    def __str__(self) -> str:
        return self.username


class AddressThrottle(models.Model):
    """Sign-in attempts per client address in the current window (login and token issue).

    An attempt is counted before the password is checked and given back when it succeeds, so parallel requests
    cannot pass the limit; only failures stay counted (a whole hall behind one NAT address signs in normally).
    """

    address = models.GenericIPAddressField("来源地址", unique=True)
    window_started_at = models.DateTimeField("计数起点")
    failures = models.PositiveIntegerField("失败次数", default=0)
    refused_at = models.DateTimeField("开始拒绝时间", null=True, blank=True)

    class Meta:
        verbose_name = "来源地址登录限制"
        verbose_name_plural = "来源地址登录限制"

    def __str__(self) -> str:
        return self.address


class ResetKind(models.TextChoices):
    PASSWORD = "PASSWORD", "重置密码"
    SECOND_FACTOR = "SECOND_FACTOR", "重置第二因素（动态验证码）"


class ResetStatus(models.TextChoices):
    PENDING = "PENDING", "待复核"
    APPROVED = "APPROVED", "已复核并重置"
    REJECTED = "REJECTED", "已驳回"
    EXPIRED = "EXPIRED", "已过期"


class ResetRequest(models.Model):
    """A reset of an administrator-role holder's password or second factor, done only when a second security
    administrator approves it (双人复核)."""

    target = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="被重置账号", on_delete=models.PROTECT,
                               related_name="+")
    kind = models.CharField("类型", max_length=16, choices=ResetKind.choices)
    reason = models.CharField("理由", max_length=200)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField("申请时间")
    status = models.CharField("状态", max_length=16, choices=ResetStatus.choices, default=ResetStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复核人", on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField("复核时间", null=True, blank=True)

    class Meta:
        verbose_name = "重置复核申请"
        verbose_name_plural = "重置复核申请"
        constraints = [
            models.CheckConstraint(condition=~models.Q(requested_by=models.F("target")),
                                   name="reset_request_not_for_oneself"),
            # Approved only by someone else than the requester and the account itself (the requester may
            # withdraw a request: REJECTED by themselves).
            models.CheckConstraint(condition=~models.Q(status="APPROVED")
                                   | (models.Q(decided_by__isnull=False)
                                      & ~models.Q(decided_by=models.F("requested_by"))
                                      & ~models.Q(decided_by=models.F("target"))),
                                   name="reset_approved_by_another_secadmin"),
            models.UniqueConstraint(fields=["target", "kind"], condition=models.Q(status="PENDING"),
                                    name="one_pending_reset_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.target_id}"


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"


class StaffSession(AbstractBaseSession):
    """A database session that names its signed-in user, so that the session's read can carry figures of that user
    in the same statement (the unread count shown on every staff page; ``sessions.ride_with_session``, decision
    0039). ``user_id`` is written from the session's own data on every save; NULL for a session without a user."""

    user_id = models.BigIntegerField(null=True, blank=True, editable=False)

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
