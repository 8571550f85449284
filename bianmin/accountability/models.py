"""过错责任追究: violation records (from the sweep or supervisors), sanctions from the ladder, statements,
commendations. Formal 政务处分 are decided elsewhere; only a reference is kept."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ViolationKind(models.TextChoices):
    OVERDUE_CASE = "OVERDUE_CASE", "办件超期"
    LATE_INQUIRY_REPLY = "LATE_INQUIRY_REPLY", "首问答复超期"
    LATE_SUPPLEMENT_NOTICE = "LATE_SUPPLEMENT", "逾期未一次性告知（视为受理）"
    UNJUSTIFIED_SUPPLEMENT = "UNJUST_SUPPLEMENT", "无正当理由再次要求补正"
    BUCK_PASSING = "BUCK_PASSING", "推诿扯皮"
    ATTITUDE = "ATTITUDE", "服务态度生硬"
    IMPROPER_FEE = "IMPROPER_FEE", "违规收费"
    CONFIRMED_COMPLAINT = "COMPLAINT", "投诉查实"
    BAD_RATING = "BAD_RATING", "差评查实"
    UNAPPROVED = "UNAPPROVED", "未经批准擅自办理"
    NOT_HANDED_OVER = "NOT_HANDED_OVER", "未及时将事项移交承办人（受理后未按时开始办理）"
    RESULT_NOT_TOLD = "RESULT_NOT_TOLD", "未及时回复办理结果"
    DEFERRED_OVERDUE = "DEFERRED_OVERDUE", "补办材料逾期未督促补齐"
    LATE_ACCEPTANCE = "LATE_ACCEPTANCE", "超过收件审查期限才受理"
    RELAY_HOP_LATE = "RELAY_HOP_LATE", "代办交接超时"
    RATING_FOLLOW_UP_LATE = "RATING_FOLLOWUP_LATE", "差评回访或整改超时"
    COMPLAINT_REPLY_LATE = "COMPLAINT_LATE", "投诉答复超时"
    COMPLETION_APPOINTMENT_LATE = "COMPLETION_LATE", "预约办结逾期"
    COORDINATION_LATE = "COORDINATION_LATE", "科室协调答复超时"
    OTHER = "OTHER", "其他"


# Detected by the sweep; supervisors record the others.
SYSTEM_KINDS = frozenset({ViolationKind.OVERDUE_CASE, ViolationKind.LATE_INQUIRY_REPLY,
                          ViolationKind.LATE_SUPPLEMENT_NOTICE, ViolationKind.UNJUSTIFIED_SUPPLEMENT,
                          ViolationKind.NOT_HANDED_OVER, ViolationKind.RESULT_NOT_TOLD,
                          ViolationKind.DEFERRED_OVERDUE, ViolationKind.LATE_ACCEPTANCE,
                          ViolationKind.RELAY_HOP_LATE, ViolationKind.RATING_FOLLOW_UP_LATE,
                          ViolationKind.COMPLAINT_REPLY_LATE, ViolationKind.COMPLETION_APPOINTMENT_LATE,
                          ViolationKind.COORDINATION_LATE})


class Severity(models.TextChoices):
    """情节 (seed Art. 9): each tier allows only its own sanctions (``BIANMIN["SANCTION_LADDER"]``)."""

    MINOR = "MINOR", "情节较轻"
    SERIOUS = "SERIOUS", "情节严重"
    VERY_SERIOUS = "VERY_SERIOUS", "情节特别严重"


class ViolationStatus(models.TextChoices):
    OPEN = "OPEN", "待处理"
    DISMISSED = "DISMISSED", "已撤销"
    PROPOSED = "PROPOSED", "拟处理（待领导审批）"
    SANCTIONED = "SANCTIONED", "已处理"


class Source(models.TextChoices):
    SYSTEM = "SYSTEM", "系统巡检"
    SUPERVISOR = "SUPERVISOR", "监督员登记"


class Violation(models.Model):
    kind = models.CharField("过错类型", max_length=20, choices=ViolationKind.choices)
    staff = models.ForeignKey("org.StaffProfile", verbose_name="责任人", on_delete=models.PROTECT,
                              related_name="violations")
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    occurred_on = models.DateField("发生日期", db_index=True)
    description = models.TextField("情况说明")
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    case = models.ForeignKey("cases.Case", verbose_name="相关办件", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="violations")
    inquiry = models.ForeignKey("inquiries.Inquiry", verbose_name="相关首问登记", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="violations")
    evidence = models.JSONField("证据", default=list, blank=True)  # [{"label": ..., "url": ...}]
    # One record per detected fact, even when two sweeps run at once (e.g. "OVERDUE_CASE:case:42").
    dedupe_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField("登记时间")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    status = models.CharField("状态", max_length=10, choices=ViolationStatus.choices, default=ViolationStatus.OPEN)
    resolution_note = models.TextField("撤销理由", blank=True)
    # Blank until a sanction is proposed (and on records proposed before severities were kept).
    severity = models.CharField("情节", max_length=16, choices=Severity.choices, blank=True, default="")
    sanction = models.CharField("拟处理方式", max_length=16, blank=True)
    sanction_reason = models.TextField("处理意见", blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=255, blank=True)
    external_reference = models.CharField("政务处分文号（外部）", max_length=128, blank=True)

    class Meta:
        verbose_name = "过错记录"
        verbose_name_plural = "过错记录"
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ViolationStatus.values), name="violation_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=ViolationKind.values), name="violation_kind_valid"),
            models.CheckConstraint(condition=Q(severity__in=["", *Severity.values]), name="violation_severity_valid"),
        ]
        indexes = [models.Index(fields=["staff", "occurred_on"]), models.Index(fields=["status", "unit_path"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.staff_id} {self.occurred_on}"


class Statement(models.Model):
    """申辩: the staff member's own account, kept with the record."""

    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="statements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("申辩内容")
    at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "申辩"
        verbose_name_plural = "申辩"
        ordering = ["at", "id"]


class Commendation(models.Model):
    """表扬."""

    staff = models.ForeignKey("org.StaffProfile", verbose_name="受表扬人", on_delete=models.PROTECT,
                              related_name="commendations")
    unit_path = models.CharField(max_length=255, db_index=True)
    on_date = models.DateField("日期")
    reason = models.TextField("事由")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "表扬"
        verbose_name_plural = "表扬"
        ordering = ["-on_date", "-id"]
