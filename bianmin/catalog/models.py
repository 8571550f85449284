"""Service items (事项) and their versions: a case pins the version it was received under."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext

from bianmin.core.uploads import validate_upload


class ItemKind(models.TextChoices):
    LICENSE = "LICENSE", "行政许可"
    CONFIRMATION = "CONFIRMATION", "行政确认"
    BENEFIT = "BENEFIT", "行政给付"
    PUBLIC_SERVICE = "PUBLIC_SERVICE", "公共服务"
    OTHER = "OTHER", "其他行政权力"


class ItemLevel(models.TextChoices):
    COUNTY = "COUNTY", "县级"
    TOWN = "TOWN", "镇（街道）级"
    VILLAGE = "VILLAGE", "村（社区）级"
    INSTITUTION = "INSTITUTION", "机构便民服务"


class LimitUnit(models.TextChoices):
    WORKING = "WORKING", "工作日"
    NATURAL = "NATURAL", "自然日"
    # An institution's own service (a hospital's 入院登记, decision 0026): counted in clock hours from acceptance,
    # never paused or extended (``catalog.services.hour_limit_errors``).
    HOURS = "HOURS", "小时"


def limit_text(value: int, unit: str) -> str:
    """Return a limit as notices write it: "10个工作日", "30个自然日", "4小时"."""
    if unit == LimitUnit.HOURS:
        return f"{value}小时"
    return f"{value}个{LimitUnit(unit).label}"


class CaseClass(models.TextChoices):
    IMMEDIATE = "IMMEDIATE", "即办件"
    PROMISED = "PROMISED", "承诺件"
    REPORTED = "REPORTED", "上报件"


class SpecialProcedure(models.TextChoices):
    HEARING = "HEARING", "听证"
    TENDER = "TENDER", "招标"
    AUCTION = "AUCTION", "拍卖"
    INSPECTION = "INSPECTION", "检验"
    TESTING = "TESTING", "检测"
    QUARANTINE = "QUARANTINE", "检疫"
    APPRAISAL = "APPRAISAL", "鉴定"
    EXPERT_REVIEW = "EXPERT_REVIEW", "专家评审"


class Channel(models.TextChoices):
    WINDOW = "WINDOW", "窗口办理"
    ONLINE = "ONLINE", "网上办理"
    POST = "POST", "邮寄办理"


class ResultType(models.TextChoices):
    CERTIFICATE = "CERTIFICATE", "证照"
    APPROVAL = "APPROVAL", "批准文书"
    CARD = "CARD", "卡证"
    RECORD = "RECORD", "登记备案"
    OTHER = "OTHER", "其他"


# Results that are a numbered certificate or card: a grant records its number (decision 0022).
CERTIFICATE_RESULTS = frozenset({ResultType.CERTIFICATE, ResultType.CARD})


class VersionStatus(models.TextChoices):
    DRAFT = "DRAFT", "草稿"
    PUBLISHED = "PUBLISHED", "现行"
    SUPERSEDED = "SUPERSEDED", "已被新版本取代"


class ServiceItem(models.Model):
    """The stable identity of an item; its content lives in versions."""

    code = models.CharField("实施编码", max_length=32, unique=True)
    basic_code = models.CharField("基本编码", max_length=32, db_index=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "事项"
        verbose_name_plural = "事项"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ItemVersion(models.Model):
    """One version of an item's guide. Published versions are never edited: a change makes a new one."""

    item = models.ForeignKey(ServiceItem, verbose_name="事项", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    status = models.CharField("状态", max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    is_current = models.BooleanField("现行版本", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    change_note = models.CharField("修订说明", max_length=255, blank=True)

    name = models.CharField("事项名称", max_length=128, db_index=True)
    kind = models.CharField("事项类型", max_length=16, choices=ItemKind.choices)
    level = models.CharField("行使层级", max_length=12, choices=ItemLevel.choices)
    implementing_unit = models.ForeignKey("org.Unit", verbose_name="实施部门", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="item_versions",
                                          help_text="镇、村级事项由所在便民服务中心（站）办理时可留空")
    implementing_organ = models.CharField("实施主体", max_length=128)
    joint_units = models.ManyToManyField("org.Unit", verbose_name="联办部门", blank=True, related_name="+")
    legal_basis = models.TextField("设定依据")
    conditions = models.TextField("受理条件")
    procedure = models.TextField("办理流程", blank=True)
    legal_limit = models.PositiveIntegerField("法定办结时限")
    legal_limit_unit = models.CharField("法定时限单位", max_length=8, choices=LimitUnit.choices,
                                        default=LimitUnit.WORKING)
    committed_limit = models.PositiveIntegerField("承诺办结时限")
    committed_limit_unit = models.CharField("承诺时限单位", max_length=8, choices=LimitUnit.choices,
                                            default=LimitUnit.WORKING)
    special_procedures = models.JSONField("允许的特别程序", default=list, blank=True)
    extension_allowed = models.BooleanField("允许延期", default=False)
    extension_days = models.PositiveIntegerField("延期时长（工作日）", default=0)
    default_class = models.CharField("办件类型", max_length=10, choices=CaseClass.choices,
                                     default=CaseClass.PROMISED)
    channels = models.JSONField("办理渠道", default=list)
    required_visits = models.PositiveSmallIntegerField("到现场次数", default=1)
    visits_reason = models.CharField("需到现场的原因", max_length=255, blank=True)
    appointment = models.BooleanField("支持预约", default=False)
    courier = models.BooleanField("支持物流快递", default=False)
    online_payment = models.BooleanField("支持网上支付", default=False)
    place = models.CharField("办理地点", max_length=255)
    hours = models.CharField("办理时间", max_length=255)
    enquiry_phone = models.CharField("咨询电话", max_length=32)
    complaint_phone = models.CharField("监督投诉电话", max_length=32)
    result_type = models.CharField("结果类型", max_length=12, choices=ResultType.choices)
    result_name = models.CharField("结果名称", max_length=128)
    # The seed leaves these to each level ("乡、村两级中心要分别规定办理时限"): empty means the county's limit.
    committed_limit_town = models.PositiveIntegerField(
        "镇（街道）便民服务中心承诺时限", null=True, blank=True,
        help_text="在镇（街道）便民服务中心受理时适用；留空表示与承诺办结时限相同（单位同承诺时限单位）")
    committed_limit_village = models.PositiveIntegerField(
        "村（社区）便民服务站承诺时限", null=True, blank=True,
        help_text="在村（社区）便民服务站受理时适用；留空表示与承诺办结时限相同（单位同承诺时限单位）")
    deferred_due_days = models.PositiveSmallIntegerField(
        "补办材料补交期限（工作日）", default=10,
        help_text="容缺受理（补办件）时，申请人补交所缺材料的期限，自受理之日起计算")
    # 行政许可法第43条: an item a lower organ reviews first and a higher organ decides. On the relay route the lower
    # organ is the town center below the deciding unit; 0 means no such review.
    lower_review_days = models.PositiveSmallIntegerField(
        "下级机关初审期限（工作日）", default=0,
        help_text="依法应当先经下级行政机关审查后报上级行政机关决定的（行政许可法第四十三条），填写初审期限，"
                  "一般为20个工作日；不需要下级初审的填0")

    class Meta:
        verbose_name = "事项版本"
        verbose_name_plural = "事项版本"
        ordering = ["item__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="itemversion_unique_number"),
            models.UniqueConstraint(fields=["item"], condition=Q(is_current=True), name="itemversion_one_current"),
            models.CheckConstraint(condition=Q(status__in=VersionStatus.values), name="itemversion_status_valid"),
        ]
        indexes = [models.Index(fields=["is_current", "level", "kind"])]

    def __str__(self) -> str:
        return f"{self.name}（第{self.number}版）"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def issues_certificate(self) -> bool:
        """Whether a grant hands over a numbered certificate or card (证照、卡证): its number is then required."""
        return self.result_type in CERTIFICATE_RESULTS

    def special_procedure_labels(self) -> list[str]:
        return [SpecialProcedure(c).label for c in self.special_procedures if c in SpecialProcedure.values]

    def channel_labels(self) -> list[str]:
        return [Channel(c).label for c in self.channels if c in Channel.values]

    @property
    def lower_review_note(self) -> str:
        """The guide's line on the lower organ's 初审 (empty when there is none); only a licence cites Art. 43."""
        if not self.lower_review_days:
            return ""
        if self.kind == ItemKind.LICENSE:
            return gettext("本事项须先经下级机关初审（行政许可法第四十三条），初审期限%(days)s个工作日") % {
                "days": self.lower_review_days}
        return gettext("本事项须先经下级机关初审，初审期限%(days)s个工作日") % {"days": self.lower_review_days}

    def committed_limit_at(self, unit_kind: str) -> int:
        """Return the committed limit that applies when a unit of ``unit_kind`` accepts the case."""
        if unit_kind == "TOWN_CENTER" and self.committed_limit_town is not None:
            return self.committed_limit_town
        if unit_kind == "VILLAGE_STATION" and self.committed_limit_village is not None:
            return self.committed_limit_village
        return self.committed_limit


class KindRule(models.Model):
    """The time limits a county sets per kind of item (the seed leaves them blank: "不得超过____个工作日").

    A kind without a row uses the defaults below (``catalog.selectors.kind_rule``)."""

    kind = models.CharField("事项类型", max_length=16, choices=ItemKind.choices, unique=True)
    intake_working_days = models.PositiveSmallIntegerField(
        "收件审查期限（工作日）", default=5,
        help_text="收件后须在此期限内受理或一次性告知补正，逾期视为受理（行政许可法第三十二条：不超过5日）")
    start_within_working_days = models.PositiveSmallIntegerField(
        "受理后移交承办期限（工作日）", default=1,
        help_text="受理后须在此期限内开始办理（移交承办人），否则记录“未及时将事项移交承办人”")
    result_notice_working_days = models.PositiveSmallIntegerField(
        "办结后告知结果期限（工作日）", default=10,
        help_text="作出决定后须在此期限内将办理结果送达申请人（行政许可法第四十四条：10日内）")

    class Meta:
        verbose_name = "事项类型时限设置"
        verbose_name_plural = "事项类型时限设置"
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(condition=Q(intake_working_days__gte=1, intake_working_days__lte=30),
                                   name="kindrule_intake_range"),
            models.CheckConstraint(condition=Q(start_within_working_days__gte=1, start_within_working_days__lte=30),
                                   name="kindrule_start_range"),
            models.CheckConstraint(condition=Q(result_notice_working_days__gte=1,
                                               result_notice_working_days__lte=30),
                                   name="kindrule_result_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}时限设置"


class MaterialOriginal(models.TextChoices):
    ORIGINAL = "ORIGINAL", "原件"
    COPY = "COPY", "复印件"
    ORIGINAL_AND_COPY = "ORIGINAL_AND_COPY", "原件和复印件"


class MaterialForm(models.TextChoices):
    PAPER = "PAPER", "纸质"
    ELECTRONIC = "ELECTRONIC", "电子"
    EITHER = "EITHER", "纸质或电子"


class Necessity(models.TextChoices):
    REQUIRED = "REQUIRED", "必要"
    OPTIONAL = "OPTIONAL", "非必要"
    DEFERRABLE = "DEFERRABLE", "容缺后补"


class MaterialSource(models.TextChoices):
    APPLICANT = "APPLICANT", "申请人自备"
    GOVERNMENT = "GOVERNMENT", "政府部门核发（共享获取）"


class Material(models.Model):
    """One application material of a version."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("材料名称", max_length=128)
    original = models.CharField("原件/复印件", max_length=20, choices=MaterialOriginal.choices)
    form = models.CharField("材料形式", max_length=12, choices=MaterialForm.choices)
    copies = models.PositiveSmallIntegerField("份数", default=1)
    necessity = models.CharField("必要性", max_length=12, choices=Necessity.choices, default=Necessity.REQUIRED)
    source = models.CharField("来源渠道", max_length=12, choices=MaterialSource.choices,
                              default=MaterialSource.APPLICANT)
    basis = models.CharField("设定依据", max_length=255, blank=True)
    standard = models.TextField("受理标准")
    blank_form = models.FileField("空白表格", upload_to="catalog/forms/", blank=True, validators=[validate_upload])
    sample = models.FileField("示范文本", upload_to="catalog/samples/", blank=True, validators=[validate_upload])

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """A statutory fee of a version; no other amount may be charged."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField("收费项目", max_length=128)
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    basis = models.CharField("收费依据", max_length=255)
    waivable = models.BooleanField("可减免", default=False)

    class Meta:
        verbose_name = "收费标准"
        verbose_name_plural = "收费标准"
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="fee_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.name} {self.amount}元"


class Faq(models.Model):
    """A frequently asked question about a version."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="faqs")
    order = models.PositiveSmallIntegerField("序号", default=0)
    question = models.CharField("问题", max_length=255)
    answer = models.TextField("解答")

    class Meta:
        verbose_name = "常见问题"
        verbose_name_plural = "常见问题"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.question
