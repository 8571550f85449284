"""Reads of the catalogue for the public site, the API and staff screens."""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from bianmin.core.ttlcache import TTLCache
from bianmin.org.models import Sector, Unit, UnitKind

from .models import Faq, Fee, ItemLevel, ItemVersion, KindRule, Material

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


# The name and committed limit of versions by id, for lists of cases (the same rule as ``_pinned``: a version's content
# never changes; emptied with it).
_facts: TTLCache[int, tuple[str, int]] = TTLCache(300.0, max_entries=20_000)


def version_facts(pks: Iterable[int]) -> dict[int, tuple[str, int]]:
    """Return ``{pk: (name, committed_limit)}`` of the versions ``pks``: one query for those this process has not
    read in the last five minutes, none when it has (lists of cases name their item without joining it)."""
    found: dict[int, tuple[str, int]] = {}
    missing = []
    for pk in set(pks):
        facts = _facts.get(pk)
        if facts is None:
            missing.append(pk)
        else:
            found[pk] = facts
    if missing:
        for pk, name, limit in ItemVersion.objects.filter(pk__in=missing).values_list("pk", "name", "committed_limit"):
            found[pk] = (name, limit)
            _facts.set(pk, (name, limit))
    return found


def forget_pinned_versions(**_signal_kwargs: object) -> None:
    """Empty this process's copies of pinned versions (connected to the catalogue's model signals)."""
    _pinned.clear()
    _facts.clear()


# The texts of a version a citizen's words may be in: its name and result first, then what the guide says.
SEARCHED_TEXTS = ("name", "result_name", "implementing_organ", "implementing_unit__name", "legal_basis",
                  "conditions", "procedure", "place")
MAX_TERMS = 5


def current_versions(*, q: str = "", department: str = "", level: str = "", kind: str = "") -> QuerySet[ItemVersion]:
    """Return the current version of every item matching the filters: those whose name matches first, then by code.

    ``q`` is split on spaces (at most five words, each required); a word matches anywhere in any of
    ``SEARCHED_TEXTS`` ("医保" finds 城乡居民医保参保登记 and the items whose basis or conditions speak of 医保;
    "卫生许可证" finds the item whose result is 公共场所卫生许可证), or is the item's code. A substring search over a
    catalogue of a few thousand versions: no index is needed (decision 0022)."""
    qs = ItemVersion.objects.filter(is_current=True).select_related("item", "implementing_unit")
    words = unicodedata.normalize("NFKC", q).split()[:MAX_TERMS]
    if words:
        for word in words:
            anywhere = Q(item__code__iexact=word)
            for text in SEARCHED_TEXTS:
                anywhere |= Q(**{f"{text}__icontains": word})
            qs = qs.filter(anywhere)
        in_name = Q()
        for word in words:
            in_name &= Q(name__icontains=word)
        qs = qs.annotate(rank=Case(When(in_name, then=Value(0)), default=Value(1), output_field=IntegerField()))
        qs = qs.order_by("rank", "item__code")
    else:
        qs = qs.order_by("item__code")
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


# --- the hospital boundary (decision 0026 §1) ---------------------------------------------------------------------

def receivable_at(unit: Unit) -> Q:
    """The items ``unit`` may receive across the hospital boundary: a hospital's desk receives only the institution
    items it implements; a hospital's own institution items are received only at that desk; a 科室 receives none
    (the desk receives, the 科室 answers coordination). Within government centers nothing changes."""
    if unit.kind == UnitKind.HOSPITAL_DEPT:
        return Q(pk__in=[])
    if unit.is_hospital_desk:
        return Q(level=ItemLevel.INSTITUTION, implementing_unit=unit)
    return ~Q(level=ItemLevel.INSTITUTION, implementing_unit__sector=Sector.HOSPITAL)


def receive_refusal(unit: Unit, version: ItemVersion) -> str | None:
    """Why ``unit`` may not receive ``version`` (the rule of :func:`receivable_at`, read from the loaded version), or
    None when it may."""
    if unit.kind == UnitKind.HOSPITAL_DEPT:
        return "医院科室不受理办件，请由本医院便民服务中心受理"
    implementer = version.implementing_unit if version.level == ItemLevel.INSTITUTION else None
    hospital_item = implementer is not None and implementer.is_hospital
    if unit.is_hospital_desk and not (hospital_item and version.implementing_unit_id == unit.pk):
        return f"医院便民服务中心只受理本医院的服务事项，“{version.name}”请到政务服务中心办理"
    if not unit.is_hospital_desk and hospital_item:
        return f"“{version.name}”是{implementer.name if implementer else '医院'}的服务事项，请到该医院便民服务中心办理"
    return None
