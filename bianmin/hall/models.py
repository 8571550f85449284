"""The hall (DOMAIN.md §2.8, §2.12; decision 0025): what a citizen meets on arriving at a center.

- 上墙公示: the center's rules (制度上墙, versioned rich text), bulletins with a publication period (公示期) and the
  public's comments and objections with their handling.
- The hall's devices: the big screen (大屏) and the ticket kiosk (取号机), bound by a device token a supervisor issues.
- 预约: slots per center / window / item with a capacity, bookings (held 15 minutes until confirmed, one per person
  per day, no-shows recorded), 预约办结 (a promised completion date for a matter that cannot finish today), 预约联动
  (several departments gathered at one time for one applicant) and 组团服务 (a team's outreach visit to a village).
- 取号叫号: business types, tickets, the windows' calls, and the counters open now (for the estimated wait).

ID numbers and phones are personal data: encrypted at rest, searched by blind index, shown masked (decision 0018).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from bianmin.core.crypto import BlindIndexField, EncryptedTextField, MaskedField
from bianmin.core.models import BoundDevice

# --- 上墙公示 ----------------------------------------------------------------------------------------------------


class BoardRules(models.Model):
    """One version of a center's rules on the wall (制度上墙). The newest version is shown; older ones are kept."""

    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="board_rules")
    version = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=128)
    body_html = models.TextField("正文")  # sanitized on save (hall.board.clean_rich_text): a safelist of tags only
    note = models.CharField("修改说明", max_length=255, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField("修改时间")

    class Meta:
        verbose_name = "上墙制度"
        verbose_name_plural = "上墙制度"
        ordering = ["unit", "-version"]
        constraints = [models.UniqueConstraint(fields=["unit", "version"], name="board_rules_unit_version")]


class BulletinKind(models.TextChoices):
    POLICY = "POLICY", "政府政策"
    SERVICE = "SERVICE", "公共服务项目"
    PROCEDURE = "PROCEDURE", "行政许可办理流程"
    SAFETY = "SAFETY", "公共安全通告"
    OTHER = "OTHER", "其他公示"


class Bulletin(models.Model):
    """A bulletin (公示) published from ``starts_on`` to ``ends_on`` inclusive; the public may comment or object
    during that period when ``accepts_comments``. Ended bulletins stay in the archive; a withdrawn one too, marked."""

    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="bulletins")
    kind = models.CharField("类别", max_length=10, choices=BulletinKind.choices)
    title = models.CharField("标题", max_length=128)
    body = models.TextField("内容")
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示截止")
    accepts_comments = models.BooleanField("接受意见和异议", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("发布时间")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    withdraw_reason = models.CharField("撤回理由", max_length=255, blank=True)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["unit", "ends_on"])]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="bulletin_period_order")]


class CommentKind(models.TextChoices):
    COMMENT = "COMMENT", "意见建议"
    OBJECTION = "OBJECTION", "异议"


class BulletinComment(models.Model):
    """A comment or objection sent by the public during a bulletin's period, and its handling (shown publicly; the
    contact never is)."""

    bulletin = models.ForeignKey(Bulletin, verbose_name="公示", on_delete=models.PROTECT, related_name="comments")
    kind = models.CharField("类型", max_length=10, choices=CommentKind.choices)
    text = models.TextField("内容")
    name = EncryptedTextField("姓名")
    phone = EncryptedTextField("联系电话")
    phone_masked = MaskedField("联系电话（脱敏）", source="phone", mask="phone")
    received_at = models.DateTimeField("收到时间")
    handling = models.TextField("处理情况", blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示意见"
        verbose_name_plural = "公示意见"
        ordering = ["received_at", "id"]


# --- devices -----------------------------------------------------------------------------------------------------


class DeviceKind(models.TextChoices):
    SCREEN = "SCREEN", "大厅显示屏"
    KIOSK = "KIOSK", "取号机"


class HallDevice(BoundDevice):
    """A hall screen or ticket kiosk, bound by a device token a supervisor issues (one-time activation code) and can
    revoke. Only SHA-256 digests are stored."""

    unit = models.ForeignKey("org.Unit", verbose_name="中心", on_delete=models.PROTECT, related_name="hall_devices")
    kind = models.CharField("类型", max_length=8, choices=DeviceKind.choices)

    class Meta:
        verbose_name = "大厅设备"
        verbose_name_plural = "大厅设备"
        ordering = ["unit", "kind", "id"]


class HallState(models.Model):
    """One row per center: ``version`` rises with every change the big screen shows (a call, a ticket, a bulletin),
    so a screen's poll costs one indexed read when nothing changed."""

    unit = models.OneToOneField("org.Unit", on_delete=models.CASCADE, primary_key=True, related_name="hall_state")
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)


# --- 预约 ---------------------------------------------------------------------------------------------------------


class Slot(models.Model):
    """A bookable period at a center, optionally for one window and/or one item, with ``capacity`` places."""

    unit = models.ForeignKey("org.Unit", verbose_name="中心", on_delete=models.PROTECT, related_name="slots")
    window = models.ForeignKey("org.Window", verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="slots")
    item = models.ForeignKey("catalog.ServiceItem", verbose_name="事项", null=True, blank=True,
                             on_delete=models.PROTECT,
                             related_name="slots")
    service_type = models.ForeignKey("ServiceType", verbose_name="业务类型", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="slots")
    date = models.DateField("日期")
    starts_at = models.TimeField("开始时间")
    ends_at = models.TimeField("结束时间")
    capacity = models.PositiveSmallIntegerField("名额")
    is_active = models.BooleanField("开放", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "预约时段"
        verbose_name_plural = "预约时段"
        ordering = ["date", "starts_at", "id"]
        indexes = [models.Index(fields=["unit", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="slot_capacity_positive"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_time_order"),
        ]


class AppointmentChannel(models.TextChoices):
    ONLINE = "ONLINE", "网上预约"
    PHONE = "PHONE", "电话预约"
    DESK = "DESK", "现场预约"


class AppointmentStatus(models.TextChoices):
    HELD = "HELD", "待确认"  # holds a place for HALL["BOOKING_HOLD_MINUTES"] until the SMS code is entered
    BOOKED = "BOOKED", "已预约"
    ARRIVED = "ARRIVED", "已到场"
    CANCELLED = "CANCELLED", "已取消"  # keeps its place for HALL["CANCEL_RELEASE_MINUTES"] (no trading)
    EXPIRED = "EXPIRED", "未确认已失效"
    NO_SHOW = "NO_SHOW", "爽约"
    EXCUSED = "EXCUSED", "爽约已撤销"  # e.g. booked by someone else with the person's ID: no longer counted


# A person holds at most one of these on a day (one booking per person per day).
LIVE_STATUSES = (AppointmentStatus.HELD, AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)


class Appointment(models.Model):
    """A real-name booking of one place in a slot."""

    number = models.CharField("预约号", max_length=32, unique=True)
    slot = models.ForeignKey(Slot, verbose_name="时段", on_delete=models.PROTECT, related_name="appointments")
    unit = models.ForeignKey("org.Unit", verbose_name="中心", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("日期")  # the slot's, for the one-per-day constraint
    item = models.ForeignKey("catalog.ServiceItem", verbose_name="事项", null=True, blank=True,
                             on_delete=models.PROTECT,
                             related_name="+")
    channel = models.CharField("渠道", max_length=8, choices=AppointmentChannel.choices)
    status = models.CharField("状态", max_length=10, choices=AppointmentStatus.choices)
    name = models.CharField("姓名", max_length=64)
    id_number = EncryptedTextField("身份证号码")
    id_index = BlindIndexField("证件号码检索索引", source="id_number", kind="id")
    id_masked = MaskedField("身份证号码（脱敏）", source="id_number", mask="id_staff")
    phone = EncryptedTextField("手机号码")
    phone_index = BlindIndexField("手机号码检索索引", source="phone", kind="phone")
    phone_masked = MaskedField("手机号码（脱敏）", source="phone", mask="phone")
    matter = models.CharField("办理事项说明", max_length=255, blank=True)
    code_hash = models.CharField(max_length=64)  # the confirmation (HELD) or cancellation (BOOKED) code's digest
    created_at = models.DateTimeField("预约时间")
    held_until = models.DateTimeField("保留至", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    arrived_at = models.DateTimeField("到场时间", null=True, blank=True)
    reminded_at = models.DateTimeField("提醒时间", null=True, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        verbose_name = "预约"
        verbose_name_plural = "预约"
        ordering = ["date", "slot__starts_at", "id"]
        indexes = [models.Index(fields=["slot", "status"]), models.Index(fields=["id_index", "status", "date"]),
                   models.Index(fields=["unit", "date", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["id_index", "date"], condition=Q(status__in=LIVE_STATUSES),
                                    name="appointment_one_per_person_day",
                                    violation_error_message="同一人同一天只能预约一次"),
        ]


class CompletionStatus(models.TextChoices):
    OPEN = "OPEN", "待办结"
    KEPT = "KEPT", "按约办结"
    LATE = "LATE", "逾期未办结"


class CompletionAppointment(models.Model):
    """预约办结: a matter that cannot finish today gets a promised completion date with the reason, tracked like a
    deadline (warned, swept, recorded when missed)."""

    case = models.OneToOneField("cases.Case", verbose_name="办件", on_delete=models.PROTECT,
                                related_name="completion_appointment")
    promised_on = models.DateField("约定办结日期")
    reason = models.CharField("不能即日办结的原因", max_length=255)
    status = models.CharField("状态", max_length=6, choices=CompletionStatus.choices, default=CompletionStatus.OPEN)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField("约定时间")
    settled_at = models.DateTimeField("结清时间", null=True, blank=True)
    # 特别程序 time does not count (as for the legal deadline): the promised date moves by the working days of the
    # pauses started after the promise, once each (decision 0025 §9).
    extended_days = models.PositiveSmallIntegerField("特别程序顺延工作日", default=0)

    class Meta:
        verbose_name = "预约办结"
        verbose_name_plural = "预约办结"
        ordering = ["promised_on", "id"]
        indexes = [models.Index(fields=["status", "promised_on"])]


class JointStatus(models.TextChoices):
    PLANNED = "PLANNED", "已安排"
    HELD = "HELD", "已办理"
    CANCELLED = "CANCELLED", "已取消"


class JointAppointment(models.Model):
    """预约联动: the center gathers several departments at one time for one applicant."""

    number = models.CharField("联动编号", max_length=32, unique=True)
    unit = models.ForeignKey("org.Unit", verbose_name="中心", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField("集中办理时间")
    place = models.CharField("地点", max_length=128)
    matter = models.CharField("办理事项", max_length=255)
    name = models.CharField("申请人", max_length=64)
    phone = EncryptedTextField("联系电话")
    phone_masked = MaskedField("联系电话（脱敏）", source="phone", mask="phone")
    status = models.CharField("状态", max_length=10, choices=JointStatus.choices, default=JointStatus.PLANNED)
    note = models.CharField("办理结果", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("安排时间")

    class Meta:
        verbose_name = "预约联动"
        verbose_name_plural = "预约联动"
        ordering = ["-starts_at", "-id"]


class JointDepartment(models.Model):
    """A department gathered for a joint appointment, and whether it confirmed and came."""

    joint = models.ForeignKey(JointAppointment, on_delete=models.CASCADE, related_name="departments")
    department = models.ForeignKey("org.Unit", verbose_name="部门", on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    attended = models.BooleanField("到场", null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["joint", "department"], name="joint_department_once")]


class OutreachStatus(models.TextChoices):
    PLANNED = "PLANNED", "已安排"
    DONE = "DONE", "已完成"
    CANCELLED = "CANCELLED", "已取消"


class OutreachVisit(models.Model):
    """组团服务: a team's visit to a village, scheduled and published; cases received on site are recorded with it."""

    unit = models.ForeignKey("org.Unit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("org.Region", verbose_name="服务村（社区）", on_delete=models.PROTECT,
                               related_name="+")
    place = models.CharField("服务地点", max_length=128)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    topic = models.CharField("服务内容", max_length=255)
    team = models.ManyToManyField("org.StaffProfile", verbose_name="服务团队", related_name="+")
    status = models.CharField("状态", max_length=10, choices=OutreachStatus.choices, default=OutreachStatus.PLANNED)
    summary = models.CharField("服务情况", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("安排时间")

    class Meta:
        verbose_name = "组团服务"
        verbose_name_plural = "组团服务"
        ordering = ["-starts_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="outreach_time_order")]


class OutreachIntake(models.Model):
    """A case received on site during an outreach visit, with the place."""

    visit = models.ForeignKey(OutreachVisit, on_delete=models.PROTECT, related_name="intakes")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="outreach_intake")
    place = models.CharField("受理地点", max_length=128)
    recorded_at = models.DateTimeField()


# --- 取号叫号 -----------------------------------------------------------------------------------------------------


class ServiceType(models.Model):
    """A business type of a center's queue (综合受理, 不动产登记 …): its ticket letter and the windows that call it."""

    unit = models.ForeignKey("org.Unit", verbose_name="中心", on_delete=models.PROTECT, related_name="service_types")
    letter = models.CharField("号码字母", max_length=2)
    name = models.CharField("业务类型", max_length=64)
    windows = models.ManyToManyField("org.Window", verbose_name="办理窗口", related_name="service_types")
    default_minutes = models.PositiveSmallIntegerField("平均办理时长（分钟）", default=10,
                                                       help_text="当日尚无办结记录时用于估算等候时间")
    is_active = models.BooleanField("启用", default=True)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "业务类型"
        verbose_name_plural = "业务类型"
        ordering = ["unit", "position", "letter"]
        constraints = [models.UniqueConstraint(fields=["unit", "letter"], name="service_type_letter")]

    def __str__(self) -> str:
        return f"{self.letter} {self.name}"


class TicketSource(models.TextChoices):
    KIOSK = "KIOSK", "自助取号"
    STAFF = "STAFF", "人工取号"
    APPOINTMENT = "APPOINTMENT", "预约签到"


class TicketStatus(models.TextChoices):
    WAITING = "WAITING", "等候中"
    CALLED = "CALLED", "已呼叫"
    SERVING = "SERVING", "办理中"
    DONE = "DONE", "已办结"
    SKIPPED = "SKIPPED", "已跳过"
    NO_SHOW = "NO_SHOW", "过号"


class Ticket(models.Model):
    """A queue ticket. The call order: appointments first once ``ready_at`` (2 minutes before their time) has come,
    then walk-ins, each by ``ready_at`` and number."""

    unit = models.ForeignKey("org.Unit", verbose_name="中心", on_delete=models.PROTECT, related_name="+")
    service_type = models.ForeignKey(ServiceType, verbose_name="业务类型", on_delete=models.PROTECT,
                                     related_name="tickets")
    day = models.DateField("日期")
    seq = models.PositiveIntegerField()
    number = models.CharField("号码", max_length=8)
    source = models.CharField("来源", max_length=12, choices=TicketSource.choices)
    appointment = models.OneToOneField(Appointment, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="ticket")
    priority = models.PositiveSmallIntegerField(default=1)  # 0 an appointment, 1 a walk-in
    issued_at = models.DateTimeField("取号时间")
    ready_at = models.DateTimeField("进入叫号时间")
    status = models.CharField("状态", max_length=8, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    window = models.ForeignKey("org.Window", verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    called_by = models.ForeignKey("org.StaffProfile", verbose_name="叫号人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    call_count = models.PositiveSmallIntegerField("呼叫次数", default=0)
    called_at = models.DateTimeField("首次呼叫时间", null=True, blank=True)
    last_called_at = models.DateTimeField("最近呼叫时间", null=True, blank=True)
    serving_at = models.DateTimeField("开始办理时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    case = models.ForeignKey("cases.Case", verbose_name="办件", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    inquiry = models.ForeignKey("inquiries.Inquiry", verbose_name="咨询", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = "排队号"
        verbose_name_plural = "排队号"
        ordering = ["day", "seq"]
        indexes = [models.Index(fields=["unit", "day", "status", "priority", "ready_at", "seq"],
                                name="ticket_call_order")]
        constraints = [models.UniqueConstraint(fields=["unit", "day", "number"], name="ticket_number_per_day")]


class Counter(models.Model):
    """A window open for calling (开窗叫号) by a clerk, from ``opened_at`` until ``closed_at``. The open windows of a
    business type divide its estimated wait."""

    window = models.ForeignKey("org.Window", verbose_name="窗口", on_delete=models.PROTECT, related_name="counters")
    staff = models.ForeignKey("org.StaffProfile", verbose_name="工作人员", on_delete=models.PROTECT,
                              related_name="+")
    opened_at = models.DateTimeField("开窗时间")
    closed_at = models.DateTimeField("关窗时间", null=True, blank=True)

    class Meta:
        verbose_name = "开窗记录"
        verbose_name_plural = "开窗记录"
        ordering = ["-opened_at"]
        constraints = [models.UniqueConstraint(fields=["window"], condition=Q(closed_at__isnull=True),
                                               name="counter_one_open_per_window")]


class TicketCounter(models.Model):
    """The day's last ticket number of a business type (``core.counters``)."""

    service_type = models.ForeignKey(ServiceType, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service_type", "day"], name="ticket_counter_scope")]


class NumberCounter(models.Model):
    """The day's last appointment (YY) or joint appointment (LD) number of a center (``core.counters``)."""

    prefix = models.CharField(max_length=2)
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "unit", "day"], name="hall_number_scope")]
