"""Writers for the organisation: tree paths, absences with the A/B rule."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from bianmin.accounts.policies import can, require
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.errors import DomainError

from .models import Absence, AbsenceKind, Post, Region, StaffProfile, Unit
from .policies import staff_profile_of


def _path(parent, code: str) -> str:
    return f"{parent.path if parent else '/'}{code}/"


@transaction.atomic
def save_region(region: Region) -> Region:
    """Save ``region`` with its stored path, re-pathing descendants when it moved."""
    if region.parent_id and f"/{region.code}/" in region.parent.path:
        raise DomainError.for_field("parent", "上级区划不能是自身或下级区划")
    old_path = Region.objects.filter(pk=region.pk).values_list("path", flat=True).first() if region.pk else None
    region.path = _path(region.parent, region.code)
    region.save()
    if old_path and old_path != region.path:
        for child in Region.objects.filter(path__startswith=old_path).exclude(pk=region.pk).order_by("path"):
            child.path = region.path + child.path[len(old_path):]
            child.save(update_fields=["path"])
    return region


@transaction.atomic
def save_unit(unit: Unit) -> Unit:
    """Save ``unit`` with its stored path, re-pathing descendants when it moved."""
    if unit.parent_id and f"/{unit.code}/" in unit.parent.path:
        raise DomainError.for_field("parent", "上级单位不能是自身或下级单位")
    old_path = Unit.objects.filter(pk=unit.pk).values_list("path", flat=True).first() if unit.pk else None
    unit.path = _path(unit.parent, unit.code)
    unit.save()
    if old_path and old_path != unit.path:
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("path"):
            child.path = unit.path + child.path[len(old_path):]
            child.save(update_fields=["path"])
    return unit


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
    """Return an absence of ``staff``'s A/B partner overlapping the dates, or None."""
    qs = Absence.objects.filter(staff__in=_partners(staff), start_date__lte=end_date, end_date__gte=start_date)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("staff").first()


def clash_message(clash: Absence) -> str:
    """Return the error shown when A and B would be away together."""
    return (f"同一岗位的{clash.staff.name}在{clash.start_date}至{clash.end_date}已登记离岗，"
            "AB角不能同时离岗；确需同时离岗须由中心领导批准")


def register_absence(*, actor, staff: StaffProfile, kind: AbsenceKind, start_date: dt.date, end_date: dt.date,
                     now: dt.datetime, note: str = "", leader_override: bool = False) -> Absence:
    """Register an absence; A and B of one post may not both be away unless a leader overrides.

    Raises DomainError naming ``end_date`` for reversed dates and ``start_date`` when the partner is away,
    Forbidden when the actor may not register it.
    """
    own = getattr(staff_profile_of(actor), "pk", None) == staff.pk
    if not (own or can(actor, Perm.MANAGE_ORG) or can(actor, Perm.APPROVE)):
        require(actor, Perm.MANAGE_ORG)
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
