"""全程代理: a relay request (代办件) taken at a village station, its materials and its hand-overs (交接) up the route
to the deciding organ, which opens the case (decision 0023 §1–§2)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from bianmin.cases.models import Applicant
from bianmin.core.uploads import validate_upload


class RelayStatus(models.TextChoices):
    REGISTERED = "REGISTERED", "已收件（代办站）"
    IN_TRANSIT = "IN_TRANSIT", "交接中"
    AT_TOWN = "AT_TOWN", "镇中心已签收"
    REVIEWING = "REVIEWING", "下级机关初审中"
    OPENED = "OPENED", "决定机关已收件"
    RETURNING = "RETURNING", "办理结果回送中"
    AT_STATION = "AT_STATION", "结果已到代办站，待送达"
    DELIVERED = "DELIVERED", "已送达申请人"
    CLOSED = "CLOSED", "已归档上报"


class Direction(models.TextChoices):
    UP = "UP", "上送"
    REVIEW = "REVIEW", "下级机关初审"
    DOWN = "DOWN", "结果回送"


class HandOverStatus(models.TextChoices):
    SENT = "SENT", "待签收"
    SIGNED = "SIGNED", "已签收"
    REFUSED = "REFUSED", "已拒收"


class HopWarning(models.TextChoices):
    """What the sweep has announced for an unsigned hop (once per level)."""

    NONE = "", "无"
    YELLOW = "YELLOW", "黄色预警"
    RED = "RED", "超时（已记录）"
    LATE = "LATE", "超时签收或拒收（待记录）"


class RelayCounter(models.Model):
    """Per station and year, the last relay number issued (``core.counters``)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="relaycounter_unique")]


class RelayRequest(Applicant):
    """One 代办件: the applicant's 委托 to the village agent, followed through its own number and query code.

    The case the deciding organ opens is linked in ``case``; status changes only through ``relay.services``."""

    number = models.CharField("代办编号", max_length=32, unique=True)
    query_code = models.CharField("查询码", max_length=16)
    item_version = models.ForeignKey("catalog.ItemVersion", verbose_name="事项版本", on_delete=models.PROTECT,
                                     related_name="relays")
    status = models.CharField("状态", max_length=12, choices=RelayStatus.choices, default=RelayStatus.REGISTERED)

    # The applicant's columns (personal data at rest, decision 0018) come from ``cases.models.Applicant``.

    origin_unit = models.ForeignKey("org.Unit", verbose_name="代办站", on_delete=models.PROTECT,
                                    related_name="relays_started")
    origin_path = models.CharField("代办站路径", max_length=255, db_index=True)
    deciding_unit = models.ForeignKey("org.Unit", verbose_name="决定机关（受理单位）", on_delete=models.PROTECT,
                                      related_name="relays_to_decide")
    deciding_path = models.CharField("决定机关路径", max_length=255, db_index=True)
    # The units the materials pass, origin first and deciding unit last: [{"id", "name", "kind"}].
    route = models.JSONField("代办路线", default=list)
    holder_unit = models.ForeignKey("org.Unit", verbose_name="当前持件单位", on_delete=models.PROTECT,
                                    related_name="relays_held")
    agent = models.ForeignKey("org.StaffProfile", verbose_name="代办员", on_delete=models.PROTECT,
                              related_name="relays_registered")
    responsible = models.ForeignKey("org.StaffProfile", verbose_name="代理责任人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="relays_responsible")
    # 委托书: signed on the agent's screen (with the time), or handed in as a material line.
    mandate_signed_on_screen = models.BooleanField("委托书当场签署", default=False)
    mandate_signed_at = models.DateTimeField("委托书签署时间", null=True, blank=True)
    mandate_material = models.BooleanField("委托书作为材料收取", default=False)
    expected_on = models.DateField("预计办结日期", null=True, blank=True)
    # When the result reached the station, it is delivered within ``RELAY_DELIVER_WORKING_DAYS``; the sweep warns
    # and records it late like a hop (``deliver_warning``: YELLOW, then RED once recorded).
    deliver_due_on = models.DateField("送达期限", null=True, blank=True, db_index=True)
    deliver_warning = models.CharField("送达预警", max_length=8, blank=True, default="")
    # 送达: by the station's agent with the case's 送达回证, or by post from the deciding organ.
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    delivered_to = models.CharField("签收人", max_length=64, blank=True)
    delivery_method = models.CharField("送达方式", max_length=8, blank=True)
    receipt = models.JSONField("代办受理回执", default=dict, blank=True)  # frozen content, reprinted as is
    case = models.OneToOneField("cases.Case", verbose_name="办件", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="relay")
    created_at = models.DateTimeField("登记时间", db_index=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "代办件"
        verbose_name_plural = "代办件"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RelayStatus.values), name="relay_status_valid"),
            models.CheckConstraint(condition=Q(mandate_signed_on_screen=False) | Q(mandate_signed_at__isnull=False),
                                   name="relay_mandate_signed_has_time"),
            models.CheckConstraint(condition=Q(mandate_signed_on_screen=True) | Q(mandate_material=True),
                                   name="relay_has_mandate"),
        ]

    def __str__(self) -> str:
        return self.number


class RelayMaterial(models.Model):
    """One line of the pinned checklist as the agent received it."""

    relay = models.ForeignKey(RelayRequest, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey("catalog.Material", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    name = models.CharField("材料名称", max_length=128)
    copies = models.PositiveSmallIntegerField("份数", default=0)
    received_as = models.CharField("收取方式", max_length=12)

    class Meta:
        verbose_name = "代办材料"
        verbose_name_plural = "代办材料"
        ordering = ["id"]


class HandOver(models.Model):
    """One hop (交接): who sent which materials to whom, when, and its signature or refusal."""

    relay = models.ForeignKey(RelayRequest, on_delete=models.CASCADE, related_name="hand_overs")
    seq = models.PositiveSmallIntegerField("序号")
    direction = models.CharField("方向", max_length=8, choices=Direction.choices, default=Direction.UP)
    from_unit = models.ForeignKey("org.Unit", verbose_name="移交单位", on_delete=models.PROTECT, related_name="+")
    from_staff = models.ForeignKey("org.StaffProfile", verbose_name="移交人", on_delete=models.PROTECT,
                                   related_name="hand_overs_sent")
    to_unit = models.ForeignKey("org.Unit", verbose_name="接收单位", on_delete=models.PROTECT,
                                related_name="hand_overs_received")
    to_path = models.CharField("接收单位路径", max_length=255, db_index=True)
    materials = models.JSONField("移交材料", default=list)  # [{"name": ..., "copies": n}]
    sent_at = models.DateTimeField("移交时间")
    due_on = models.DateField("签收期限", db_index=True)
    yellow_on = models.DateField("黄色预警起始日")
    warning_level = models.CharField("已发出的预警", max_length=8, blank=True, default=HopWarning.NONE,
                                     choices=HopWarning.choices)
    status = models.CharField("状态", max_length=8, choices=HandOverStatus.choices, default=HandOverStatus.SENT)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey("org.StaffProfile", verbose_name="签收人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="hand_overs_signed")
    refused_at = models.DateTimeField("拒收时间", null=True, blank=True)
    refused_by = models.ForeignKey("org.StaffProfile", verbose_name="拒收人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    refusal_reason = models.CharField("拒收原因", max_length=255, blank=True)
    # What the hop carries in words: the lower organ's 初审意见 (REVIEW, and the hop up after it), or the result.
    opinion = models.TextField("初审意见或随附说明", blank=True)

    class Meta:
        verbose_name = "交接记录"
        verbose_name_plural = "交接记录"
        ordering = ["relay", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["relay", "seq"], name="handover_unique_seq"),
            models.CheckConstraint(condition=Q(status__in=HandOverStatus.values), name="handover_status_valid"),
            models.CheckConstraint(condition=Q(warning_level__in=HopWarning.values), name="handover_warning_valid"),
            # Signed or refused at most once: the outcome and its time come together, and never both.
            models.CheckConstraint(
                condition=(Q(status="SENT", signed_at__isnull=True, refused_at__isnull=True)
                           | Q(status="SIGNED", signed_at__isnull=False, signed_by__isnull=False,
                               refused_at__isnull=True)
                           | Q(status="REFUSED", refused_at__isnull=False, signed_at__isnull=True)),
                name="handover_one_outcome"),
            # One hop of a relay waits for its receiver at a time.
            models.UniqueConstraint(fields=["relay"], condition=Q(status="SENT"), name="handover_one_open"),
        ]
        indexes = [
            models.Index(fields=["yellow_on"], name="handover_sweep_yellow_idx",
                         condition=Q(status="SENT", warning_level="")),
            models.Index(fields=["due_on"], name="handover_sweep_red_idx",
                         condition=Q(status="SENT", warning_level__in=["", "YELLOW"])),
            models.Index(fields=["id"], name="handover_sweep_late_idx", condition=Q(warning_level="LATE")),
        ]

    def __str__(self) -> str:
        return f"{self.relay_id}#{self.seq}"


class FollowUpMethod(models.TextChoices):
    CALL = "CALL", "电话回访"
    VISIT = "VISIT", "上门回访"


class RelayFollowUp(models.Model):
    """回访: a call or visit after delivery, with what the applicant said."""

    relay = models.ForeignKey(RelayRequest, on_delete=models.CASCADE, related_name="follow_ups")
    method = models.CharField("回访方式", max_length=8, choices=FollowUpMethod.choices)
    said = models.TextField("回访内容（申请人意见）")
    at = models.DateTimeField("回访时间")
    by = models.ForeignKey("org.StaffProfile", verbose_name="回访人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "代办回访"
        verbose_name_plural = "代办回访"
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=Q(method__in=FollowUpMethod.values),
                                              name="relayfollowup_method_valid")]


def relay_file_path(instance: RelayFile, filename: str) -> str:
    import secrets

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"relays/{instance.relay_id}/{secrets.token_hex(16)}.{ext}"


class RelayFile(models.Model):
    """A photo or scan of a material taken by the agent (the camera input on a phone), checked like a case upload
    and handed to the case when the deciding unit opens it."""

    relay = models.ForeignKey(RelayRequest, on_delete=models.CASCADE, related_name="files")
    material_name = models.CharField("材料名称", max_length=128, blank=True)
    file = models.FileField(upload_to=relay_file_path, validators=[validate_upload])
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["uploaded_at", "id"]
