"""Meetings (联席会议, 工作例会, 专题会议): the record, its agenda, decisions as tracked action items."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class MeetingKind(models.TextChoices):
    """联席会议 and 工作例会 recur at the unit kind's cadence and review a period; 专题会议 do not."""

    JOINT = "JOINT", "联席会议"
    REGULAR = "REGULAR", "工作例会"
    SPECIAL = "SPECIAL", "专题会议"


class AgendaKind(models.TextChoices):
    OVERDUE_CASE = "OVERDUE_CASE", "超期办件"
    VIOLATION = "VIOLATION", "过错记录"
    CROSS_DEPARTMENT = "CROSS_DEPT", "跨部门问题"
    COMPLAINT = "COMPLAINT", "投诉"
    BAD_RATING = "BAD_RATING", "差评"
    CASE = "CASE", "相关办件"
    OTHER = "OTHER", "其他议题"


class Meeting(models.Model):
    unit = models.ForeignKey("org.Unit", verbose_name="召集单位", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField("会议类别", max_length=8, choices=MeetingKind.choices, default=MeetingKind.JOINT)
    topic = models.CharField("会议主题", max_length=255, blank=True, help_text="专题会议必填：研究的重大、紧急事项")
    period_start = models.DateField("议题期间自", null=True, blank=True)
    period_end = models.DateField("议题期间至", null=True, blank=True)
    held_on = models.DateField("会议日期")
    place = models.CharField("地点", max_length=128, blank=True)
    chair = models.CharField("主持人", max_length=64)
    attendees = models.TextField("参会人员")
    minutes = models.TextField("会议纪要", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "会议记录"
        verbose_name_plural = "会议记录"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"),
            models.CheckConstraint(condition=~Q(kind=MeetingKind.SPECIAL) | ~Q(topic=""),
                                   name="meeting_special_has_topic",
                                   violation_error_message="专题会议须填写会议主题"),
            models.CheckConstraint(condition=Q(kind=MeetingKind.SPECIAL)
                                   | Q(period_start__isnull=False, period_end__isnull=False),
                                   name="meeting_periodic_has_period",
                                   violation_error_message="联席会议和工作例会须有议题期间"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    kind = models.CharField("类别", max_length=16, choices=AgendaKind.choices)
    title = models.CharField("议题", max_length=255)
    detail = models.TextField("情况", blank=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    violation = models.ForeignKey("accountability.Violation", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "议题"
        verbose_name_plural = "议题"
        ordering = ["position", "id"]


class ActionStatus(models.TextChoices):
    OPEN = "OPEN", "办理中"
    DONE = "DONE", "已完成"


class ActionItem(models.Model):
    """A decision of the meeting: who does what by when, tracked to done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="actions")
    decision = models.TextField("议定事项")
    owner = models.ForeignKey("org.StaffProfile", verbose_name="责任人", on_delete=models.PROTECT,
                              related_name="meeting_actions")
    due_date = models.DateField("完成时限", db_index=True)
    status = models.CharField("状态", max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_note = models.TextField("完成情况", blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    class Meta:
        verbose_name = "议定事项"
        verbose_name_plural = "议定事项"
        ordering = ["due_date", "id"]
