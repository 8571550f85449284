"""首问: every inquiry has a first responder who stays responsible until it is closed."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from bianmin.core.crypto import BlindIndexField, EncryptedTextField, MaskedField


class Channel(models.TextChoices):
    WINDOW = "WINDOW", "窗口"
    PHONE = "PHONE", "电话"
    ONLINE = "ONLINE", "网上"


class Outcome(models.TextChoices):
    ANSWERED = "ANSWERED", "当场解答"
    REFERRED_INTERNAL = "REFERRED_INTERNAL", "引导至中心内窗口或人员"
    MATERIALS_PASSED = "MATERIALS_PASSED", "代收材料转交"
    REFERRED_OUTSIDE = "REFERRED_OUTSIDE", "告知向其他机关咨询"
    RESEARCH = "RESEARCH", "需研究后答复"
    ESCALATED = "ESCALATED", "报告领导"
    NOT_POSSIBLE = "NOT_POSSIBLE", "依规定不能办理并说明理由"
    ESCORTED = "ESCORTED", "指派专人陪同到上级部门咨询"


class InquiryStatus(models.TextChoices):
    OPEN = "OPEN", "办理中"
    CLOSED = "CLOSED", "已办结"


class Inquiry(models.Model):
    """One inquiry at a window, by phone or online."""

    number = models.CharField("登记号", max_length=32, unique=True)
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="inquiries")
    unit_path = models.CharField(max_length=255, db_index=True)
    first_responder = models.ForeignKey("org.StaffProfile", verbose_name="首问责任人", on_delete=models.PROTECT,
                                        related_name="inquiries")
    visitor_name = models.CharField("来访人/来电人", max_length=64, blank=True)
    visitor_unit = models.CharField("单位", max_length=128, blank=True)
    phone = EncryptedTextField("电话", blank=True)  # personal data at rest (decision 0018)
    phone_index = BlindIndexField("电话检索索引", source="phone", kind="phone")
    phone_masked = MaskedField("电话（脱敏）", source="phone", mask="phone")
    matter = models.TextField("咨询事项")
    received_at = models.DateTimeField("登记时间", db_index=True)
    status = models.CharField("状态", max_length=8, choices=InquiryStatus.choices, default=InquiryStatus.OPEN)
    outcome = models.CharField("处理方式", max_length=20, choices=Outcome.choices, blank=True)
    referred_to = models.ForeignKey("org.StaffProfile", verbose_name="接收人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="referred_inquiries")
    referral_acknowledged_at = models.DateTimeField("接收确认时间", null=True, blank=True)
    materials = models.JSONField("代收材料", default=list, blank=True)
    outside_authority = models.CharField("有权机关", max_length=128, blank=True)
    outside_contact = models.CharField("联系方式", max_length=128, blank=True)
    promised_reply_date = models.DateField("承诺答复日期", null=True, blank=True, db_index=True)
    promised_provisional = models.BooleanField(default=False)
    # DUE while a promised reply is awaited; ON_TIME when replied by the date; LATE once the sweep records it.
    reply_check = models.CharField("答复时限核查", max_length=8, blank=True, default="",
                                   choices=[("", "不适用"), ("DUE", "待答复"), ("ON_TIME", "按时答复"),
                                            ("LATE", "答复超期")])
    escalated_to = models.ForeignKey("org.StaffProfile", verbose_name="报告领导", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="escalated_inquiries")
    result = models.TextField("处理结果", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "首问登记"
        verbose_name_plural = "首问登记"
        ordering = ["-received_at"]
        constraints = [models.CheckConstraint(condition=Q(status__in=InquiryStatus.values),
                                              name="inquiry_status_valid")]
        indexes = [models.Index(fields=["first_responder", "status", "received_at"]),
                   models.Index(fields=["promised_reply_date"], name="inquiry_reply_due_idx",
                                condition=Q(reply_check="DUE"))]


class InquiryEvent(models.Model):
    """An append-only step of an inquiry."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def action_label(self) -> str:
        """The step in words: 登记, 确认接收, 办结, or the outcome recorded ("处理方式：内部转办")."""
        if self.action.startswith("OUTCOME_"):
            try:
                return f"处理方式：{Outcome(self.action.removeprefix('OUTCOME_')).label}"
            except ValueError:
                return self.action
        return INQUIRY_EVENT_LABELS.get(self.action, self.action)


INQUIRY_EVENT_LABELS = {"REGISTER": "登记", "ACKNOWLEDGE": "确认接收", "CLOSE": "办结", "ESCORT_RESULT": "登记陪同结果"}


class EscortVisit(models.Model):
    """信访陪同: a staff member assigned to accompany the visitor to an upper department on a date, and what came of
    it. The department is a unit of the system (``destination``) or, outside it, an organ named in words
    (``organ``): exactly one of the two."""

    inquiry = models.ForeignKey(Inquiry, verbose_name="首问登记", on_delete=models.PROTECT, related_name="escorts")
    escort = models.ForeignKey("org.StaffProfile", verbose_name="陪同人员", on_delete=models.PROTECT,
                               related_name="escorted_visits")
    visit_date = models.DateField("陪同日期")
    destination = models.ForeignKey("org.Unit", verbose_name="前往的上级部门", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    organ = models.CharField("前往的机关（系统外）", max_length=128, blank=True)
    purpose = models.TextField("说明", blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField("指派时间")
    result = models.TextField("陪同结果", blank=True)
    result_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    result_at = models.DateTimeField("结果登记时间", null=True, blank=True)
    # Set once by the sweep when the visit date passed without a result (a digest warning, no violation).
    warned_at = models.DateTimeField("逾期未登记结果提醒时间", null=True, blank=True)

    class Meta:
        verbose_name = "信访陪同"
        verbose_name_plural = "信访陪同"
        ordering = ["assigned_at", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(destination__isnull=False, organ="") | (Q(destination__isnull=True) & ~Q(organ="")),
            name="escortvisit_one_destination")]
        indexes = [models.Index(fields=["visit_date"], name="escort_result_due_idx",
                                condition=Q(result_at__isnull=True, warned_at__isnull=True))]

    @property
    def destination_name(self) -> str:
        return self.destination.name if self.destination is not None else self.organ


class InquiryCounter(models.Model):
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="inquirycounter_unique")]
