"""Account security state: custom permissions, per-username lockout, API tokens."""
from django.conf import settings
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
