"""Read what the generator needs from the database once (units, window staff, item versions, calendars, the pool
of sealed applicants) and plan the load as batches of (unit, day) cells."""
from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from bianmin.accountability.models import Violation
from bianmin.accounts.roles import Role, group_name
from bianmin.cases.models import Case, CaseEvent, CaseMaterial, CasePause, Extension, Notice
from bianmin.cases.warnings import yellow_threshold
from bianmin.cases.workflow import derive_class
from bianmin.catalog.models import ItemVersion
from bianmin.core.crypto import sealed_columns
from bianmin.core.validators import id_check_char
from bianmin.org.models import HeadOf, Region, StaffProfile, UnitKind
from bianmin.org.models import Unit as UnitModel
from bianmin.workdays.models import CalendarDay
from bianmin.workdays.selectors import get_calendar

from .generate import (
    CASE_COLUMNS,
    EVENT_COLUMNS,
    EXTENSION_COLUMNS,
    IDS_PER_CASE,
    MATERIAL_COLUMNS,
    MAX_MATERIALS,
    NOTICE_COLUMNS,
    PATHS,
    PAUSE_COLUMNS,
    SCOPE_COLUMNS,
    VIOLATION_COLUMNS,
    Batch,
    Context,
    Handler,
    Unit,
    Version,
    wire,
)
from .rows import NULL, TableFormat, esc, table_format, text

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "明华芳静丽强磊军洋勇艳杰娟涛超霞平刚"
CASE_UNIT_KINDS = (UnitKind.COUNTY_CENTER, UnitKind.TOWN_CENTER, UnitKind.INSTITUTION_DESK)


class NoDemoData(Exception):
    """No unit with window staff, or no current item version: seed_demo has not run."""


def applicant_columns() -> tuple[str, ...]:
    """Return the applicant's columns as the generator writes them: kind, name, ID type, then every column
    ``sealed_columns`` writes for the ID number and the phone (ciphertext, blind index, masked copies)."""
    probe = sealed_columns(Case, applicant_id_number="11010519491231002X", applicant_phone="13800138000")
    return ("applicant_kind", "applicant_name", "applicant_id_type", *probe)


def formats() -> dict[str, TableFormat]:
    """Return the format of each table's lines (raises ``rows.MissingColumn`` for a column nobody fills)."""
    scope = {"scope_candidates": SCOPE_COLUMNS}
    return {"case": table_format(Case, (*CASE_COLUMNS, *applicant_columns()), **scope),
            "event": table_format(CaseEvent, EVENT_COLUMNS, **scope),
            "material": table_format(CaseMaterial, MATERIAL_COLUMNS, **scope),
            "notice": table_format(Notice, NOTICE_COLUMNS, **scope),
            "pause": table_format(CasePause, PAUSE_COLUMNS, **scope),
            "extension": table_format(Extension, EXTENSION_COLUMNS, **scope),
            "violation": table_format(Violation, VIOLATION_COLUMNS, **scope)}


def seal_applicants(specs: list[tuple[int, str, int]]) -> list[list[tuple[str, str]]]:
    """Return, for each (seed, area code, size), a pool of applicants as the case columns after the unit's: a name,
    a resident ID under the area code and a test-range mobile, sealed as ``receive_case`` stores them (decision
    0018). Sealing costs ~80 µs a person, so the generator draws applicants from these pools (people apply more
    than once) instead of sealing per case."""
    pools = []
    for seed, area, size in specs:
        rng = random.Random(seed)
        pool = []
        for _ in range(size):
            first17 = (f"{area}{1950 + rng.randrange(55)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
                       f"{rng.randrange(1000):03d}")
            sealed = sealed_columns(Case, applicant_id_number=first17 + id_check_char(first17),
                                    applicant_phone=f"1990{rng.randrange(10_000_000):07d}")
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            pool.append((name, "\t".join(["PERSON", name, "RESIDENT_ID", *(text(v) for v in sealed.values())])))
        pools.append(pool)
    return pools


def pool_size(cases: int, counties: int) -> int:
    """Return how many applicants each county's pool holds: about one per 30 cases, 100,000 in all at most,
    between 300 and 20,000 a county."""
    return max(300, min(20_000, min(cases // 30, 100_000) // max(counties, 1)))


def build_context(*, seed: int, days: int, cases: int,
                  seal: Callable[[list[tuple[int, str, int]]], list[list[tuple[str, str]]]] = seal_applicants
                  ) -> Context:
    """Read the units that take cases (with their window staff), the current item versions and the calendars;
    ``seal`` makes the applicant pools (``seal_applicants``, perhaps spread over processes).

    Raises NoDemoData when there is nothing to generate cases for."""
    regions = {r.pk: r for r in Region.objects.all()}
    window = group_name(Role.WINDOW)
    units = list(UnitModel.objects.filter(kind__in=CASE_UNIT_KINDS).select_related("region").order_by("path"))
    staff: dict[int, list[Handler]] = {}
    for profile in (StaffProfile.objects.filter(unit__in=units, user__groups__name=window)
                    .order_by("unit_id", "pk").values("pk", "user_id", "name", "unit_id")):
        staff.setdefault(profile["unit_id"], []).append(
            Handler(staff_id=profile["pk"], user_id=profile["user_id"], name=wire(esc(profile["name"]))))
    units = [u for u in units if u.pk in staff]
    versions = list(ItemVersion.objects.filter(is_current=True).prefetch_related("materials").order_by("pk"))
    if not units or not versions:
        raise NoDemoData("请先运行 seed_demo")
    by_level: dict[str, list[Version]] = {"INSTITUTION": [], "TOWN": [], "COUNTY": []}
    for v in versions:
        level = "TOWN" if v.level in ("TOWN", "VILLAGE") else v.level
        if level in by_level:
            by_level[level].append(Version(
                pk=v.pk, limit=v.committed_limit, legal=v.legal_limit,
                special=wire(v.special_procedures[0]) if v.special_procedures else "",
                extension_days=v.extension_days if v.extension_allowed else 0,
                yellow=yellow_threshold(v.committed_limit),
                materials=[wire(f"{m.pk}\t{esc(m.name)}\t{m.necessity}\tPAPER\t1\tt")
                           for m in list(v.materials.all())[:MAX_MATERIALS]]))
    today = timezone.localdate()
    # Regions with days of their own (local holidays) get their own calendar; the others share the national one.
    local = set(CalendarDay.objects.filter(region__isnull=False).values_list("region__code", flat=True))
    calendars: list = []
    calendar_of: dict[tuple[str, ...], int] = {}
    counties: dict[int, int] = {}
    county_codes: list[str] = []
    table_formats = formats()
    out: list[Unit] = []
    for u in units:
        key = tuple(c for c in u.region.path.split("/") if c in local)
        if key not in calendar_of:
            calendar_of[key] = len(calendars)
            calendars.append(get_calendar(u.region))
        county = regions[u.county_id]  # stored by save_unit (the distribution key of its cases)
        if county.pk not in counties:
            counties[county.pk] = len(county_codes)
            county_codes.append(county.code)
        level = ("INSTITUTION" if u.kind == UnitKind.INSTITUTION_DESK
                 else "TOWN" if u.kind == UnitKind.TOWN_CENTER else "COUNTY")
        scope = {"unit_id": str(u.pk), "unit_path": esc(u.path), "county_id": str(county.pk)}
        ends = {name: wire("".join("\t" + scope[c] for c in fmt.scope) + fmt.tail)
                for name, fmt in table_formats.items()}
        out.append(Unit(pk=u.pk, code=wire(u.code), staff=staff[u.pk], versions=by_level[level] or by_level["COUNTY"],
                        calendar=calendar_of[key], applicants=counties[county.pk], ends=ends))
    size = pool_size(cases, len(county_codes))
    pools = [[(wire(name), wire(columns)) for name, columns in pool]  # the generator's text (``generate.wire``)
             for pool in seal([(seed * 1000 + i, code[:6].ljust(6, "0"), size) for i, code in enumerate(county_codes)])]
    head = StaffProfile.objects.filter(head_of=HeadOf.ORGAN).order_by("pk").first()
    classes = {}
    for i, (final, _w, path) in enumerate(PATHS):
        for immediate in (False, True):
            classes[i, immediate] = str(derive_class(
                status=final, immediate=immediate, urgent=False, deferred_materials=False,
                accepted="ACCEPTED" in path, returned="NOT_ACCEPTED" in path or "RETURNED" in path))
    ctx = Context(seed=seed, first_day=today - dt.timedelta(days=days), today=today, now_text=wire(text(timezone.now())),
                  units=out, calendars=calendars, applicants=pools, formats=table_formats,
                  approver=str(head.user_id) if head else NULL, classes=classes)
    ctx.prepare(ZoneInfo(settings.TIME_ZONE), days + 800)  # deadlines and events run on past today
    return ctx


def plan_batches(ctx: Context, *, cases: int, days: int, batch: int, first_ids: dict[str, int],
                 last_numbers: dict[tuple[int, dt.date], int]) -> tuple[list[Batch], dict[tuple[int, dt.date], int]]:
    """Spread ``cases`` over the units (evenly) and their working days in the range (evenly, each day's volume
    varying by about 20 %), and cut the (unit, day) cells, in day order, into batches of about ``batch`` cases.

    ``first_ids`` holds, per table of ``IDS_PER_CASE``, the first of ``cases`` × that many ids reserved for the
    load; ``last_numbers`` holds each (unit id, day)'s last case number so far. Returns the batches and the new last
    numbers of the cells that got cases."""
    rng = random.Random(ctx.seed)
    workdays = [[i for i in range(days) if ctx.calendars[c].is_workday(ctx.date(i))] or [days - 1]
                for c in range(len(ctx.calendars))]
    cells: list[list[int]] = []  # [day, unit index, count]
    for ui, unit in enumerate(ctx.units):
        own = workdays[unit.calendar]
        expected = cases / len(ctx.units) / len(own)
        for day in own:
            x = max(expected * rng.gauss(1, 0.2), 0)
            cells.append([day, ui, math.floor(x + rng.random())])
    diff = cases - sum(c[2] for c in cells)
    while diff:
        cell = cells[rng.randrange(len(cells))]
        if diff > 0:
            cell[2] += 1
            diff -= 1
        elif cell[2]:
            cell[2] -= 1
            diff += 1
    cells.sort()
    batches: list[Batch] = []
    current: list[tuple[int, int, int, int]] = []
    size = 0
    next_ids = dict(first_ids)
    new_last: dict[tuple[int, dt.date], int] = {}
    for day, ui, count in cells:
        if not count:
            continue
        key = (ctx.units[ui].pk, ctx.date(day))
        last = last_numbers.get(key, 0)
        current.append((ui, day, count, last))
        new_last[key] = last + count
        size += count
        if size >= batch:
            batches.append(Batch(index=len(batches), first_ids=dict(next_ids), cells=current))
            next_ids = {name: first + size * IDS_PER_CASE[name] for name, first in next_ids.items()}
            current, size = [], 0
    if current:
        batches.append(Batch(index=len(batches), first_ids=dict(next_ids), cells=current))
    return batches, new_last
