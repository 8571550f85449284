"""好差评 (国办发〔2019〕51号, GB/T 39734/39735; DOMAIN.md §2.11): one rating per service instance (a delivered case, an
answered inquiry, a relay delivered to the applicant), tied to the staff member who served; the 差评 follow-up
(回访 within 1 working day, 整改 within N, the result told, one 追评); appeals; the rating pads at the windows.

The evaluator's identity (name, phone) is personal data: encrypted at rest, visible to supervisors only through an
audited action (decision 0024)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from bianmin.core.crypto import EncryptedTextField, MaskedField
from bianmin.core.models import BoundDevice


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, "非常满意"
    SATISFIED = 4, "满意"
    BASIC = 3, "基本满意"
    DISSATISFIED = 2, "不满意"
    VERY_DISSATISFIED = 1, "非常不满意"


BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)  # 差评


class Channel(models.TextChoices):
    PAD = "PAD", "窗口评价器"
    QR = "QR", "扫码评价"
    SMS = "SMS", "短信评价"
    DEFAULT = "DEFAULT", "默认评价"


class Subject(models.TextChoices):
    CASE = "CASE", "办件"
    INQUIRY = "INQUIRY", "首问咨询"
    RELAY = "RELAY", "全程代理"


class RatingPad(BoundDevice):
    """A tablet at a window, bound by a device token a supervisor issues and can revoke. Only the token's SHA-256
    is stored; the tablet keeps the token in a cookie after activation with a one-time code."""

    window = models.ForeignKey("org.Window", verbose_name="窗口", on_delete=models.PROTECT, related_name="rating_pads")

    class Meta:
        verbose_name = "评价器"
        verbose_name_plural = "评价器"
        ordering = ["window", "id"]


class RatingInvite(models.Model):
    """The clerk's "请评价" after a service: the window's pad shows it until it is rated or expires. Nothing about
    the level is suggested (no prompting for a score)."""

    window = models.ForeignKey("org.Window", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=8, choices=Subject.choices)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    inquiry = models.ForeignKey("inquiries.Inquiry", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    relay = models.ForeignKey("relay.RelayRequest", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Rating(models.Model):
    """One rating of one service instance (or a 追评 of a handled 差评: ``parent``)."""

    subject = models.CharField("评价对象", max_length=8, choices=Subject.choices)
    case = models.ForeignKey("cases.Case", verbose_name="办件", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="ratings")
    inquiry = models.ForeignKey("inquiries.Inquiry", verbose_name="首问登记", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="ratings")
    relay = models.ForeignKey("relay.RelayRequest", verbose_name="代办件", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="ratings")
    staff = models.ForeignKey("org.StaffProfile", verbose_name="被评价人", on_delete=models.PROTECT,
                              related_name="ratings")
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    window = models.ForeignKey("org.Window", verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    # The 科室 a patient's or family's rating of a hospital desk concerns (decision 0026): one of that desk's 科室,
    # checked by the services (``org.selectors.hospital_department``); empty everywhere else.
    department = models.ForeignKey("org.Unit", verbose_name="涉及科室", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField("评价等级", choices=Level.choices)
    comment = models.TextField("评价内容", blank=True)
    channel = models.CharField("评价渠道", max_length=8, choices=Channel.choices)
    rated_at = models.DateTimeField("评价时间", db_index=True)
    # Who rated: the applicant of a case or relay rated through its number and code (real name), or nobody known
    # (a pad rating of an inquiry). Supervisors only, through an audited reveal.
    real_name = models.BooleanField("实名评价", default=False)
    evaluator_name = EncryptedTextField("评价人", blank=True)
    evaluator_phone = EncryptedTextField("评价人电话", blank=True)
    evaluator_phone_masked = MaskedField("评价人电话（脱敏）", source="evaluator_phone", mask="phone")
    parent = models.ForeignKey("self", verbose_name="追评的原评价", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="follow_up_ratings")
    # An upheld appeal (mistaken or malicious) removes the rating from the indicators; the reason is kept.
    excluded = models.BooleanField("不计入指标", default=False)
    excluded_reason = models.CharField("不计入指标的原因", max_length=255, blank=True)

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rating_level_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="rating_channel_valid"),
            models.CheckConstraint(
                condition=(Q(subject="CASE", case__isnull=False, inquiry__isnull=True, relay__isnull=True)
                           | Q(subject="INQUIRY", inquiry__isnull=False, case__isnull=True, relay__isnull=True)
                           | Q(subject="RELAY", relay__isnull=False, case__isnull=True, inquiry__isnull=True)),
                name="rating_one_subject"),
            # One rating per service instance (一次一评 / 一事一评); a 追评 is a child of its 差评, at most one.
            models.UniqueConstraint(fields=["case"], condition=Q(parent__isnull=True, case__isnull=False),
                                    name="rating_one_per_case"),
            models.UniqueConstraint(fields=["inquiry"], condition=Q(parent__isnull=True, inquiry__isnull=False),
                                    name="rating_one_per_inquiry"),
            models.UniqueConstraint(fields=["relay"], condition=Q(parent__isnull=True, relay__isnull=False),
                                    name="rating_one_per_relay"),
            models.UniqueConstraint(fields=["parent"], condition=Q(parent__isnull=False),
                                    name="rating_one_follow_up_rating"),
        ]
        indexes = [models.Index(fields=["unit_path", "rated_at"]), models.Index(fields=["staff", "rated_at"])]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class FollowUpStatus(models.TextChoices):
    VISIT = "VISIT", "待回访"
    RECTIFY = "RECTIFY", "整改中"
    TOLD = "TOLD", "已反馈（可追评）"
    CLOSED = "CLOSED", "已追评"


class BadRatingFollowUp(models.Model):
    """The follow-up of a real-name 差评: 回访 within 1 working day, 整改 within N (a setting), the result told to the
    citizen, then one 追评. ``warning_level`` is the sweep's (yellow / recorded late) for the step now due."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="follow_up")
    status = models.CharField("状态", max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.VISIT)
    opened_at = models.DateTimeField("开始时间")
    visit_due_on = models.DateField("回访期限", db_index=True)
    visited_at = models.DateTimeField("回访时间", null=True, blank=True)
    visited_by = models.ForeignKey("org.StaffProfile", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    visit_note = models.TextField("回访情况", blank=True)
    rectify_due_on = models.DateField("整改期限", db_index=True)
    rectified_at = models.DateTimeField("整改完成时间", null=True, blank=True)
    rectification = models.TextField("整改情况", blank=True)
    told_at = models.DateTimeField("反馈时间", null=True, blank=True)
    told_note = models.TextField("反馈内容", blank=True)
    warning_level = models.CharField("已发出的预警", max_length=8, blank=True, default="")
    visit_late = models.BooleanField("回访超时", default=False)
    rectify_late = models.BooleanField("整改超时", default=False)
    confirmed_at = models.DateTimeField("差评查实时间", null=True, blank=True)  # → a BAD_RATING violation
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = "差评整改"
        verbose_name_plural = "差评整改"
        ordering = ["visit_due_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(status__in=FollowUpStatus.values),
                                              name="followup_status_valid")]


class AppealReason(models.TextChoices):
    MISTAKEN = "MISTAKEN", "误评"
    MALICIOUS = "MALICIOUS", "恶意评价"


class AppealStatus(models.TextChoices):
    PENDING = "PENDING", "待审核"
    UPHELD = "UPHELD", "申诉成立（不计入指标）"
    REJECTED = "REJECTED", "申诉不成立"


class RatingAppeal(models.Model):
    """Staff appeal a rating as mistaken or malicious; a supervisor decides."""

    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="appeals")
    reason_kind = models.CharField("申诉理由", max_length=10, choices=AppealReason.choices)
    reason = models.TextField("申诉说明")
    by = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    status = models.CharField("状态", max_length=8, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=255, blank=True)

    class Meta:
        verbose_name = "评价申诉"
        verbose_name_plural = "评价申诉"
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rating"], condition=Q(status="PENDING"),
                                               name="appeal_one_pending")]
