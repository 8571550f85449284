"""Writers for the organisation: tree paths, 首席责任人, meeting cadences, absences with the A/B rule."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bianmin.accounts.policies import can, require
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.errors import DomainError

from .models import Absence, AbsenceKind, Cadence, Post, Region, RegionLevel, Sector, StaffProfile, Unit, UnitKind
from .policies import staff_profile_of

if TYPE_CHECKING:
    from bianmin.users.models import User


def _path(parent: Region | Unit | None, code: str) -> str:
    return f"{parent.path if parent else '/'}{code}/"


@transaction.atomic
def save_region(region: Region) -> Region:
    """Save ``region`` with its stored path, re-pathing descendants when it moved.

    Raises DomainError naming ``parent`` when the parent is the region itself or one below it."""
    parent = region.parent
    if parent is not None and f"/{region.code}/" in parent.path:
        raise DomainError.for_field("parent", "上级区划不能是自身或下级区划")
    old_path = Region.objects.filter(pk=region.pk).values_list("path", flat=True).first() if region.pk else None
    check_county_move(region)
    region.path = _path(parent, region.code)
    region.save()
    if old_path and old_path != region.path:
        for child in Region.objects.filter(path__startswith=old_path).exclude(pk=region.pk).order_by("path"):
            child.path = region.path + child.path[len(old_path):]
            child.save(update_fields=["path"])
    return region


@transaction.atomic
def save_unit(unit: Unit) -> Unit:
    """Save ``unit`` with its stored path, re-pathing descendants when it moved.

    Raises DomainError naming ``parent`` when the parent is the unit itself or one below it, ``sector`` or
    ``parent`` as ``check_sector``, or ``chief_responsible`` as ``check_chief``."""
    parent = unit.parent
    if parent is not None and f"/{unit.code}/" in parent.path:
        raise DomainError.for_field("parent", "上级单位不能是自身或下级单位")
    check_sector(unit)
    if unit.chief_responsible_id:
        check_chief(unit.chief_responsible, unit_id=unit.pk, parent=parent)
    old_path = Unit.objects.filter(pk=unit.pk).values_list("path", flat=True).first() if unit.pk else None
    unit.path = _path(parent, unit.code)
    unit.county = county_of(unit.region)
    check_unit_county(unit)
    unit.save()
    if old_path and old_path != unit.path:
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("path"):
            child.path = unit.path + child.path[len(old_path):]
            child.save(update_fields=["path"])
    return unit


def county_of(region: Region) -> Region:
    """Return the county (县级区划) that ``region`` lies in: itself, else the nearest county above it (by its stored
    path), else the top of its tree (a tree without a county level). Refuses nothing: a query."""
    if region.level == RegionLevel.COUNTY:
        return region
    codes = [code for code in region.path.strip("/").split("/") if code][:-1]  # the regions above it
    above = {r.code: r for r in Region.objects.filter(code__in=codes)}
    county = next((above[c] for c in reversed(codes) if c in above and above[c].level == RegionLevel.COUNTY), None)
    return county or (above.get(codes[0], region) if codes else region)


def check_unit_county(unit: Unit) -> None:
    """A unit lies in the county of the unit above it, and keeps its county once it has cases: a county's cases and
    its staff's scope stay within one county, the key the case tables are distributed by (docs/scaling.md).

    Raises DomainError naming ``region``."""
    parent = unit.parent
    if parent is not None and parent.county_id != unit.county_id:
        raise DomainError.for_field("region", f"单位须与上级单位{parent.name}在同一县（市、区）内")
    if not unit.pk:
        return
    before = Unit.objects.filter(pk=unit.pk).values_list("county_id", flat=True).first()
    if before is None or before == unit.county_id:
        return
    if Unit.objects.filter(parent_id=unit.pk).exists():
        raise DomainError.for_field("region", "本单位有下级单位，不能改到其他县（市、区）；请先调整下级单位")
    if unit.cases.exists():
        raise DomainError.for_field("region", "本单位已有办件，不能改到其他县（市、区）：办件按县存放，须迁移数据")


def check_county_move(region: Region) -> None:
    """A region that would lie in another county after this change (a new parent or level) takes no units with it:
    their cases are stored by county.

    Raises DomainError naming ``parent``."""
    stored = Region.objects.filter(pk=region.pk).first() if region.pk else None
    if stored is None:
        return
    after = Region(pk=region.pk, code=region.code, level=region.level, path=_path(region.parent, region.code))
    if (county_of(after).pk != county_of(stored).pk
            and Unit.objects.filter(region__path__startswith=stored.path).exists()):
        raise DomainError.for_field("parent", "该区划下已有单位，不能改属其他县（市、区）：办件按县存放，须迁移数据")


def check_sector(unit: Unit) -> None:
    """A hospital is a desk (机构便民服务窗口) with its 科室 below it (decision 0026 §1–§2): the sector "医院" is for
    those two kinds only, and a 科室 sits directly under its hospital's desk. Raises DomainError naming the field."""
    if unit.kind == UnitKind.HOSPITAL_DEPT:
        if unit.sector != Sector.HOSPITAL:
            raise DomainError.for_field("sector", "医院科室的行业应为“医院”")
        parent = unit.parent
        if parent is None or parent.kind != UnitKind.INSTITUTION_DESK or parent.sector != Sector.HOSPITAL:
            raise DomainError.for_field("parent", "医院科室的上级单位应为本医院的便民服务中心"
                                                  "（行业为“医院”的机构便民服务窗口）")
    elif unit.sector == Sector.HOSPITAL and unit.kind != UnitKind.INSTITUTION_DESK:
        raise DomainError.for_field("sector", "只有机构便民服务窗口（医院便民服务中心）和医院科室的行业可以为“医院”")
    if (unit.pk and not (unit.sector == Sector.HOSPITAL and unit.kind == UnitKind.INSTITUTION_DESK)
            and Unit.objects.filter(parent_id=unit.pk, kind=UnitKind.HOSPITAL_DEPT).exists()):
        raise DomainError.for_field("sector", "本单位下设医院科室，不能改为非医院的单位；请先停用或移走其科室")


def check_chief(chief: StaffProfile | None, *, unit_id: int | None, parent: Unit | None) -> None:
    """Check that ``chief`` may be the 首席责任人 of the unit ``unit_id`` placed under ``parent``.

    The chief is an active staff member of the unit itself or of a unit above it (a county leader may be the
    chief of a town center, never the reverse). Raises DomainError naming ``chief_responsible``.
    """
    if chief is None:
        return
    own = unit_id is not None and chief.unit_id == unit_id
    above = parent is not None and parent.path.startswith(chief.unit.path)
    if not (own or above):
        raise DomainError.for_field("chief_responsible", f"首席责任人须为本单位或上级单位的工作人员，{chief.name}"
                                                         f"所在的{chief.unit.name}不在本单位之上")
    if not chief.is_active:
        raise DomainError.for_field("chief_responsible", f"首席责任人须在岗，{chief.name}已不在岗")


_CADENCE_ORDER = {Cadence.WEEKLY: 1, Cadence.MONTHLY: 2, Cadence.QUARTERLY: 3}


def check_meeting_cadence(*, joint_cadence: str, regular_cadence: str) -> None:
    """Check a unit kind's meeting cadences: known values, and a 工作例会 no rarer than the 联席会议.

    Raises DomainError naming ``joint_cadence`` or ``regular_cadence``.
    """
    if joint_cadence not in Cadence.values:
        raise DomainError.for_field("joint_cadence", "联席会议周期只能是每周、每月或每季度")
    if regular_cadence and regular_cadence not in Cadence.values:
        raise DomainError.for_field("regular_cadence", "工作例会周期只能是每周、每月、每季度或留空（不召开）")
    if regular_cadence and _CADENCE_ORDER[Cadence(regular_cadence)] > _CADENCE_ORDER[Cadence(joint_cadence)]:
        raise DomainError.for_field("regular_cadence", "工作例会周期不能长于联席会议周期")


def _partners(staff: StaffProfile) -> list[StaffProfile]:
    """Return the staff who share a post with ``staff`` (its A or B)."""
    posts = Post.objects.filter(Q(a_staff=staff) | Q(b_staff=staff)).select_related("a_staff", "b_staff")
    partners = []
    for post in posts:
        other = post.b_staff if post.a_staff_id == staff.pk else post.a_staff
        if other is not None:
            partners.append(other)
    return partners


def partner_absence(staff: StaffProfile, start_date: dt.date, end_date: dt.date,
                    exclude_pk: int | None = None) -> Absence | None:
    """Return an absence of ``staff``'s A/B partner overlapping the dates, or None.

    Refuses nothing: a query; the caller decides what a clash means."""
    qs = Absence.objects.filter(staff__in=_partners(staff), start_date__lte=end_date, end_date__gte=start_date)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("staff").first()


def clash_message(clash: Absence) -> str:
    """Return the error shown when A and B would be away together.

    Refuses nothing: it only words the message; the caller raises or shows it."""
    return (f"同一岗位的{clash.staff.name}在{clash.start_date}至{clash.end_date}已登记离岗，"
            "AB角不能同时离岗；确需同时离岗须由中心领导批准")


def register_absence(*, actor: User, staff: StaffProfile, kind: AbsenceKind, start_date: dt.date, end_date: dt.date,
                     now: dt.datetime, note: str = "", leader_override: bool = False) -> Absence:
    """Register an absence; A and B of one post may not both be away unless a leader overrides.

    Raises DomainError naming ``end_date`` for reversed dates and ``start_date`` for a day before today or when the
    partner is away,
    Forbidden when the actor may not register it (one's own absence needs the workbench: the auditor, who may
    write nothing, has none) or overrides a clash without APPROVE.
    """
    own = getattr(staff_profile_of(actor), "pk", None) == staff.pk and can(actor, Perm.USE_WORKBENCH)
    if not (own or can(actor, Perm.MANAGE_ORG) or can(actor, Perm.APPROVE)):
        require(actor, Perm.MANAGE_ORG)
    if start_date < timezone.localtime(now).date():
        raise DomainError.for_field("start_date", "开始日期不能早于今天（已过去的离岗不能补登）")
    if end_date < start_date:
        raise DomainError.for_field("end_date", "结束日期不能早于开始日期")
    with audited_atomic():
        clash = partner_absence(staff, start_date, end_date)
        if clash and not leader_override:
            raise DomainError.for_field("start_date", clash_message(clash))
        if clash:
            require(actor, Perm.APPROVE)
        absence = Absence.objects.create(staff=staff, kind=kind, start_date=start_date, end_date=end_date, note=note,
                                         override_by=actor if clash else None)
        record(action=AuditAction.CONFIG_CREATE, summary=f"登记离岗：{staff.name} {start_date}至{end_date}",
               actor=actor, obj=absence, now=now, data={"kind": str(kind), "override": bool(clash)})
    return absence
