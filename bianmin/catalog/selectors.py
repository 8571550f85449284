"""Reads of the catalogue for the public site, the API and staff screens."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from bianmin.core.ttlcache import TTLCache

from .models import Faq, Fee, ItemVersion, KindRule, Material

# Published versions pinned by cases, with their item, materials and fees, per process. Their content never changes (a
# change makes a new version); only ``status``/``is_current`` move when a newer one is published, and case pages
# do not read those. Any save or delete of a version, item or fee in this process empties it (apps.py).
_pinned: TTLCache[int, ItemVersion] = TTLCache(300.0, max_entries=2_000)


def pinned_version(pk: int) -> ItemVersion:
    """Return the version ``pk`` with its item, materials and fees loaded, for reading only (shared by this
    process's requests: never modify or save the returned object)."""
    version = _pinned.get(pk)
    if version is None:
        version = (ItemVersion.objects.select_related("item")
                   .prefetch_related("materials", Prefetch("fees", queryset=Fee.objects.order_by("id"))).get(pk=pk))
        _pinned.set(pk, version)
    return version


def forget_pinned_versions(**_signal_kwargs: object) -> None:
    """Empty this process's copies of pinned versions (connected to the catalogue's model signals)."""
    _pinned.clear()


def current_versions(*, q: str = "", department: str = "", level: str = "", kind: str = "") -> QuerySet[ItemVersion]:
    """Return the current version of every item matching the filters, by code."""
    qs = (ItemVersion.objects.filter(is_current=True)
          .select_related("item", "implementing_unit").order_by("item__code"))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(item__code__iexact=q) | Q(implementing_organ__icontains=q))
    if department:
        qs = qs.filter(implementing_unit__code=department)
    if level:
        qs = qs.filter(level=level)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def _with_details(qs: QuerySet[ItemVersion]) -> QuerySet[ItemVersion]:
    return (qs.select_related("item", "implementing_unit")
            .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("order", "id")),
                              Prefetch("fees", queryset=Fee.objects.order_by("id")),
                              Prefetch("faqs", queryset=Faq.objects.order_by("order", "id")),
                              "joint_units"))


def current_version_by_code(code: str) -> ItemVersion | None:
    """Return the current version of item ``code`` with materials, fees and FAQ, or None."""
    return _with_details(ItemVersion.objects.filter(item__code=code, is_current=True)).first()


def version_by_number(code: str, number: int) -> ItemVersion | None:
    """Return a published or superseded version (old versions stay readable), or None."""
    return (_with_details(ItemVersion.objects.filter(item__code=code, number=number))
            .exclude(status="DRAFT").first())


def item_history(code: str) -> QuerySet[ItemVersion]:
    """Return the non-draft versions of an item, newest first."""
    return ItemVersion.objects.filter(item__code=code).exclude(status="DRAFT").order_by("-number")


def material_for_download(code: str, number: int, material_id: int) -> Material | None:
    """Return a material of a published or superseded version, or None."""
    return (Material.objects.filter(pk=material_id, version__item__code=code, version__number=number)
            .exclude(version__status="DRAFT").first())


@dataclass(frozen=True)
class KindLimits:
    """A kind's intake, hand-over and result-notice limits in working days (defaults when no row is set)."""

    intake_working_days: int = 5
    start_within_working_days: int = 1
    result_notice_working_days: int = 10


_kind_rules: TTLCache[str, KindLimits] = TTLCache(60.0, max_entries=32)


def kind_rule(kind: str) -> KindLimits:
    """Return the limits that apply to items of ``kind`` (cached a minute per process; emptied on any change)."""
    limits = _kind_rules.get(kind)
    if limits is None:
        row = (KindRule.objects.filter(kind=kind)
               .values("intake_working_days", "start_within_working_days", "result_notice_working_days").first())
        limits = KindLimits(**row) if row else KindLimits()
        _kind_rules.set(kind, limits)
    return limits


def forget_kind_rules(**_signal_kwargs: object) -> None:
    """Empty this process's copies of the kind rules (connected to KindRule's model signals)."""
    _kind_rules.clear()
