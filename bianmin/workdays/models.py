"""The calendar's own table: official years and the exceptions to Monday–Friday."""
from django.conf import settings
from django.db import models
from django.db.models import Q


class DayKind(models.TextChoices):
    REST = "REST", "休息日"
    WORK = "WORK", "调休上班"


class DaySource(models.TextChoices):
    OFFICIAL = "OFFICIAL", "国务院通知"
    LOCAL = "LOCAL", "地方规定"
    PROVISIONAL = "PROVISIONAL", "暂定"


class CalendarYear(models.Model):
    """A year whose national schedule has been published (a year without a row is provisional)."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    notice = models.CharField("通知文号", max_length=128, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True)
    finalized_at = models.DateTimeField("录入时间", null=True, blank=True)
    finalized_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "已公布年度"
        verbose_name_plural = "已公布年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """One exception: a rest day on a weekday (or named holiday) or a 调休 workday on a weekend.

    ``region`` empty means national; a region's local days apply to the regions below it too.
    """

    region = models.ForeignKey("org.Region", verbose_name="适用区划", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="calendar_days",
                               help_text="留空表示全国")
    date = models.DateField("日期", db_index=True)
    kind = models.CharField("类型", max_length=4, choices=DayKind.choices)
    name = models.CharField("名称", max_length=64)
    source = models.CharField("来源", max_length=12, choices=DaySource.choices)

    class Meta:
        verbose_name = "日历例外日"
        verbose_name_plural = "日历例外日"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date"], condition=Q(region__isnull=True), name="calday_national_unique"),
            models.UniqueConstraint(fields=["region", "date"], condition=Q(region__isnull=False),
                                    name="calday_region_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}（{self.get_kind_display()}）"


class CalendarRevision(models.Model):
    """A random stamp renewed by every calendar change so each process knows when to rebuild its index."""

    revision = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "日历版本"
