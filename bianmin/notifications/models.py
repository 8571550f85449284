"""The outbox: every message is a row written in the same transaction as its cause, sent later by a worker.

Staff warnings are first gathered as digest items and turned into one message per recipient in working hours.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from bianmin.core.crypto import EncryptedTextField, MaskedField


class Channel(models.TextChoices):
    SMS = "SMS", "短信"
    INAPP = "INAPP", "站内消息"


class MessageStatus(models.TextChoices):
    PENDING = "PENDING", "待发送"
    SENT = "SENT", "已发送"
    FAILED = "FAILED", "发送失败（已停止重试）"


class Message(models.Model):
    """One message to one recipient: an applicant's phone (SMS) or a staff account (in-app)."""

    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    kind = models.CharField("类型", max_length=32)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="messages")
    phone = EncryptedTextField("手机号码", blank=True)  # personal data at rest (decision 0018)
    phone_masked = MaskedField("手机号码（脱敏）", source="phone", mask="phone")
    subject = models.CharField("标题", max_length=128, blank=True)
    body = models.TextField("内容")
    link = models.CharField("链接", max_length=255, blank=True)
    # What caused it, for tracing (e.g. "case:YX01202611260001").
    cause = models.CharField("起因", max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField("生成时间")
    status = models.CharField("状态", max_length=8, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间")
    last_error = models.CharField("最近错误", max_length=255, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MessageStatus.values), name="message_status_valid"),
            models.CheckConstraint(condition=Q(channel="SMS", phone__gt="") | Q(channel="INAPP",
                                                                                recipient__isnull=False),
                                   name="message_has_recipient"),
        ]
        indexes = [
            # The worker reads only what is due.
            models.Index(fields=["next_attempt_at"], name="message_due_idx", condition=Q(status="PENDING")),
            models.Index(fields=["recipient", "channel", "created_at"], name="message_inbox_idx"),
            # The unread badge on every staff page (read with the session, decision 0039): only the unread messages,
            # so the count does not grow with the inbox's history.
            models.Index(fields=["recipient"], name="message_unread_idx",
                         condition=Q(channel="INAPP", status="SENT", read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.subject or self.kind}"


class DigestItem(models.Model):
    """A line waiting for the recipient's next digest (sent only in working hours, one message per recipient)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=32)
    text = models.CharField("内容", max_length=255)
    link = models.CharField("链接", max_length=255, blank=True)
    created_at = models.DateTimeField("生成时间")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")

    class Meta:
        verbose_name = "待汇总提醒"
        verbose_name_plural = "待汇总提醒"
        indexes = [models.Index(fields=["recipient"], name="digest_pending_idx", condition=Q(message__isnull=True))]
