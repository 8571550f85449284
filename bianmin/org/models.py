"""Regions, units (centers, stations, departments, desks), windows, A/B posts, staff and absences."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from bianmin.core.uploads import validate_upload


class RegionLevel(models.TextChoices):
    COUNTY = "COUNTY", "县（市、区）"
    TOWN = "TOWN", "镇（街道）"
    VILLAGE = "VILLAGE", "村（社区）"


class Region(models.Model):
    """An administrative area; ``path`` holds the codes from the root, for prefix scoping."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=8, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    path = models.CharField("路径", max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    COUNTY_CENTER = "COUNTY_CENTER", "县政务服务中心"
    TOWN_CENTER = "TOWN_CENTER", "镇（街道）便民服务中心"
    VILLAGE_STATION = "VILLAGE_STATION", "村（社区）便民服务站"
    DEPARTMENT = "DEPARTMENT", "职能部门"
    INSTITUTION_DESK = "INSTITUTION_DESK", "机构便民服务窗口"
    # A hospital's department (科室): answers the desk's coordination requests, decides no cases (decision 0026).
    HOSPITAL_DEPT = "HOSPITAL_DEPT", "医院科室"


class Sector(models.TextChoices):
    """Which words and duties a unit has: a government service center, or a hospital's desk and its 科室."""

    GOVERNMENT = "", "政务服务"
    HOSPITAL = "HOSPITAL", "医院"


class Unit(models.Model):
    """A place or organ that serves or decides; ``path`` holds unit codes from the root."""

    code = models.CharField("单位代码", max_length=16, unique=True,
                            help_text="字母数字，用于办件编号，例如 C01")
    name = models.CharField("名称", max_length=128)
    short_name = models.CharField("简称", max_length=32, blank=True)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices)
    sector = models.CharField("行业", max_length=10, choices=Sector.choices, blank=True, default="",
                              help_text="医院便民服务中心及其科室选“医院”：使用医院的服务目录和称谓（患者/家属、科室）")
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="units")
    # The county (县级区划) of ``region``, stored by ``services.save_unit``: the distribution key its cases carry
    # (``core.distribution``), read with the unit at no extra query. Not indexed: no query looks units up by it.
    county = models.ForeignKey(Region, verbose_name="所属县（市、区）", on_delete=models.PROTECT, related_name="+",
                               editable=False, db_index=False)
    parent = models.ForeignKey("self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    path = models.CharField("路径", max_length=255, db_index=True, editable=False)
    address = models.CharField("地址", max_length=255, blank=True)
    phone = models.CharField("咨询电话", max_length=32, blank=True)
    complaint_phone = models.CharField("投诉电话", max_length=32, blank=True)
    hours = models.CharField("办公时间", max_length=128, blank=True)
    is_active = models.BooleanField("启用", default=True)
    chief_responsible = models.ForeignKey(
        "StaffProfile", verbose_name="首席责任人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="chief_of", help_text="本单位或上级单位的在岗工作人员；下级单位未指定时沿用上级单位的")

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_hospital(self) -> bool:
        """Whether this is a hospital's desk or one of its 科室 (hospital words, patient records, coordination)."""
        return self.sector == Sector.HOSPITAL

    @property
    def is_hospital_desk(self) -> bool:
        return self.sector == Sector.HOSPITAL and self.kind == UnitKind.INSTITUTION_DESK


class Window(models.Model):
    """A service window in a hall, optionally staffed by a stationed department."""

    unit = models.ForeignKey(Unit, verbose_name="所属中心", on_delete=models.PROTECT, related_name="windows")
    number = models.CharField("窗口号", max_length=16)
    name = models.CharField("窗口名称", max_length=64)
    department = models.ForeignKey(Unit, verbose_name="进驻部门", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="stationed_windows")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "窗口"
        verbose_name_plural = "窗口"
        ordering = ["unit__path", "number"]
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="window_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}号窗口 {self.name}"


class HeadOf(models.TextChoices):
    NONE = "", "—"
    ORGAN = "ORGAN", "机关负责人"
    GOVERNMENT = "GOVERNMENT", "本级人民政府负责人"


class StaffProfile(models.Model):
    """A staff member's badge (工作上岗证) and place of work."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.PROTECT,
                                related_name="staff_profile")
    name = models.CharField("姓名", max_length=64)
    badge_number = models.CharField("上岗证号", max_length=32, unique=True)
    photo = models.ImageField("照片", upload_to="staff/", blank=True, validators=[validate_upload])
    unit = models.ForeignKey(Unit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="staff")
    title = models.CharField("职务", max_length=64, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    is_active = models.BooleanField("在岗", default=True)
    head_of = models.CharField("负责人身份", max_length=12, choices=HeadOf.choices, blank=True, default="",
                               help_text="批准延期：机关负责人；联办事项须本级人民政府负责人")

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"
        ordering = ["unit__path", "badge_number"]

    def __str__(self) -> str:
        return f"{self.name}（{self.badge_number}）"


class Post(models.Model):
    """A post (岗位) at a window with an A (primary) and a B (backup) staff member."""

    window = models.ForeignKey(Window, verbose_name="窗口", on_delete=models.PROTECT, related_name="posts")
    name = models.CharField("岗位名称", max_length=64)
    a_staff = models.ForeignKey(StaffProfile, verbose_name="A角", on_delete=models.PROTECT, related_name="a_posts")
    b_staff = models.ForeignKey(StaffProfile, verbose_name="B角", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="b_posts")

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        constraints = [
            models.CheckConstraint(condition=~Q(a_staff=F("b_staff")), name="post_a_b_distinct",
                                   violation_error_message="A角和B角不能是同一人"),
        ]

    def __str__(self) -> str:
        return f"{self.window} · {self.name}"


class AbsenceKind(models.TextChoices):
    LEAVE = "LEAVE", "请假"
    MEETING = "MEETING", "会议"
    TRAINING = "TRAINING", "培训"
    FIELD = "FIELD", "外出勘查"
    OTHER = "OTHER", "其他"


class Absence(models.Model):
    """A registered absence from ``start_date`` to ``end_date`` inclusive."""

    staff = models.ForeignKey(StaffProfile, verbose_name="工作人员", on_delete=models.CASCADE,
                              related_name="absences")
    kind = models.CharField("类型", max_length=10, choices=AbsenceKind.choices)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    note = models.CharField("说明", max_length=255, blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="AB角同时离岗批准人", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "离岗登记"
        verbose_name_plural = "离岗登记"
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["staff", "start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="absence_dates_ordered",
                                   violation_error_message="结束日期不能早于开始日期"),
        ]

    def __str__(self) -> str:
        return f"{self.staff.name} {self.get_kind_display()} {self.start_date}—{self.end_date}"


class Cadence(models.TextChoices):
    """How often a meeting recurs; the period a meeting reviews is the previous one of these."""

    WEEKLY = "WEEKLY", "每周"
    MONTHLY = "MONTHLY", "每月"
    QUARTERLY = "QUARTERLY", "每季度"


# Used when a unit kind has no row (a kind added later, or a flushed test database); migration
# org.0006 writes the same values as rows so that the system administrator sees and edits them.
DEFAULT_CADENCES: dict[str, tuple[str, str]] = {
    UnitKind.COUNTY_CENTER: (Cadence.MONTHLY, ""),
    UnitKind.TOWN_CENTER: (Cadence.MONTHLY, Cadence.WEEKLY),  # 乡级中心建立工作周例会制度
    UnitKind.VILLAGE_STATION: (Cadence.MONTHLY, ""),
    UnitKind.DEPARTMENT: (Cadence.MONTHLY, ""),
    UnitKind.INSTITUTION_DESK: (Cadence.MONTHLY, ""),
    UnitKind.HOSPITAL_DEPT: (Cadence.MONTHLY, ""),
}


class MeetingCadence(models.Model):
    """The meeting system (会议制度) of one kind of unit: how often it holds 联席会议 and 工作例会."""

    unit_kind = models.CharField("单位类型", max_length=20, choices=UnitKind.choices, unique=True)
    joint_cadence = models.CharField("联席会议周期", max_length=10, choices=Cadence.choices,
                                     default=Cadence.MONTHLY)
    regular_cadence = models.CharField("工作例会周期", max_length=10, choices=Cadence.choices, blank=True,
                                       default="", help_text="留空表示未建立工作例会制度；不能长于联席会议周期")

    class Meta:
        verbose_name = "会议制度"
        verbose_name_plural = "会议制度"
        ordering = ["unit_kind"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_kind__in=UnitKind.values), name="cadence_unit_kind_valid"),
            models.CheckConstraint(condition=Q(joint_cadence__in=Cadence.values), name="cadence_joint_valid"),
            models.CheckConstraint(condition=Q(regular_cadence__in=["", *Cadence.values]),
                                   name="cadence_regular_valid"),
        ]

    def __str__(self) -> str:
        return self.get_unit_kind_display()
