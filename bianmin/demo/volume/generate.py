"""Generate cases and their history as COPY text, one batch at a time: pure Python over a prepared ``Context``
(no database, no model instances), so batches can be made in worker processes while the main one loads.

A batch is a run of cells (a unit, a day, how many cases and the unit's last number that day before them). Its random
draws come from its own seed, so the data do not depend on how many workers made them. Dates are handled as day
indexes from the first day of the range; the calendar answers of each (item version, day) are computed once.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect
from dataclasses import dataclass, field
from random import Random

from .rows import NULL, TableFormat

# (final status, weight, path of statuses from RECEIVED)
PATHS = [
    ("ARCHIVED", 52, ("RECEIVED", "ACCEPTED", "IN_PROGRESS", "DECIDED", "DELIVERED", "ARCHIVED")),
    ("DELIVERED", 16, ("RECEIVED", "ACCEPTED", "IN_PROGRESS", "DECIDED", "DELIVERED")),
    ("DECIDED", 9, ("RECEIVED", "ACCEPTED", "IN_PROGRESS", "DECIDED")),
    ("IN_PROGRESS", 7, ("RECEIVED", "ACCEPTED", "IN_PROGRESS")),
    ("ACCEPTED", 4, ("RECEIVED", "ACCEPTED")),
    ("RECEIVED", 2, ("RECEIVED",)),
    ("SUPPLEMENT", 2, ("RECEIVED", "SUPPLEMENT")),
    ("NOT_ACCEPTED", 3, ("RECEIVED", "NOT_ACCEPTED")),
    ("RETURNED", 2, ("RECEIVED", "RETURNED")),
    ("WITHDRAWN", 3, ("RECEIVED", "WITHDRAWN")),
]
ACTION_FOR = {"RECEIVED": "RECEIVE", "ACCEPTED": "ACCEPT", "IN_PROGRESS": "START", "DECIDED": "DECIDE",
              "DELIVERED": "DELIVER", "ARCHIVED": "ARCHIVE", "SUPPLEMENT": "SERVE_SUPPLEMENT",
              "NOT_ACCEPTED": "REJECT", "RETURNED": "RETURN", "WITHDRAWN": "WITHDRAW"}
OPEN = ("RECEIVED", "SUPPLEMENT", "ACCEPTED", "IN_PROGRESS")
RUNNING = ("ACCEPTED", "IN_PROGRESS")
DECIDED = ("DECIDED", "DELIVERED", "ARCHIVED")
ENDED = ("NOT_ACCEPTED", "RETURNED", "WITHDRAWN")  # closed without a decision (closed_at is the last step's)
CLOSED = [i for i, p in enumerate(PATHS) if p[0] not in OPEN]
RECENT_DAYS = 45  # open cases older than this are a rare backlog
SUPERVISOR_KINDS = ("ATTITUDE", "BUCK_PASSING", "IMPROPER_FEE")
QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # as cases.services draws them (checked by a test)

# The columns each generator writes, in the order it writes them (the unit's columns and the defaults follow).
CASE_COLUMNS = ("id", "number", "query_code", "status", "case_class", "version", "item_version_id", "committed_days",
                "received_at", "received_by_id", "intake_deadline", "intake_outcome", "accepted_at", "accepted_by_id",
                "first_handler_id", "immediate", "committed_deadline", "legal_deadline", "yellow_on",
                "warning_level", "decided_at", "outcome", "delivered_at", "delivery_method", "delivered_to",
                "closed_at")  # then the applicant's columns (``Context.applicants``)
EVENT_COLUMNS = ("id", "case_id", "at", "actor_id", "actor_name", "action", "from_status", "to_status")
MATERIAL_COLUMNS = ("id", "case_id", "material_id", "name", "necessity", "received_as", "copies", "acceptable")
NOTICE_COLUMNS = ("id", "case_id", "kind", "number", "issued_at", "served_at", "created_at", "created_by_id", "content")
PAUSE_COLUMNS = ("case_id", "kind", "basis", "expected_days", "started_on", "started_at", "started_by_id",
                 "ended_on", "ended_by_id", "ended_at", "result", "paused_working_days")
EXTENSION_COLUMNS = ("case_id", "reason", "requested_by_id", "requested_at", "status", "days", "decided_by_id",
                     "decided_at")
VIOLATION_COLUMNS = ("case_id", "kind", "staff_id", "occurred_on", "description", "source", "evidence",
                     "dedupe_key", "created_at", "status")
# Filled from the case's unit wherever a table has them (a county column added later is filled without a change).
SCOPE_COLUMNS = ("unit_id", "unit_path", "county_id")
TABLES = ("case", "event", "material", "notice", "pause", "extension", "violation")
MAX_MATERIALS = 3  # a case lists at most its item's first three materials
# The tables whose ids the generator writes, and at most how many rows a case has in each: a batch gets that many
# ids a case (reserved up front, so batches can be made in any order; ids a batch leaves unused are skipped). Taking
# ids from the sequence row by row costs the backend ~0.5 µs a row; the rarer tables still do.
IDS_PER_CASE = {"case": 1, "event": max(len(path) for _f, _w, path in PATHS), "material": MAX_MATERIALS,
                "notice": 2}


@dataclass
class Handler:
    staff_id: int
    user_id: int
    name: str  # escaped for COPY
    events: dict[int, list[str]] = field(default_factory=dict)  # path index -> each step's columns after "at"


@dataclass
class Version:
    pk: int
    limit: int
    legal: int
    special: str  # the first special procedure allowed, or ""
    extension_days: int  # 0 when no extension is allowed
    yellow: int  # working days before the deadline the yellow warning starts
    materials: list[str]  # per material (at most three), the columns after case_id


@dataclass
class Unit:
    pk: int
    code: str
    staff: list[Handler]
    versions: list[Version]
    calendar: int  # index into Context.calendars
    applicants: int  # index into Context.applicants (the unit's county)
    ends: dict[str, str]  # per table: the unit's columns (``SCOPE_COLUMNS``) and the defaults, to end each line


@dataclass
class Context:
    """Everything a batch needs, read from the database once by ``context.build_context``."""

    seed: int
    first_day: dt.date
    today: dt.date
    now_text: str  # when violations are recorded
    units: list[Unit]
    calendars: list  # WorkCalendar
    applicants: list[list[tuple[str, str]]]  # per county: (name, the applicant's columns joined: name, sealed ID…)
    formats: dict[str, TableFormat]
    approver: str  # user id of the head who approves extensions, or NULL
    classes: dict[tuple[int, bool], str]  # (path index, immediate) -> case class (``workflow.derive_class``)
    day_text: list[str] = field(default_factory=list)  # index -> "YYYY-MM-DD"
    day_compact: list[str] = field(default_factory=list)  # index -> "YYYYMMDD"
    offset_text: list[str] = field(default_factory=list)  # index -> "+08:00"
    _deadlines: dict = field(default_factory=dict)
    _workdays: dict = field(default_factory=dict)
    _stamps: dict = field(default_factory=dict)

    def prepare(self, tz, span: int) -> None:
        """Fill the day tables for ``span`` days from the first day (deadlines and events run past today)."""
        self.day_text, self.day_compact, self.offset_text = [], [], []
        for i in range(span):
            day = self.first_day + dt.timedelta(days=i)
            self.day_text.append(day.isoformat())
            self.day_compact.append(f"{day:%Y%m%d}")
            offset = dt.datetime.combine(day, dt.time(12), tz).strftime("%z")
            self.offset_text.append(f"{offset[:3]}:{offset[3:]}")

    def ts(self, minute: int) -> str:
        """Return the timestamp ``minute`` minutes after the first day's midnight (local time) as COPY text."""
        found = self._stamps.get(minute)
        if found is None:  # cached: a case writes about nine, mostly in office hours (some 100,000 distinct a year)
            day, m = divmod(minute, 1440)
            found = self._stamps[minute] = f"{self.day_text[day]} {CLOCK[m]}{self.offset_text[day]}"
        return found

    def index(self, day: dt.date) -> int:
        return day.toordinal() - self.first_day.toordinal()

    def date(self, index: int) -> dt.date:
        return self.first_day + dt.timedelta(days=index)

    def add_workdays(self, cal: int, day: int, n: int) -> int:
        """Return the day index ``n`` working days after day index ``day`` (cached)."""
        key = (cal, day, n)
        found = self._workdays.get(key)
        if found is None:
            found = self._workdays[key] = self.index(
                self.calendars[cal].add_workdays(self.date(day), n).date) if n else day
        return found

    def deadlines(self, cal: int, version: Version, day: int) -> tuple[int, int, int, int]:
        """Return (committed, legal, yellow warning day, working days until today) for a case accepted on ``day``."""
        key = (cal, version.limit, version.legal, version.yellow, day)
        found = self._deadlines.get(key)
        if found is None:
            calendar = self.calendars[cal]
            committed = self.add_workdays(cal, day, version.limit)
            legal = self.add_workdays(cal, day, version.legal)
            yellow = self.index(calendar.workdays_back(self.date(committed), version.yellow))
            between = calendar.workdays_between(self.date(day), self.today).days
            found = self._deadlines[key] = (committed, legal, yellow, between)
        return found


@dataclass(frozen=True)
class Batch:
    index: int
    first_ids: dict[str, int]  # per table of ``IDS_PER_CASE``: the first of the batch's ids (cases × that many)
    cells: list[tuple[int, int, int, int]]  # (unit index, day index, cases, last number of that unit-day before)

    @property
    def first_id(self) -> int:
        return self.first_ids["case"]

    @property
    def cases(self) -> int:
        return sum(cell[2] for cell in self.cells)


CLOCK = [f"{m // 60:02d}:{m % 60:02d}:00" for m in range(1440)]  # minute of the day -> "HH:MM:00"
QUERY_PAIRS = [a + b for a in QUERY_ALPHABET for b in QUERY_ALPHABET]
WEIGHTS = [w for _s, w, _p in PATHS]
PAIRS = len(QUERY_PAIRS)
CUMULATIVE = [sum(WEIGHTS[: i + 1]) for i in range(len(WEIGHTS))]
CLOSED_CUMULATIVE = [sum(WEIGHTS[j] for j in CLOSED[: i + 1]) for i in range(len(CLOSED))]
PATH_FLAGS = [(final, "ACCEPTED" in path, final in RUNNING, final in DECIDED) for final, _w, path in PATHS]


def handler_events(handler: Handler, index: int) -> list[str]:
    """Return, for path ``index``, each step's event columns after "at" for ``handler`` (cached on the handler)."""
    found = handler.events.get(index)
    if found is None:
        found, prev = [], ""
        for status in PATHS[index][2]:
            found.append(f"{handler.user_id}\t{handler.name}\t{ACTION_FOR[status]}\t{prev}\t{status}")
            prev = status
        handler.events[index] = found
    return found


def generate(ctx: Context, batch: Batch) -> dict[str, bytes]:
    """Return the COPY text (UTF-8) of each table in ``TABLES`` for ``batch``."""
    rng = Random(ctx.seed * 1_000_003 + batch.index)
    r = rng.random
    out: dict[str, list[str]] = {name: [] for name in TABLES}
    cases, events, materials, notices = out["case"], out["event"], out["material"], out["notice"]
    pauses, extensions, violations = out["pause"], out["extension"], out["violation"]
    today = ctx.index(ctx.today)
    yesterday = today - 1
    closing = yesterday * 1440 + 1020  # 17:00 yesterday
    ts, day_text, now_text, classes = ctx.ts, ctx.day_text, ctx.now_text, ctx.classes
    add_case, add_event, add_material, add_notice = cases.append, events.append, materials.append, notices.append
    cid = batch.first_id
    eid, mid, nid = batch.first_ids["event"], batch.first_ids["material"], batch.first_ids["notice"]
    for unit_index, day, count, last in batch.cells:
        unit = ctx.units[unit_index]
        cal = unit.calendar
        ends = unit.ends
        case_end, event_end, material_end, notice_end = ends["case"], ends["event"], ends["material"], ends["notice"]
        staff, versions = unit.staff, unit.versions
        pool = ctx.applicants[unit.applicants]
        prefix = f"{unit.code}{ctx.day_compact[day]}"
        age = today - day
        minutes = sorted(int(r() * 480) for _ in range(count))  # numbered in the order they came in
        for k in range(count):
            number = f"{prefix}{last + k + 1:04d}"
            version = versions[int(r() * len(versions))]
            path_index = bisect(CUMULATIVE, r() * CUMULATIVE[-1])
            final, accepted, running, decided = PATH_FLAGS[path_index]
            committed, legal, yellow, between = ctx.deadlines(cal, version, day)
            if final in OPEN and (age > RECENT_DAYS and r() < 0.999 or final == "RECEIVED" and age > 5
                                  or running and version.limit and between > version.limit + 2 and r() < 0.95):
                path_index = CLOSED[bisect(CLOSED_CUMULATIVE, r() * CLOSED_CUMULATIVE[-1])]
                final, accepted, running, decided = PATH_FLAGS[path_index]
            path = PATHS[path_index][2]
            handler = staff[int(r() * len(staff))]
            received = day * 1440 + 510 + minutes[k]
            immediate = accepted and version.limit == 0 and decided
            ongoing = moved = False
            pause = extension = None
            if accepted and version.special and r() < 0.05:
                paused = 2 + int(r() * 9)
                start = min(ctx.add_workdays(cal, day, 1 + int(r() * max(version.limit - 1, 1))), yesterday)
                ongoing = running and (r() < 0.3 or ctx.add_workdays(cal, start, paused) >= today)
                pause = (start, None if ongoing else paused)
                if not ongoing:
                    committed = ctx.add_workdays(cal, committed, paused)
                    legal = ctx.add_workdays(cal, legal, paused)
                    moved = True
            if accepted and version.extension_days and r() < 0.02:
                approved = not running or r() < 0.8
                extension = approved
                if approved:
                    committed = ctx.add_workdays(cal, committed, version.extension_days)
                    legal = ctx.add_workdays(cal, legal, version.extension_days)
                    moved = True
            took = int(r() * (max(version.limit, 1) + 1)) + (3 if r() < 0.04 else 0)
            decided_on = None
            if decided:
                decided_on = ctx.add_workdays(cal, day, took)
                if decided_on >= today:  # history ends yesterday
                    decided_on = max(day, yesterday)
            warning = ""
            if accepted:
                if moved:
                    yellow = ctx.index(ctx.calendars[cal].workdays_back(ctx.date(committed), version.yellow))
                if running and not ongoing:
                    warning = "RED" if committed < today else ("YELLOW" if yellow <= today else "")
                elif decided_on is not None and decided_on > committed:
                    warning = "RED"
            # Step times: acceptance 10 minutes after receipt, the decision at decided_at, the rest some hours after
            # the step before; nothing after yesterday's close of business.
            decided_at = max(decided_on * 1440 + 900, received + 30) if decided_on is not None else 0
            stamps, moment = [], received
            for status in path:
                if status == "ACCEPTED":
                    moment = received + 10
                elif status == "DECIDED":
                    moment = decided_at
                elif status != "RECEIVED":
                    moment = min(moment + 60 * (1 + int(r() * 30)), max(closing, moment + 10))
                    if status == "IN_PROGRESS" and decided_at:
                        moment = min(moment, decided_at - 5)
                stamps.append(moment)
            delivered = ts(stamps[4]) if len(stamps) > 4 else NULL
            closed = delivered if len(stamps) > 4 else (ts(stamps[-1]) if final in ENDED else NULL)
            received_at = ts(received)
            accepted_at = ts(received + 10) if accepted else NULL
            handler_id = str(handler.staff_id) if accepted else NULL
            query = (QUERY_PAIRS[int(r() * PAIRS)] + QUERY_PAIRS[int(r() * PAIRS)] + QUERY_PAIRS[int(r() * PAIRS)]
                     + QUERY_PAIRS[int(r() * PAIRS)])
            name, applicant = pool[int(r() * len(pool))]
            add_case(
                f"{cid}\t{number}\t{query}\t{final}\t{classes[path_index, immediate]}\t{len(path)}\t{version.pk}\t"
                f"{version.limit if accepted else NULL}\t{received_at}\t{handler.staff_id}\t"
                f"{day_text[ctx.add_workdays(cal, day, 5)] if final == 'RECEIVED' else NULL}\t"
                f"{'ACCEPTED' if accepted else ('REJECTED' if final == 'NOT_ACCEPTED' else '')}\t{accepted_at}\t"
                f"{handler_id}\t{handler_id}\t{'t' if immediate else 'f'}\t"
                f"{day_text[committed] if accepted else NULL}\t{day_text[legal] if accepted else NULL}\t"
                f"{day_text[yellow] if accepted else NULL}\t{warning}\t"
                f"{ts(decided_at) if decided_on is not None else NULL}\t"
                f"{'GRANTED' if decided_on is not None else ''}\t{delivered}\t"
                f"{'PICKUP' if len(stamps) > 4 else ''}\t{name if len(stamps) > 4 else ''}\t{closed}\t"
                f"{applicant}{case_end}")
            for step, moment in zip(handler_events(handler, path_index), stamps, strict=True):
                add_event(f"{eid}\t{cid}\t{ts(moment)}\t{step}{event_end}")
                eid += 1
            for material in version.materials:
                add_material(f"{mid}\t{cid}\t{material}{material_end}")
                mid += 1
            if final == "SUPPLEMENT" or (accepted and r() < 0.08):  # one 补正 on the way
                served = ts(received + 60)
                add_notice(f"{nid}\t{cid}\tSUPPLEMENT\tBZ-V-{number}\t{served}\t{served}\t{served}\t{handler.user_id}\t"
                           f'{{"title": "补正材料通知书", "case_number": "{number}"}}{notice_end}')
                nid += 1
            if accepted:
                add_notice(f"{nid}\t{cid}\tACCEPTANCE\tSL-V-{number}\t{accepted_at}\t{NULL}\t{accepted_at}\t"
                           f'{handler.user_id}\t{{"title": "受理通知书", "case_number": "{number}"}}{notice_end}')
                nid += 1
            if pause is not None:
                began, length = pause
                ended = ctx.add_workdays(cal, began, length) if length else None
                pauses.append(
                    f"{cid}\t{version.special}\t依法需检验检测\t5\t{day_text[began]}\t{ts(began * 1440 + 600)}\t"
                    f"{handler.user_id}\t{day_text[ended] if ended is not None else NULL}\t"
                    f"{handler.user_id if length else NULL}\t{ts(ended * 1440 + 960) if ended is not None else NULL}\t"
                    f"{'合格' if length else ''}\t{length or 0}{ends['pause']}")
            if extension is not None:
                asked = received + 10 + 3 * 1440
                extensions.append(
                    f"{cid}\t情况复杂，需进一步核查\t{handler.user_id}\t{ts(asked)}\t"
                    f"{'APPROVED' if extension else 'PENDING'}\t{version.extension_days}\t"
                    f"{ctx.approver if extension else NULL}\t{ts(asked + 240) if extension else NULL}{ends['extension']}")
            if warning == "RED":
                deadline = day_text[committed]
                violations.append(
                    f"{cid}\tOVERDUE_CASE\t{handler.staff_id}\t{day_text[committed + 1]}\t"
                    f"办件{number}承诺办结日期为{deadline}，超期\tSYSTEM\t"
                    f'[{{"label": "办件 {number}", "url": "/staff/cases/{number}/"}}]\t'
                    f"OVERDUE:case:{cid}\t{now_text}\tOPEN{ends['violation']}")
            if r() < 0.0005:  # recorded by a supervisor
                violations.append(
                    f"{cid}\t{SUPERVISOR_KINDS[int(r() * 3)]}\t{handler.staff_id}\t{day_text[day]}\t群众反映\t"
                    f"SUPERVISOR\t[]\t{NULL}\t{now_text}\tOPEN{ends['violation']}")
            cid += 1
    cases_made = cid - batch.first_id
    for name, used in (("event", eid), ("material", mid), ("notice", nid)):
        if used - batch.first_ids[name] > cases_made * IDS_PER_CASE[name]:  # beyond the batch's ids
            raise RuntimeError(f"{name}: more rows than IDS_PER_CASE allows")
    return {name: "".join(lines).encode() for name, lines in out.items()}


WORKER_CONTEXT: Context | None = None  # set by the parent before forking its workers


def generate_in_worker(batch: Batch) -> dict[str, bytes]:
    """``generate`` with the context the worker inherited."""
    assert WORKER_CONTEXT is not None
    return generate(WORKER_CONTEXT, batch)
