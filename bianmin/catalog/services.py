"""Writers for the catalogue: create items, open a new draft version, publish it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max

from bianmin.accounts.policies import require
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import record
from bianmin.core.errors import Conflict, DomainError

from .models import (
    CaseClass,
    Channel,
    Faq,
    Fee,
    ItemKind,
    ItemLevel,
    ItemVersion,
    LimitUnit,
    Material,
    ServiceItem,
    SpecialProcedure,
    VersionStatus,
)

CONTENT_FIELDS = [
    "name", "kind", "level", "implementing_unit", "implementing_organ", "legal_basis", "conditions", "procedure",
    "legal_limit", "legal_limit_unit", "committed_limit", "committed_limit_unit", "special_procedures",
    "extension_allowed", "extension_days", "default_class", "channels", "required_visits", "visits_reason",
    "appointment", "courier", "online_payment", "place", "hours", "enquiry_phone", "complaint_phone",
    "result_type", "result_name", "committed_limit_town", "committed_limit_village", "deferred_due_days",
    "lower_review_days",
]
if TYPE_CHECKING:
    from bianmin.org.models import Unit
    from bianmin.users.models import User

MATERIAL_FIELDS = ["order", "name", "original", "form", "copies", "necessity", "source", "basis", "standard",
                   "blank_form", "sample"]


MAX_DEFERRED_DUE_DAYS = 60
# 行政许可法 Art. 43 gives the lower organ 20 days (unless a law or regulation says otherwise); 60 is our bound.
MAX_LOWER_REVIEW_DAYS = 60
# 行政许可法 Art. 32 (5 days to serve a 补正 notice) and Art. 44 (10 days to issue and serve the result).
LICENSE_MAX_INTAKE_DAYS = 5
LICENSE_MAX_RESULT_DAYS = 10


def validate_kind_rule(kind: str, intake_days: int | None, start_days: int | None,
                       result_days: int | None) -> dict[str, list[str]]:
    """Return errors by field for a kind's time limits (empty when valid): 1–30 working days each, and for
    行政许可 no longer than the law allows.

    Refuses nothing: it returns the errors for the caller (the admin form) to show."""
    errors: dict[str, list[str]] = {}
    for field, value, label in (("intake_working_days", intake_days, "收件审查期限"),
                                ("start_within_working_days", start_days, "受理后移交承办期限"),
                                ("result_notice_working_days", result_days, "办结后告知结果期限")):
        if value is None or not 1 <= value <= 30:
            errors.setdefault(field, []).append(f"{label}应为1至30个工作日")
    if kind == ItemKind.LICENSE:
        if intake_days is not None and intake_days > LICENSE_MAX_INTAKE_DAYS:
            errors.setdefault("intake_working_days", []).append(
                f"行政许可事项的收件审查期限不得超过{LICENSE_MAX_INTAKE_DAYS}个工作日（行政许可法第三十二条）")
        if result_days is not None and result_days > LICENSE_MAX_RESULT_DAYS:
            errors.setdefault("result_notice_working_days", []).append(
                f"行政许可事项应在决定后{LICENSE_MAX_RESULT_DAYS}个工作日内送达结果（行政许可法第四十四条）")
    return errors


def lower_review_errors(level: str, days: int | None) -> list[str]:
    """Return the errors of a version's 下级机关初审期限 (empty when valid): 0 to 60 working days, and non-zero only
    for a county item (a town or village item has no lower organ on the relay route).

    Refuses nothing: it returns the errors for the caller (``validate_version``, the admin form) to raise or show."""
    if days is None or not 0 <= days <= MAX_LOWER_REVIEW_DAYS:
        return [f"下级机关初审期限应为0至{MAX_LOWER_REVIEW_DAYS}个工作日"]
    if days and level != ItemLevel.COUNTY:
        return ["只有县级事项可以设置下级机关初审期限（镇、村级事项没有下级机关初审），不需要初审的请填0"]
    return []


def hour_limit_errors(*, level: str, legal_unit: str, committed_unit: str, special_procedures: Iterable[str] | None,
                      extension_allowed: bool) -> dict[str, list[str]]:
    """Return the errors of limits counted in hours, by field (empty when valid): only an institution's own service
    (``ItemLevel.INSTITUTION``, a hospital desk's items) may count in hours; such an item never stops the clock
    (no special procedure) nor extends it; and a legal limit in hours needs a committed limit in hours.

    Refuses nothing: it returns the errors for the caller (``validate_version``, the admin form) to raise or show."""
    errors: dict[str, list[str]] = {}
    hourly = [f for f, unit in (("legal_limit_unit", legal_unit), ("committed_limit_unit", committed_unit))
              if unit == LimitUnit.HOURS]
    if not hourly:
        return errors
    if level != ItemLevel.INSTITUTION:
        for field in hourly:
            errors.setdefault(field, []).append("只有机构便民服务事项可以按小时计算时限")
    if legal_unit == LimitUnit.HOURS and committed_unit != LimitUnit.HOURS:
        errors.setdefault("committed_limit_unit", []).append("法定时限按小时计算的，承诺时限也应按小时计算")
    if special_procedures:
        errors.setdefault("special_procedures", []).append("按小时计算时限的事项不能设置特别程序")
    if extension_allowed:
        errors.setdefault("extension_allowed", []).append("按小时计算时限的事项不能延期")
    return errors


def _longer_than_legal(limit: int, version: ItemVersion) -> bool:
    """Whether a committed limit (in the version's committed unit) is longer than its legal limit: compared as they
    are in one unit; hours against a limit in days as that many 24-hour days (the legal day ends later)."""
    committed_unit, legal_unit = version.committed_limit_unit, version.legal_limit_unit
    if committed_unit == legal_unit:
        return limit > version.legal_limit
    if committed_unit == LimitUnit.HOURS:
        return limit > version.legal_limit * 24
    return False


def validate_version(version: ItemVersion) -> None:
    """Check that a version's content is complete and consistent (limits, channels, visits, materials).

    Raises DomainError naming ``committed_limit``, ``committed_limit_town``, ``committed_limit_village``,
    ``deferred_due_days``, ``lower_review_days``, ``extension_days``, ``channels``, ``special_procedures``,
    ``visits_reason``, ``materials``, or for limits in hours (``hour_limit_errors``) ``legal_limit_unit``,
    ``committed_limit_unit`` and ``extension_allowed``."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if _longer_than_legal(version.committed_limit, version):
        add("committed_limit", "承诺时限不能长于法定时限")
    for field, label in (("committed_limit_town", "镇（街道）"), ("committed_limit_village", "村（社区）")):
        limit = getattr(version, field)
        if limit is not None and _longer_than_legal(limit, version):
            add(field, f"{label}承诺时限不能长于法定时限")
    for field, messages in hour_limit_errors(
            level=version.level, legal_unit=version.legal_limit_unit, committed_unit=version.committed_limit_unit,
            special_procedures=version.special_procedures, extension_allowed=version.extension_allowed).items():
        for message in messages:
            add(field, message)
    if version.default_class == CaseClass.REPORTED:  # a higher organ decides: never on the day, at any level
        for field in ("committed_limit", "committed_limit_town", "committed_limit_village"):
            if getattr(version, field) == 0:
                add(field, "上报件须由上级机关决定，承诺时限不能为0")
    if not 1 <= (version.deferred_due_days or 0) <= MAX_DEFERRED_DUE_DAYS:
        add("deferred_due_days", f"补办材料补交期限应为1至{MAX_DEFERRED_DUE_DAYS}个工作日")
    for message in lower_review_errors(version.level, version.lower_review_days):
        add("lower_review_days", message)
    if version.extension_allowed and version.extension_days <= 0:
        add("extension_days", "允许延期时须填写延期时长")
    if not version.extension_allowed and version.extension_days:
        add("extension_days", "不允许延期时延期时长应为0")
    if not version.channels or any(c not in Channel.values for c in version.channels):
        add("channels", "请至少选择一个有效的办理渠道")
    if any(c not in SpecialProcedure.values for c in version.special_procedures or []):
        add("special_procedures", "特别程序只能是听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审")
    if version.required_visits and not version.visits_reason.strip():
        add("visits_reason", "需要到现场办理时须说明原因")
    if version.pk and not version.materials.exists():
        add("materials", "至少应有一项申请材料")
    if errors:
        raise DomainError("事项内容不完整或不一致", fields=errors)


def _next_number(item: ServiceItem) -> int:
    return (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def create_item(*, actor: User | None, code: str, basic_code: str, content: dict[str, Any],
                materials: list[dict[str, Any]], fees: list[dict[str, Any]], faqs: list[dict[str, Any]],
                joint_units: Iterable[Unit | int] = (), now: dt.datetime, publish: bool = False) -> ItemVersion:
    """Create an item with its first version (a draft unless ``publish``); ``actor`` None is the system (the seed).

    Raises Forbidden without MANAGE_CATALOG; DomainError naming ``code`` when it exists, or the version's invalid
    fields.
    """
    if actor is not None:
        require(actor, Perm.MANAGE_CATALOG)
    if ServiceItem.objects.filter(code=code).exists():
        raise DomainError.for_field("code", f"实施编码 {code} 已存在")
    item = ServiceItem.objects.create(code=code, basic_code=basic_code, created_at=now)
    version = ItemVersion(item=item, number=1, **content)
    validate_version(version)
    version.save()
    version.joint_units.set(joint_units)
    Material.objects.bulk_create([Material(version=version, **m) for m in materials])
    Fee.objects.bulk_create([Fee(version=version, **f) for f in fees])
    Faq.objects.bulk_create([Faq(version=version, **q) for q in faqs])
    record(action=AuditAction.CONFIG_CREATE, summary=f"新增事项：{code} {version.name}", actor=actor,
           actor_username="" if actor else "system", obj=item, now=now)
    if publish:
        publish_version(actor=actor, version=version, now=now)
    return version


@transaction.atomic
def new_draft(*, actor: User, item: ServiceItem, now: dt.datetime, change_note: str = "") -> ItemVersion:
    """Open a new draft copied from the item's newest version; published versions stay untouched.

    Raises Forbidden without MANAGE_CATALOG; Conflict when the item has a draft already (or no version at all).
    """
    require(actor, Perm.MANAGE_CATALOG)
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.versions.filter(status=VersionStatus.DRAFT).exists():
        raise Conflict("该事项已有未发布的草稿版本，请先编辑或发布该草稿")
    source = item.versions.order_by("-number").first()
    if source is None:
        raise Conflict("该事项没有任何版本")
    draft = ItemVersion(item=item, number=_next_number(item), status=VersionStatus.DRAFT, change_note=change_note,
                        **{f: getattr(source, f) for f in CONTENT_FIELDS})
    draft.save()
    draft.joint_units.set(source.joint_units.all())
    Material.objects.bulk_create([Material(version=draft, **{f: getattr(m, f) for f in MATERIAL_FIELDS})
                                  for m in source.materials.all()])
    Fee.objects.bulk_create([Fee(version=draft, name=f.name, amount=f.amount, basis=f.basis, waivable=f.waivable)
                             for f in source.fees.all()])
    Faq.objects.bulk_create([Faq(version=draft, order=q.order, question=q.question, answer=q.answer)
                             for q in source.faqs.all()])
    record(action=AuditAction.CATALOG_VERSION, summary=f"事项{item.code}新建第{draft.number}版草稿", actor=actor,
           obj=draft, now=now)
    return draft


@transaction.atomic
def publish_version(*, actor: User | None, version: ItemVersion, now: dt.datetime) -> ItemVersion:
    """Make a draft the current version; the previous current version is kept as superseded.

    Raises Forbidden without MANAGE_CATALOG (``actor`` None is the system); Conflict unless it is a draft;
    DomainError naming the version's invalid fields.
    """
    if actor is not None:
        require(actor, Perm.MANAGE_CATALOG)
    version = ItemVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise Conflict("只有草稿版本可以发布")
    validate_version(version)
    ItemVersion.objects.filter(item_id=version.item_id, is_current=True).update(
        is_current=False, status=VersionStatus.SUPERSEDED)
    version.status = VersionStatus.PUBLISHED
    version.is_current = True
    version.published_at = now
    version.save(update_fields=["status", "is_current", "published_at"])
    record(action=AuditAction.CATALOG_PUBLISH, summary=f"发布事项{version.item.code}第{version.number}版",
           actor=actor, actor_username="" if actor else "system", obj=version, now=now)
    return version


def ensure_editable(version: ItemVersion) -> None:
    """Check that a version may still be changed (only a draft may).

    Raises Conflict for a saved version that is no longer a draft (published or superseded)."""
    if version.pk and ItemVersion.objects.filter(pk=version.pk).exclude(status=VersionStatus.DRAFT).exists():
        raise Conflict("已发布的版本不能修改，请新建版本")


def prepare_draft(version: ItemVersion) -> ItemVersion:
    """Number a version created in the admin as the item's next draft (not saved).

    Refuses nothing: it only numbers the version; ``ensure_editable`` and ``publish_version`` do the checking."""
    version.number = _next_number(version.item)
    version.status = VersionStatus.DRAFT
    return version
