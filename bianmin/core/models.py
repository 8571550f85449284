"""Abstract base models shared by domain apps (no business rules)."""
from django.db import models


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
