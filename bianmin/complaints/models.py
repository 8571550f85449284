"""监督投诉 (DOMAIN.md §2.9, GB/T 36113): a complaint about a member of staff, a window, a case or a unit, taken at the
监督投诉台, by phone or online, and followed through 受理 → 调查 → 处置 → 反馈 → 归档 (or 转办 to the competent unit)
in its 登记簿 (``ComplaintStep``).

The complainant's identity (name, phone) is personal data: encrypted at rest, visible to supervisors only through an
audited action, never to the staff complained about (decision 0024)."""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from bianmin.core.crypto import EncryptedTextField, MaskedField


class ComplaintChannel(models.TextChoices):
    DESK = "DESK", "现场投诉"
    PHONE = "PHONE", "电话投诉"
    ONLINE = "ONLINE", "网上投诉"


class ComplaintKind(models.TextChoices):
    ATTITUDE = "ATTITUDE", "服务态度"
    DELAY = "DELAY", "办事拖延"
    BUCK_PASSING = "BUCK_PASSING", "推诿扯皮"
    INTEGRITY = "INTEGRITY", "廉政问题"
    IMPROPER_FEE = "IMPROPER_FEE", "乱收费"
    OTHER = "OTHER", "其他"


class SubjectType(models.TextChoices):
    STAFF = "STAFF", "工作人员"
    WINDOW = "WINDOW", "窗口"
    CASE = "CASE", "办件"
    UNIT = "UNIT", "单位"


class ComplaintStatus(models.TextChoices):
    RECEIVED = "RECEIVED", "已受理"
    INVESTIGATING = "INVESTIGATING", "调查中"
    HANDLED = "HANDLED", "已处置"
    REPLIED = "REPLIED", "已反馈"
    ARCHIVED = "ARCHIVED", "已归档"
    TRANSFERRED = "TRANSFERRED", "已转办"


# Still being dealt with: a transferred complaint is received anew by the competent unit.
OPEN_STATUSES = (ComplaintStatus.RECEIVED, ComplaintStatus.TRANSFERRED, ComplaintStatus.INVESTIGATING,
                 ComplaintStatus.HANDLED)


class ReplyWarning(models.TextChoices):
    """What the sweep has announced for an unanswered complaint (once per level)."""

    NONE = "", "无"
    YELLOW = "YELLOW", "黄色预警"
    RED = "RED", "答复超时（已记录）"
    LATE = "LATE", "逾期答复（待记录）"


class ComplaintStepKind(models.TextChoices):
    RECEIVE = "RECEIVE", "受理"
    INVESTIGATE = "INVESTIGATE", "调查"
    HANDLE = "HANDLE", "处置"
    TRANSFER = "TRANSFER", "转办"
    REPLY = "REPLY", "反馈"
    CONFIRM = "CONFIRM", "查实"
    ARCHIVE = "ARCHIVE", "归档"
    NOTE = "NOTE", "记事"


class ComplaintCounter(models.Model):
    """Per handling unit and year, the last complaint number issued."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="complaintcounter_unique")]


class Complaint(models.Model):
    """One complaint, its subject, its handling unit (``unit``; changes on 转办) and where it stands."""

    number = models.CharField("投诉编号", max_length=40, unique=True)
    query_code = models.CharField("查询码", max_length=16)
    channel = models.CharField("投诉渠道", max_length=8, choices=ComplaintChannel.choices)
    kind = models.CharField("投诉类别", max_length=16, choices=ComplaintKind.choices)
    subject_type = models.CharField("投诉对象类型", max_length=8, choices=SubjectType.choices)
    staff = models.ForeignKey("org.StaffProfile", verbose_name="被投诉人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="complaints_about")
    window = models.ForeignKey("org.Window", verbose_name="被投诉窗口", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="complaints_about")
    case = models.ForeignKey("cases.Case", verbose_name="相关办件", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="complaints")
    subject_unit = models.ForeignKey("org.Unit", verbose_name="被投诉单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="complaints_about")
    subject_text = models.CharField("投诉对象（投诉人所述）", max_length=128, blank=True)
    # The 科室 a complaint about a hospital desk concerns (decision 0026): one of that desk's 科室, checked by the
    # services (``org.selectors.hospital_department``); empty everywhere else.
    department = models.ForeignKey("org.Unit", verbose_name="涉及科室", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    unit = models.ForeignKey("org.Unit", verbose_name="承办单位", on_delete=models.PROTECT,
                             related_name="complaints_handled")
    unit_path = models.CharField("承办单位路径", max_length=255, db_index=True)

    matter = models.TextField("投诉事项")
    nature = models.CharField("性质", max_length=128, blank=True)
    investigation = models.TextField("调查情况", blank=True)
    handling_opinion = models.TextField("处理意见", blank=True)

    anonymous = models.BooleanField("匿名投诉", default=False)
    complainant_name = EncryptedTextField("投诉人", blank=True)
    complainant_phone = EncryptedTextField("投诉人电话", blank=True)
    complainant_phone_masked = MaskedField("投诉人电话（脱敏）", source="complainant_phone", mask="phone")
    written = models.BooleanField("书面投诉", default=False)
    simple = models.BooleanField("简单投诉", default=False)

    status = models.CharField("状态", max_length=16, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.RECEIVED)
    received_at = models.DateTimeField("受理时间", db_index=True)
    received_by = models.ForeignKey("org.StaffProfile", verbose_name="受理人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="complaints_received")
    reply_due_on = models.DateField("答复期限", db_index=True)
    warning_level = models.CharField("已发出的预警", max_length=8, blank=True, default=ReplyWarning.NONE,
                                     choices=ReplyWarning.choices)
    handler = models.ForeignKey("org.StaffProfile", verbose_name="承办人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="complaints_handling")
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_by = models.ForeignKey("org.StaffProfile", verbose_name="答复人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    reply = models.TextField("答复内容", blank=True)
    late_reason = models.TextField("逾期答复原因", blank=True)
    transferred_to = models.ForeignKey("org.Unit", verbose_name="转办单位", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="complaints_transferred_in")
    transferred_from = models.ForeignKey("org.Unit", verbose_name="转出单位", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="complaints_transferred_out")
    transfer_note = models.TextField("转办说明", blank=True)
    confirmed_at = models.DateTimeField("查实时间", null=True, blank=True)
    confirmed_by = models.ForeignKey("org.StaffProfile", verbose_name="查实人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    violation = models.ForeignKey("accountability.Violation", verbose_name="问责记录", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="complaints")
    closed_at = models.DateTimeField("归档时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "投诉"
        verbose_name_plural = "投诉"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ComplaintStatus.values), name="complaint_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=ComplaintChannel.values),
                                   name="complaint_channel_valid"),
            models.CheckConstraint(condition=Q(kind__in=ComplaintKind.values), name="complaint_kind_valid"),
            models.CheckConstraint(condition=Q(subject_type__in=SubjectType.values),
                                   name="complaint_subject_type_valid"),
            models.CheckConstraint(condition=Q(warning_level__in=ReplyWarning.values),
                                   name="complaint_warning_valid"),
            # An anonymous complaint keeps no identity.
            models.CheckConstraint(condition=Q(anonymous=False) | Q(complainant_name="", complainant_phone=""),
                                   name="complaint_anonymous_no_identity"),
            # A violation only once the complaint is confirmed.
            models.CheckConstraint(condition=Q(violation__isnull=True) | Q(confirmed_at__isnull=False),
                                   name="complaint_violation_confirmed"),
        ]
        indexes = [
            models.Index(fields=["reply_due_on"], name="complaint_sweep_idx",
                         condition=Q(replied_at__isnull=True, anonymous=False,
                                   status__in=["RECEIVED", "TRANSFERRED", "INVESTIGATING", "HANDLED"])),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES


class ComplaintStep(models.Model):
    """One line of the 登记簿: what was done, when, by whom, in words."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("环节", max_length=12, choices=ComplaintStepKind.choices)
    at = models.DateTimeField("时间")
    by = models.ForeignKey("org.StaffProfile", verbose_name="经办人", null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name="经办单位", on_delete=models.PROTECT, related_name="+")
    words = models.TextField("内容", blank=True)
    # Shown to the complainant on the follow page (the investigation notes are not).
    public = models.BooleanField("对投诉人公开", default=True)

    class Meta:
        verbose_name = "投诉登记簿"
        verbose_name_plural = "投诉登记簿"
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=ComplaintStepKind.values),
                                              name="complaintstep_kind_valid")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"
