"""办件: cases pinned to an item version, their materials, events, notices, transfers, fees and files."""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from bianmin.catalog.models import Necessity, SpecialProcedure
from bianmin.core.crypto import BlindIndexField, EncryptedTextField, MaskedField
from bianmin.core.distribution import Colocated
from bianmin.core.uploads import validate_upload

from .warnings import Warning as DeadlineWarning
from .workflow import Action, CaseClass, Status


class ApplicantKind(models.TextChoices):
    PERSON = "PERSON", "自然人"
    ORGANISATION = "ORGANISATION", "法人或其他组织"


class IdType(models.TextChoices):
    RESIDENT_ID = "RESIDENT_ID", "居民身份证"
    PASSPORT = "PASSPORT", "护照"
    HMT_PERMIT = "HMT_PERMIT", "港澳台居民居住证"
    HMT_TRAVEL = "HMT_TRAVEL", "港澳台居民来往内地（大陆）通行证"
    FOREIGNER_PR = "FOREIGNER_PR", "外国人永久居留身份证"


class IntakeOutcome(models.TextChoices):
    NOT_LICENSED = "NOT_LICENSED", "不属于许可事项"
    OUTSIDE_POWERS = "OUTSIDE_POWERS", "不属本机关职权"
    FIXED_ON_SPOT = "FIXED_ON_SPOT", "当场更正"
    SUPPLEMENT = "SUPPLEMENT", "一次性告知补正"
    ACCEPTED = "ACCEPTED", "受理"
    IMMEDIATE = "IMMEDIATE", "即办"
    DEEMED = "DEEMED", "逾期视为受理"
    REJECTED = "REJECTED", "不予受理"


class DecisionOutcome(models.TextChoices):
    GRANTED = "GRANTED", "准予"
    DENIED = "DENIED", "不予许可"


class DeliveryMethod(models.TextChoices):
    PICKUP = "PICKUP", "窗口领取"
    POST = "POST", "邮寄送达"
    AGENT = "AGENT", "代办员送达"


class WarningLevel(models.TextChoices):
    """The warning the sweep has sent for a case (it notifies once per level); the page's colour is computed
    from the deadline (``cases.warnings``). LATE: decided after the deadline, its violation not yet recorded."""

    NONE = "", "无"
    YELLOW = "YELLOW", "黄色预警"
    RED = "RED", "红色预警"
    LATE = "LATE", "超期办结（待记录）"


class Applicant(models.Model):
    """Who applies, as a case and a relay request (代办件) both store it: one declaration of the personal-data
    columns (decision 0018: ID numbers and phones encrypted, exact search through the blind indexes, pages and lists
    showing the masked copies; reading the full value decrypts it). ``services.clean_applicant`` fills them."""

    applicant_kind = models.CharField("申请人类型", max_length=14, choices=ApplicantKind.choices)
    applicant_name = models.CharField("申请人", max_length=128, db_index=True)
    applicant_id_type = models.CharField("证件类型", max_length=14, choices=IdType.choices, blank=True)
    applicant_id_number = EncryptedTextField("证件号码", blank=True)
    applicant_id_index = BlindIndexField("证件号码检索索引", source="applicant_id_number", kind="id")
    applicant_id_masked = MaskedField("证件号码（脱敏）", source="applicant_id_number", mask="id_staff")
    applicant_credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    applicant_legal_rep = models.CharField("法定代表人", max_length=64, blank=True)
    applicant_contact = models.CharField("联系人", max_length=64, blank=True)
    applicant_phone = EncryptedTextField("联系电话")
    applicant_phone_index = BlindIndexField("联系电话检索索引", source="applicant_phone", kind="phone")
    applicant_phone_masked = MaskedField("联系电话（脱敏）", source="applicant_phone", mask="phone")
    applicant_address = models.CharField("地址", max_length=255, blank=True)

    class Meta:
        abstract = True


class InCounty(Colocated):
    """A row of a case's co-location group (``core.distribution.DISTRIBUTED_TABLES``): ``county`` is the county of
    the receiving unit (``Unit.county``), copied to every row of the case when it is written, never changed. Every
    case query of the workbench, the case page, receipt, acceptance and the sweep says it
    (``tests/test_distribution_key.py``). Not indexed on its own: the indexes that need it lead with it."""

    county = models.ForeignKey("org.Region", verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="+",
                               editable=False, db_index=False)

    class Meta:
        abstract = True


class Case(Applicant, InCounty):
    """One application (办件). Status changes only through ``cases.services``."""

    # Not a column: the live deadline warning, attached for the pages by ``selectors.with_warning(s)``.
    warning: DeadlineWarning
    # Not a column: whether the first handler (by id) is away on a day, read with the case by
    # ``selectors.case_detail_for`` (``services.core.acting_ids_for`` asks the database for any other day or handler).
    first_handler_away_on: dict[tuple[datetime.date, int | None], bool]

    number = models.CharField("办件编号", max_length=32, unique=True)
    query_code = models.CharField("查询码", max_length=16)
    item_version = models.ForeignKey("catalog.ItemVersion", verbose_name="事项版本", on_delete=models.PROTECT,
                                     related_name="cases")
    unit = models.ForeignKey("org.Unit", verbose_name="受理单位", on_delete=models.PROTECT, related_name="cases")
    unit_path = models.CharField("单位路径", max_length=255, db_index=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.RECEIVED)
    case_class = models.CharField("办件类型", max_length=12, choices=CaseClass.choices, default=CaseClass.PENDING)

    # The last four digits the masked copy already shows, indexed for the staff search by them (decision 0022).
    applicant_phone_last4 = MaskedField("联系电话后四位", source="applicant_phone", mask="phone_last4", max_length=4,
                                        db_index=True)
    agent_name = models.CharField("代理人", max_length=64, blank=True)
    agent_id_type = models.CharField("代理人证件类型", max_length=14, choices=IdType.choices, blank=True)
    agent_id_number = EncryptedTextField("代理人证件号码", blank=True)
    agent_phone = EncryptedTextField("代理人电话", blank=True)
    agent_authorization = models.CharField("授权委托说明", max_length=255, blank=True)

    received_at = models.DateTimeField("收件时间", db_index=True)
    received_by = models.ForeignKey("org.StaffProfile", verbose_name="收件人", on_delete=models.PROTECT,
                                    related_name="received_cases")
    intake_outcome = models.CharField("审查结论", max_length=16, choices=IntakeOutcome.choices, blank=True)
    intake_reason = models.TextField("不予受理理由", blank=True)
    competent_organ = models.CharField("有权机关", max_length=128, blank=True)
    competent_organ_contact = models.CharField("有权机关联系方式", max_length=128, blank=True)
    # When the materials under review were received: the receipt, or the resubmission after a 补正 notice.
    # The Art. 32 intake timer runs from this day, and a deemed acceptance takes effect on it.
    intake_started_at = models.DateTimeField("审查起算时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True, db_index=True)
    # Not indexed (decision 0031, session 14): no query reads cases by who accepted them (the handler's own index
    # serves the workbench); only deleting a staff profile would look, and staff are deactivated, not deleted.
    accepted_by = models.ForeignKey("org.StaffProfile", verbose_name="受理人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="accepted_cases", db_index=False)
    first_handler = models.ForeignKey("org.StaffProfile", verbose_name="首办负责人", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="handled_cases")
    urgent = models.BooleanField("急办", default=False)
    immediate = models.BooleanField("即办", default=False)
    deferred_materials = models.BooleanField("容缺受理", default=False)
    committed_deadline = models.DateField("承诺办结日期", null=True, blank=True, db_index=True)
    # A limit in hours (an institution's own service, decision 0026) ends at this moment, not at the close of
    # ``committed_deadline`` (its local date): decided after it is late, running past it is overdue.
    committed_due_at = models.DateTimeField("承诺办结时间", null=True, blank=True)
    legal_deadline = models.DateField("法定办结日期", null=True, blank=True)
    # Each date says whether it was counted over a year whose holidays are not yet published (provisional).
    deadline_provisional = models.BooleanField("承诺办结日期按暂定日历计算", default=False)
    legal_deadline_provisional = models.BooleanField("法定办结日期按暂定日历计算", default=False)
    committed_days = models.PositiveSmallIntegerField("适用承诺时限", null=True, blank=True,
                                                      help_text="受理时采用的承诺时限（急办件为缩短后的时限）")
    deadline_changed_at = models.DateTimeField("期限重新核定时间", null=True, blank=True)
    intake_deadline = models.DateField("补正告知截止日期", null=True, blank=True, db_index=True)
    # The day the decision limits count from (start day not counted): acceptance, or for a late or deemed
    # acceptance the day the materials were received. Recomputation counts from it again.
    clock_start_date = models.DateField("办理时限起算日", null=True, blank=True)
    deadline_change_reason = models.CharField("期限重新核定原因", max_length=255, blank=True)
    reported = models.BooleanField("上报件", default=False,
                                   help_text="须由上级机关作出决定的事项：本级不能自行决定")
    decided_by_organ = models.CharField("作出决定的机关", max_length=128, blank=True)
    decision_document = models.CharField("决定文号", max_length=64, blank=True)
    # 补办件 (容缺受理): the missing material is due by this day; the result is handed over only after it is
    # supplied, unless a leader records an exception.
    deferred_due_date = models.DateField("补办材料补交期限", null=True, blank=True)
    deferred_supplied_at = models.DateTimeField("补办材料补齐时间", null=True, blank=True)
    deferred_overdue = models.BooleanField("补办材料逾期已记录", default=False)
    deferred_exception_at = models.DateTimeField("未补齐先行送达批准时间", null=True, blank=True)
    deferred_exception_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="未补齐先行送达批准人",
                                              null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                              db_index=False)  # as accepted_by: only an account's deletion looks
    deferred_exception_reason = models.CharField("未补齐先行送达理由", max_length=255, blank=True)
    # Checked by the sweep and cleared once checked: accepted but not started by this day (未及时移交承办人),
    # decided but the result not delivered by this day (未及时回复办理结果).
    start_due_on = models.DateField("开始办理期限", null=True, blank=True)
    result_due_on = models.DateField("告知结果期限", null=True, blank=True)
    # Written by the sweep (warning transitions notify people once); reset whenever the deadlines move.
    warning_level = models.CharField("已发出的预警", max_length=8, blank=True, default=WarningLevel.NONE,
                                     choices=WarningLevel.choices)
    yellow_on = models.DateField("黄色预警起始日", null=True, blank=True)

    decided_at = models.DateTimeField("办结时间", null=True, blank=True, db_index=True)
    outcome = models.CharField("办理结果", max_length=8, choices=DecisionOutcome.choices, blank=True)
    decision_reasons = models.TextField("决定理由", blank=True)
    certificate_name = models.CharField("证照名称", max_length=128, blank=True)
    certificate_number = models.CharField("证照编号", max_length=64, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    delivery_method = models.CharField("送达方式", max_length=8, choices=DeliveryMethod.choices, blank=True)
    delivered_to = models.CharField("签收人", max_length=64, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    # What the case page would otherwise ask other tables on every view (decision 0038): whether the case came
    # through 全程代理 (set when the relay's deciding organ receives it: ``receive_case(via_relay=True)``) and
    # whether it was given a 预约办结 (set with the appointment, ``hall.promises``). Most cases have neither.
    via_relay = models.BooleanField("全程代理件", default=False, editable=False)
    completion_promised = models.BooleanField("已预约办结", default=False, editable=False)

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="case_status_valid"),
            models.CheckConstraint(condition=Q(case_class__in=CaseClass.values), name="case_class_valid"),
            models.CheckConstraint(condition=Q(warning_level__in=WarningLevel.values), name="case_warning_level_valid"),
            # Art. 32: no application waits for review without a clock (receipt and resubmission both set it).
            models.CheckConstraint(condition=~Q(status="RECEIVED") | Q(intake_deadline__isnull=False),
                                   name="case_received_has_intake_deadline"),
        ]
        indexes = [
            # The first handler's workbench: open cases by nearest deadline (partial: closed cases are most rows).
            # Led by the county, which every case query names (docs/scaling.md): with it first the planner reads
            # this index alone instead of ANDing the handler's and the county's (measured at 10 M cases, issue 16).
            models.Index(fields=["county", "first_handler", "committed_deadline"], name="case_workbench_open_idx",
                         condition=Q(status__in=["ACCEPTED", "IN_PROGRESS", "DECIDED"])),
            models.Index(fields=["unit", "intake_deadline"], name="case_intake_queue_idx",
                         condition=Q(status__in=["RECEIVED", "SUPPLEMENT"])),
            models.Index(fields=["county", "status", "intake_deadline"], name="case_intake_timer_idx"),
            # The sweep reads only cases about to change warning level (cost follows changes, not volume), one
            # county at a time (each of its indexes leads with the county).
            models.Index(fields=["county", "yellow_on"], name="case_sweep_yellow_idx",
                         condition=Q(status__in=["ACCEPTED", "IN_PROGRESS"], warning_level="")),
            models.Index(fields=["county", "committed_deadline"], name="case_sweep_red_idx",
                         condition=Q(status__in=["ACCEPTED", "IN_PROGRESS"], warning_level__in=["", "YELLOW"])),
            models.Index(fields=["county", "committed_due_at"], name="case_sweep_red_hours_idx",
                         condition=Q(status__in=["ACCEPTED", "IN_PROGRESS"], warning_level__in=["", "YELLOW"],
                                     committed_due_at__isnull=False)),
            models.Index(fields=["county", "id"], name="case_sweep_late_idx", condition=Q(warning_level="LATE")),
            models.Index(fields=["county", "id"], name="case_sweep_unstamped_idx",
                         condition=Q(status__in=["ACCEPTED", "IN_PROGRESS"], yellow_on__isnull=True,
                                     committed_deadline__isnull=False)),
            # Running cases by deadline: the leader's overview lists (red, yellow) read it in order.
            models.Index(fields=["committed_deadline", "id"], name="case_running_deadline_idx",
                         condition=Q(status__in=["ACCEPTED", "IN_PROGRESS"])),
            # The sweep's hand-over, result-notice and 补办 checks read only the cases about to be recorded.
            models.Index(fields=["county", "start_due_on"], name="case_sweep_start_idx",
                         condition=Q(status="ACCEPTED", start_due_on__isnull=False)),
            models.Index(fields=["county", "result_due_on"], name="case_sweep_result_idx",
                         condition=Q(status="DECIDED", result_due_on__isnull=False)),
            models.Index(fields=["county", "deferred_due_date"], name="case_sweep_deferred_idx",
                         condition=Q(deferred_materials=True, deferred_supplied_at__isnull=True,
                                     deferred_overdue=False, deferred_due_date__isnull=False)),
            # The workbench's counts per class: answered from the index alone (no visit to the case rows).
            models.Index(fields=["county", "first_handler", "case_class", "unit_path"], name="case_class_counts_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseCounter(models.Model):
    """Per unit and day, the last sequence number issued (locked while numbering)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="casecounter_unique")]


class MaterialReceipt(models.TextChoices):
    PAPER = "PAPER", "纸质"
    ELECTRONIC = "ELECTRONIC", "电子"
    SHARED = "SHARED", "共享获取"
    MISSING = "MISSING", "未提交"


class CaseMaterial(InCounty):
    """One checklist line: how a material of the pinned version was received, and whether it is acceptable."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey("catalog.Material", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    name = models.CharField("材料名称", max_length=128)
    standard = models.TextField("受理标准", blank=True)
    necessity = models.CharField("必要性", max_length=12, blank=True, choices=Necessity.choices)
    received_as = models.CharField("收取方式", max_length=12, choices=MaterialReceipt.choices)
    copies = models.PositiveSmallIntegerField("份数", default=0)
    acceptable = models.BooleanField("符合要求", default=True)
    problem = models.CharField("问题说明", max_length=255, blank=True)
    supplied_after_notice = models.BooleanField("补正后提交", default=False)

    class Meta:
        verbose_name = "收件材料"
        verbose_name_plural = "收件材料"
        ordering = ["id"]


class CaseEvent(InCounty):
    """An append-only step of a case: who did what, when, with which opinion."""

    # Not indexed on its own: the (case, at) index serves every lookup by case (decision 0031).
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    at = models.DateTimeField("时间")
    # Not indexed (decision 0031, session 14): nothing reads events by actor; only deleting an account would look.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", db_index=False)
    actor_name = models.CharField("经办人", max_length=64, blank=True)
    action = models.CharField("环节", max_length=24)
    from_status = models.CharField("原状态", max_length=16, blank=True)
    to_status = models.CharField("新状态", max_length=16, blank=True)
    opinion = models.TextField("意见", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "办件环节"
        verbose_name_plural = "办件环节"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def action_label(self) -> str:
        try:
            return Action(self.action).label
        except ValueError:
            return EVENT_LABELS.get(self.action, self.action)

    def to_status_label(self) -> str:
        """The status this step led to, in words ("" for steps that change nothing)."""
        try:
            return Status(self.to_status).label if self.to_status else ""
        except ValueError:
            return self.to_status


EVENT_LABELS = {
    "COMMENT": "备注",
    "TRANSFER_REQUESTED": "申请移交",
    "TRANSFER_APPROVED": "批准移交",
    "TRANSFER_REJECTED": "驳回移交",
    "FEE_PAID": "缴费",
    "NOTICE_ISSUED": "出具文书",
    "FILE_UPLOADED": "上传材料",
    "SUPPLEMENT_REFUSED": "再次补正被拒",
    "MATERIALS_UPDATED": "更新材料清单",
    "PAUSE_STARTED": "启动特别程序",
    "PAUSE_ENDED": "特别程序结束",
    "EXTENSION_REQUESTED": "申请延期",
    "EXTENSION_APPROVED": "批准延期",
    "EXTENSION_REJECTED": "不批准延期",
    "DEADLINES_RECOMPUTED": "期限重新核定",
    "RETURN_REQUESTED": "申请退件",
    "RETURN_REJECTED": "不同意退件",
    "DEFERRED_SUPPLIED": "补交补办材料",
    "DEFERRED_EXCEPTION": "批准未补齐先行送达",
    "OVERDUE": "超期",
    "DEFERRED_OVERDUE": "补办材料逾期",
    "NOT_STARTED": "受理后未及时开始办理",
    "RESULT_NOT_TOLD": "办结后未及时告知结果",
}


class NoticeKind(models.TextChoices):
    SPECIAL = "SPECIAL", "特别程序告知书"
    EXTENSION = "EXTENSION", "延期告知书"
    ACCEPTANCE = "ACCEPTANCE", "受理通知书"
    SUPPLEMENT = "SUPPLEMENT", "补正通知书（一次性告知书）"
    REJECTION = "REJECTION", "不予受理通知书"
    DEFERRED = "DEFERRED", "补办件通知书"
    RECEIPT = "RECEIPT", "首办负责回执"
    DENIAL = "DENIAL", "不予许可决定书"
    RETURN = "RETURN", "退件通知书"
    DELIVERY = "DELIVERY", "送达回证"


NOTICE_PREFIX = {
    "SPECIAL": "TB", "EXTENSION": "YQ", "ACCEPTANCE": "SL", "SUPPLEMENT": "BZ", "REJECTION": "BSL",
    "DEFERRED": "BB", "RECEIPT": "HZ", "DENIAL": "BYXK", "RETURN": "TJ", "DELIVERY": "SD",
}


class Notice(InCounty):
    """A written notice. A 补正 notice collects lines until served; every notice is frozen once issued."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("文书", max_length=12, choices=NoticeKind.choices)
    number = models.CharField("文号", max_length=40, unique=True, null=True, blank=True)
    issued_at = models.DateTimeField("出具时间", null=True, blank=True)
    served_at = models.DateTimeField("送达时间", null=True, blank=True)
    content = models.JSONField("内容", default=dict, blank=True)
    justification = models.TextField("再次补正的理由", blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   db_index=False)  # as CaseEvent.actor: only an account's deletion looks

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["created_at", "id"]
        # Served 补正 notices are few: statistics start from them instead of probing every case.
        indexes = [models.Index(fields=["case"], name="notice_served_supplement_idx",
                                condition=Q(kind="SUPPLEMENT", served_at__isnull=False))]

    @property
    def is_frozen(self) -> bool:
        return self.issued_at is not None


class SupplementLine(InCounty):
    """One deficient material on a 补正 notice, with the standard it must meet."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="lines")
    case_material = models.ForeignKey(CaseMaterial, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    material_name = models.CharField("材料", max_length=128)
    problem = models.CharField("问题", max_length=255)
    standard = models.TextField("要求", blank=True)

    class Meta:
        ordering = ["id"]


class NoticeCounter(models.Model):
    """Per notice prefix and year, the last sequence number issued."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="noticecounter_unique")]


class RefusedSupplement(InCounty):
    """A further 补正 notice that was refused (kept for supervision)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="refused_supplements")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=255)
    attempted = models.JSONField(default=list)
    # Set when the sweep has turned the attempt into a violation record.
    flagged = models.BooleanField("已记录过错", default=False)

    class Meta:
        indexes = [models.Index(fields=["county", "id"], name="refused_unflagged_idx", condition=Q(flagged=False))]


class TransferStatus(models.TextChoices):
    PENDING = "PENDING", "待审批"
    APPROVED = "APPROVED", "已批准"
    REJECTED = "REJECTED", "已驳回"


class Transfer(InCounty):
    """A request to hand a case to another first handler; a leader decides."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_handler = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="+")
    to_handler = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("移交理由")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(status="PENDING"),
                                               name="transfer_one_pending")]
        indexes = [models.Index(fields=["status", "requested_at"])]


class ReturnRequestStatus(models.TextChoices):
    PENDING = "PENDING", "待审批"
    APPROVED = "APPROVED", "已批准"
    REJECTED = "REJECTED", "未批准"


class ReturnRequest(InCounty):
    """退件 after acceptance: "先按承诺件受理,经请示领导研究后确认为退回件的,再以退回件通知单退回"."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="return_requests")
    reason = models.TextField("退件理由")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ReturnRequestStatus.choices,
                              default=ReturnRequestStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = "退件申请"
        verbose_name_plural = "退件申请"
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(status="PENDING"),
                                               name="returnrequest_one_pending")]
        indexes = [models.Index(fields=["status", "requested_at"])]


class FeePayment(InCounty):
    """A fee charged under the pinned version's fee standard, with its receipt number."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="payments")
    fee = models.ForeignKey("catalog.Fee", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    # Unique within the county (decision 0044): each county's finance bureau issues its own receipts, so another
    # county's same 票据号 is no mistake, while the same number twice in one county is a receipt recorded twice.
    receipt_number = models.CharField("票据号", max_length=40)
    paid_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "receipt_number"], name="fee_receipt_in_county_uniq")]


def case_file_path(instance, filename: str) -> str:
    import secrets

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{instance.case_id}/{secrets.token_hex(16)}.{ext}"


class CaseFile(InCounty):
    """An uploaded material file, stored under a random name and served only through a permission check."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    case_material = models.ForeignKey(CaseMaterial, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="files")
    file = models.FileField(upload_to=case_file_path, validators=[validate_upload])
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class Comment(InCounty):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    at = models.DateTimeField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ["at", "id"]


class LookupAttempt(models.Model):
    """One public status lookup, for throttling by IP and by case (SECURITY.md "Public site")."""

    at = models.DateTimeField(db_index=True)
    ip = models.GenericIPAddressField(null=True)
    number = models.CharField(max_length=32)
    success = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["ip", "at"]), models.Index(fields=["number", "success", "at"])]


class CasePause(InCounty):
    """A special procedure (Art. 45) that stops the clock: 听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField("特别程序", max_length=16, choices=SpecialProcedure.choices)
    basis = models.CharField("依据和原因", max_length=255)
    expected_days = models.PositiveSmallIntegerField("预计所需工作日")
    started_on = models.DateField("开始日期")
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    result = models.CharField("结果", max_length=255, blank=True)
    paused_working_days = models.PositiveSmallIntegerField("扣除工作日", default=0)

    class Meta:
        verbose_name = "特别程序"
        verbose_name_plural = "特别程序"
        ordering = ["started_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(ended_at__isnull=True),
                                               name="casepause_one_open")]


class ExtensionStatus(models.TextChoices):
    PENDING = "PENDING", "待审批"
    APPROVED = "APPROVED", "已批准"
    REJECTED = "REJECTED", "未批准"


class Extension(InCounty):
    """The one extension a case may have: asked by the first handler, approved by the organ's head."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="extension")
    reason = models.TextField("延期理由")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    days = models.PositiveSmallIntegerField("延长工作日", default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = "延期"
        verbose_name_plural = "延期"
