"""Abstract base models shared by domain apps (no business rules)."""
from django.conf import settings
from django.db import models

from .crypto import EncryptedTextField


class TimeStampedModel(models.Model):
    """Record when a row was created and last changed."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class RateCounter(models.Model):
    """The recent hits of one throttle key (a client address, a case from an address), for limits that must hold
    across processes and nodes (``core.ratelimit``): the row is locked while a hit is checked and recorded."""

    key = models.CharField(max_length=200, unique=True)
    hits = models.JSONField(default=list)  # epoch seconds of the hits inside the window, oldest first
    expires_at = models.DateTimeField(db_index=True)  # the last hit leaves the window: the row may go

    class Meta:
        verbose_name = "限流计数"
        verbose_name_plural = "限流计数"

    def __str__(self) -> str:
        return self.key


class IdempotentRequest(models.Model):
    """An ``Idempotency-Key`` an account sent with a POST under /api/v1/, and the answer a retry gets instead of a
    second run (``core.idempotency``, decision 0023). ``status`` is empty while the first request is running; only
    a 2xx answer is kept, its body encrypted like personal data (it may carry names and masked numbers)."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField("幂等键", max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64)  # SHA-256 (hex) of the method, path, query and canonical body
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(db_index=True)  # the key expires 24 hours later (core.idempotency.TTL)

    class Meta:
        verbose_name = "幂等请求"
        verbose_name_plural = "幂等请求"
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="core_idempotency_key_per_account")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class BoundDevice(models.Model):
    """A device bound to a place by a token a supervisor issues with a one-time activation code and can revoke (the
    rating pads, the hall's screens and kiosks; ``core.devicecodes``). Only SHA-256 digests are stored."""

    label = models.CharField("设备名称", max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    activation_hash = models.CharField(max_length=64, blank=True, db_index=True)  # cleared once used
    activation_expires_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("发放时间")
    activated_at = models.DateTimeField("启用时间", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_seen_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        abstract = True
