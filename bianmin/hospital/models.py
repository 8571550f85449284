"""The hospital's desk (decision 0026): patient records with health fields sealed at rest, coordination requests to
the hospital's 科室 with a reply time, and 便民活动 events published on the desk's board.

The desk's cases, inquiries, ratings and complaints are the engine's own; this app holds only what a government
center does not have."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from bianmin.core.crypto import EncryptedTextField


class Relation(models.TextChoices):
    SELF = "SELF", "本人"
    SPOUSE = "SPOUSE", "配偶"
    CHILD = "CHILD", "子女"
    PARENT = "PARENT", "父母"
    OTHER = "OTHER", "其他家属"


class PatientRecord(models.Model):
    """The patient behind a case at a hospital desk (the applicant may be a family member).

    Diagnosis and ward are sensitive personal information (个人信息保护法 Art. 28): encrypted at rest, read only by
    the desk's staff and the 科室 handling a request about the case, each read audited (``hospital.services``)."""

    case = models.OneToOneField("cases.Case", verbose_name="办件", on_delete=models.PROTECT, related_name="patient")
    unit = models.ForeignKey("org.Unit", verbose_name="医院便民服务中心", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    patient_name = models.CharField("患者姓名", max_length=64)
    relation = models.CharField("申请人与患者关系", max_length=8, choices=Relation.choices, default=Relation.SELF)
    diagnosis = EncryptedTextField("诊断", blank=True)
    ward = EncryptedTextField("病区/床号", blank=True)
    updated_at = models.DateTimeField("更新时间")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "患者信息"
        verbose_name_plural = "患者信息"

    def __str__(self) -> str:
        return self.patient_name


class Topic(models.TextChoices):
    TRANSFER = "TRANSFER", "转院"
    CONSULTATION = "CONSULT", "会诊"
    BED = "BED", "床位"
    BILLING = "BILLING", "费用"
    INSURANCE = "INSURANCE", "医保/医疗救助"
    OTHER = "OTHER", "其他"


class RequestStatus(models.TextChoices):
    OPEN = "OPEN", "待科室答复"
    ANSWERED = "ANSWERED", "科室已答复"
    REFUSED = "REFUSED", "科室不能办理"
    TOLD = "TOLD", "已告知患者/家属"
    WITHDRAWN = "WITHDRAWN", "已撤回"


# A reply may still come while the request is open; after these the request is closed to the 科室.
REPLIED = (RequestStatus.ANSWERED, RequestStatus.REFUSED)
CLOSED = (RequestStatus.TOLD, RequestStatus.WITHDRAWN)


class ReplyWarning(models.TextChoices):
    NONE = "", ""
    YELLOW = "YELLOW", "即将到期"
    RED = "RED", "已超时"


class CoordinationRequest(models.Model):
    """One request from the desk to one 科室 of the same hospital about a case: reply within ``reply_hours``."""

    number = models.CharField("协调单号", max_length=40, unique=True)
    case = models.ForeignKey("cases.Case", verbose_name="办件", on_delete=models.PROTECT,
                             related_name="coordination_requests")
    desk = models.ForeignKey("org.Unit", verbose_name="发起的便民服务中心", on_delete=models.PROTECT,
                             related_name="coordination_sent")
    desk_path = models.CharField(max_length=255, db_index=True)
    department = models.ForeignKey("org.Unit", verbose_name="科室", on_delete=models.PROTECT,
                                   related_name="coordination_received")
    topic = models.CharField("协调事项", max_length=10, choices=Topic.choices)
    # What is asked, answered and told is clinical: sealed at rest like the diagnosis (decision 0026 §6).
    question = EncryptedTextField("协调内容")
    reply_hours = models.PositiveSmallIntegerField("答复时限（小时）")
    status = models.CharField("状态", max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    sent_at = models.DateTimeField("发出时间", db_index=True)
    sent_by = models.ForeignKey("org.StaffProfile", verbose_name="发起人", on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField("答复期限")
    escalations = models.PositiveSmallIntegerField("上报次数", default=0)
    # How the 科室 replied (kept after the desk has told the family): answered, or could not do it.
    outcome = models.CharField("答复结果", max_length=10, blank=True, default="",
                               choices=[("", "—"), ("ANSWERED", "已答复"), ("REFUSED", "不能办理")])
    answer = EncryptedTextField("科室答复", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey("org.StaffProfile", verbose_name="答复人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    told_at = models.DateTimeField("告知时间", null=True, blank=True)
    told_by = models.ForeignKey("org.StaffProfile", verbose_name="告知人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    told_note = EncryptedTextField("告知情况", blank=True)
    closed_reason = models.CharField("撤回原因", max_length=255, blank=True)
    # Written by the sweep and by a late answer: the warning sent to the current 科室 (RED: its lateness is on record;
    # a raise to another 科室 starts it again), and whether the request was ever late on its way.
    warning_level = models.CharField("已发出的提醒", max_length=8, blank=True, default=ReplyWarning.NONE,
                                     choices=ReplyWarning.choices)
    late = models.BooleanField("超时答复", default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "科室协调"
        verbose_name_plural = "科室协调"
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="coordination_status_valid"),
            models.CheckConstraint(condition=Q(due_at__gt=F("sent_at")), name="coordination_due_after_sent"),
            models.CheckConstraint(condition=Q(reply_hours__gte=1), name="coordination_reply_hours_positive"),
        ]
        indexes = [
            # The sweep: open requests by due time (partial: answered and closed ones are most rows).
            models.Index(fields=["due_at"], name="coordination_open_due_idx", condition=Q(status="OPEN")),
            # A 科室's inbox and the desk's list.
            models.Index(fields=["department", "status", "due_at"], name="coordination_dept_idx"),
            models.Index(fields=["case", "sent_at"], name="coordination_case_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class RequestStepKind(models.TextChoices):
    SENT = "SENT", "发出"
    ANSWERED = "ANSWERED", "答复"
    ESCALATED = "ESCALATED", "上报/转其他科室"
    REFUSED = "REFUSED", "不能办理"
    TOLD = "TOLD", "告知患者/家属"
    WITHDRAWN = "WITHDRAWN", "撤回"
    LATE = "LATE", "超时记录"


class RequestStep(models.Model):
    """The request's history, one row per step (who, when, to which 科室, what was said)."""

    request = models.ForeignKey(CoordinationRequest, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("步骤", max_length=10, choices=RequestStepKind.choices)
    at = models.DateTimeField("时间")
    by = models.ForeignKey("org.StaffProfile", verbose_name="经办人", null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    department = models.ForeignKey("org.Unit", verbose_name="科室", on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField("说明", blank=True)

    class Meta:
        verbose_name = "协调记录"
        verbose_name_plural = "协调记录"
        ordering = ["at", "id"]


class EventKind(models.TextChoices):
    FREE_CLINIC = "FREE_CLINIC", "义诊"
    HEALTH_TALK = "HEALTH_TALK", "健康讲座"
    SCREENING = "SCREENING", "健康筛查"
    VOLUNTEER = "VOLUNTEER", "志愿服务"
    OTHER = "OTHER", "其他便民活动"


class EventStatus(models.TextChoices):
    PLANNED = "PLANNED", "计划中"
    PUBLISHED = "PUBLISHED", "已发布"
    HELD = "HELD", "已举办"
    CANCELLED = "CANCELLED", "已取消"


class CareEvent(models.Model):
    """A 便民活动 (free clinic, health talk): planned, published on the desk's board, held with attendance counted."""

    unit = models.ForeignKey("org.Unit", verbose_name="主办的便民服务中心", on_delete=models.PROTECT,
                             related_name="care_events")
    unit_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField("活动类型", max_length=12, choices=EventKind.choices)
    title = models.CharField("活动名称", max_length=128)
    description = models.TextField("活动内容", blank=True)
    place = models.CharField("地点", max_length=128)
    departments = models.ManyToManyField("org.Unit", verbose_name="参与科室", blank=True, related_name="+")
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    capacity = models.PositiveIntegerField("计划人数", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=EventStatus.choices, default=EventStatus.PLANNED)
    attendance = models.PositiveIntegerField("参加人数", null=True, blank=True)
    summary = models.TextField("活动小结", blank=True)
    cancel_reason = models.CharField("取消原因", max_length=255, blank=True)
    created_at = models.DateTimeField("登记时间")
    created_by = models.ForeignKey("org.StaffProfile", verbose_name="登记人", on_delete=models.PROTECT,
                                   related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "便民活动"
        verbose_name_plural = "便民活动"
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="careevent_ends_after_start"),
            models.CheckConstraint(condition=Q(status__in=EventStatus.values), name="careevent_status_valid"),
            models.CheckConstraint(condition=~Q(status="HELD") | Q(attendance__isnull=False),
                                   name="careevent_held_has_attendance"),
        ]
        indexes = [models.Index(fields=["unit", "status", "starts_at"], name="careevent_board_idx")]

    def __str__(self) -> str:
        return self.title


class RequestCounter(models.Model):
    """Per desk and day, the last coordination request number issued (``core.counters``)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="hospital_requestcounter_unique")]
