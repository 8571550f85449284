"""Generate cases and their history as COPY text, one batch at a time: pure Python over a prepared ``Context``
(no database, no model instances), so batches can be made in worker processes while the main one loads.

A batch is a run of cells (a unit, a day, how many cases and the unit's last number that day before them). Its random
draws come from its own seed, so the data do not depend on how many workers made them. Dates are handled as day
indexes from the first day of the range; the calendar answers of each (item version, day) are computed once.
"""
from __future__ import annotations

import datetime as dt
import os
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
    lines: dict[int, list[str]] = field(default_factory=dict)  # the same, "\t"-prefixed, with the unit's end

    def event_lines(self, index: int, end: str) -> list[str]:
        """Return, for path ``index``, each step's event line after "at" ("\t", the columns, ``end``: the line's
        end for the handler's unit; a handler works in one unit)."""
        found = self.lines.get(index)
        if found is None:
            found = self.lines[index] = [f"\t{step}{end}" for step in handler_events(self, index)]
        return found


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
    material_lines: dict[int, list[str]] = field(default_factory=dict)  # version -> its lines after the case id


@dataclass
class Context:
    """Everything a batch needs, read from the database once by ``context.build_context``. Its text (names, material
    lines, line ends, applicants) is held as ``wire`` text, as the lines are."""

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


def wire(text: str) -> str:
    """Return ``text`` as the generator's lines hold it: its UTF-8 bytes, one character each (latin-1).

    Every piece of text that goes into a line passes through here once (``context.build_context`` and the constants
    below), so each line is a one-byte string: the f-strings, the join of a batch and its ``encode("latin-1")``, which
    gives back the UTF-8 text, only copy bytes. A line mixing in a Chinese ``str`` would be built and joined two bytes
    a character and converted again to UTF-8 (≈ 5 µs a case); one not passed through here fails the encoding."""
    return text.encode().decode("latin-1")


W_SUPPLEMENT, W_ACCEPTANCE = wire("补正材料通知书"), wire("受理通知书")
W_PAUSE_BASIS, W_PAUSE_RESULT, W_EXTENSION_REASON = wire("依法需检验检测"), wire("合格"), wire("情况复杂，需进一步核查")
W_CASE, W_DEADLINE_WAS, W_OVERDUE, W_REPORTED = wire("办件"), wire("承诺办结日期为"), wire("，超期"), wire("群众反映")
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


# How each step's time is found (``generate``): the receipt, acceptance (10 minutes after), the decision, or some
# hours after the step before (IN_PROGRESS: not after the decision).
AT_RECEIPT, AT_ACCEPTANCE, AT_DECISION, LATER, LATER_BEFORE_DECISION = range(5)
STEP_KINDS = [tuple(AT_RECEIPT if s == "RECEIVED" else AT_ACCEPTANCE if s == "ACCEPTED" else AT_DECISION
                    if s == "DECIDED" else LATER_BEFORE_DECISION if s == "IN_PROGRESS" else LATER for s in path)
              for _f, _w, path in PATHS]
# Per path: (status, number of steps as text, intake outcome, delivery method, whether delivered, whether it ended
# without a decision) for the case line.
PATH_TEXT = [(final, str(len(path)), "ACCEPTED" if "ACCEPTED" in path else ("REJECTED" if final == "NOT_ACCEPTED" else ""),
              "PICKUP" if len(path) > 4 else "", len(path) > 4, final in ENDED)
             for final, _w, path in PATHS]
OPEN_PATHS = frozenset(i for i, p in enumerate(PATHS) if p[0] in OPEN)
RECEIVED_PATH = next(i for i, p in enumerate(PATHS) if p[0] == "RECEIVED")
SUPPLEMENT_PATH = next(i for i, p in enumerate(PATHS) if p[0] == "SUPPLEMENT")


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
    stamp = ctx._stamps.get  # ts()'s cache, read inline (``stamp(m) or ts(m)``): a case writes about nine
    deadlines, add_workdays = ctx.deadlines, ctx.add_workdays
    add_case, add_event, add_material, add_notice = cases.append, events.append, materials.append, notices.append
    cid = batch.first_id
    eid, mid, nid = batch.first_ids["event"], batch.first_ids["material"], batch.first_ids["notice"]
    total_weight, closed_weight = CUMULATIVE[-1], CLOSED_CUMULATIVE[-1]
    for unit_index, day, count, last in batch.cells:
        unit = ctx.units[unit_index]
        cal = unit.calendar
        ends = unit.ends
        case_end, event_end, material_end, notice_end = ends["case"], ends["event"], ends["material"], ends["notice"]
        staff, versions = unit.staff, unit.versions
        n_staff, n_versions = len(staff), len(versions)
        # Each version's material lines after the case id, with the unit's end (cached on the unit).
        material_lines = unit.material_lines
        if not material_lines:
            material_lines.update({v.pk: [f"{m}{material_end}" for m in v.materials] for v in versions})
        pool = ctx.applicants[unit.applicants]
        n_pool = len(pool)
        prefix = f"{unit.code}{ctx.day_compact[day]}"
        age = today - day
        old, stale = age > RECENT_DAYS, age > 5
        day_minute = day * 1440 + 510
        intake_deadline = day_text[add_workdays(cal, day, 5)]
        minutes = sorted(int(r() * 480) for _ in range(count))  # numbered in the order they came in
        for k in range(count):
            number = f"{prefix}{last + k + 1:04d}"
            version = versions[int(r() * n_versions)]
            path_index = bisect(CUMULATIVE, r() * total_weight)
            limit = version.limit
            committed, legal, yellow, between = deadlines(cal, version, day)
            if path_index in OPEN_PATHS and (old and r() < 0.999 or path_index == RECEIVED_PATH and stale
                                             or PATH_FLAGS[path_index][2] and limit and between > limit + 2
                                             and r() < 0.95):
                path_index = CLOSED[bisect(CLOSED_CUMULATIVE, r() * closed_weight)]
            final, accepted, running, decided = PATH_FLAGS[path_index]
            handler = staff[int(r() * n_staff)]
            received = day_minute + minutes[k]
            immediate = accepted and limit == 0 and decided
            ongoing = moved = False
            pause = extension = None
            if accepted and version.special and r() < 0.05:
                paused = 2 + int(r() * 9)
                start = min(add_workdays(cal, day, 1 + int(r() * max(limit - 1, 1))), yesterday)
                ongoing = running and (r() < 0.3 or add_workdays(cal, start, paused) >= today)
                pause = (start, None if ongoing else paused)
                if not ongoing:
                    committed = add_workdays(cal, committed, paused)
                    legal = add_workdays(cal, legal, paused)
                    moved = True
            if accepted and version.extension_days and r() < 0.02:
                approved = not running or r() < 0.8
                extension = approved
                if approved:
                    committed = add_workdays(cal, committed, version.extension_days)
                    legal = add_workdays(cal, legal, version.extension_days)
                    moved = True
            took = int(r() * ((limit or 1) + 1)) + (3 if r() < 0.04 else 0)
            decided_on = None
            warning = ""
            if decided:
                decided_on = add_workdays(cal, day, took)
                if decided_on >= today:  # history ends yesterday
                    decided_on = max(day, yesterday)
                # Step times: the decision at decided_at, the rest some hours after the step before; nothing after
                # yesterday's close of business.
                decided_at = max(decided_on * 1440 + 900, received + 30)
            else:
                decided_at = 0
            if accepted:
                if moved:
                    yellow = ctx.index(ctx.calendars[cal].workdays_back(ctx.date(committed), version.yellow))
                if running and not ongoing:
                    warning = "RED" if committed < today else ("YELLOW" if yellow <= today else "")
                elif decided_on is not None and decided_on > committed:
                    warning = "RED"
            stamps, moment = [], received
            for kind in STEP_KINDS[path_index]:
                if kind == AT_ACCEPTANCE:
                    moment = received + 10
                elif kind == AT_DECISION:
                    moment = decided_at
                elif kind != AT_RECEIPT:
                    moment = min(moment + 60 * (1 + int(r() * 30)), max(closing, moment + 10))
                    if kind == LATER_BEFORE_DECISION and decided_at:
                        moment = min(moment, decided_at - 5)
                stamps.append(moment)
            status, steps, intake, method, delivered_path, ended = PATH_TEXT[path_index]
            if delivered_path:
                delivered = closed = stamp(stamps[4]) or ts(stamps[4])
            else:
                delivered = NULL
                closed = (stamp(stamps[-1]) or ts(stamps[-1])) if ended else NULL
            received_at = stamp(received) or ts(received)
            if accepted:
                accepted_at = stamp(received + 10) or ts(received + 10)
                handler_id = str(handler.staff_id)
                dates = f"{day_text[committed]}\t{day_text[legal]}\t{day_text[yellow]}"
            else:
                accepted_at = handler_id = NULL
                dates = f"{NULL}\t{NULL}\t{NULL}"
            query = (QUERY_PAIRS[int(r() * PAIRS)] + QUERY_PAIRS[int(r() * PAIRS)] + QUERY_PAIRS[int(r() * PAIRS)]
                     + QUERY_PAIRS[int(r() * PAIRS)])
            name, applicant = pool[int(r() * n_pool)]
            ids = f"\t{cid}\t"
            add_case(
                f"{cid}\t{number}\t{query}\t{status}\t{classes[path_index, immediate]}\t{steps}\t{version.pk}\t"
                f"{limit if accepted else NULL}\t{received_at}\t{handler.staff_id}\t"
                f"{intake_deadline if status == 'RECEIVED' else NULL}\t{intake}\t{accepted_at}\t"
                f"{handler_id}\t{handler_id}\t{'t' if immediate else 'f'}\t{dates}\t{warning}\t"
                f"{(stamp(decided_at) or ts(decided_at)) if decided_on is not None else NULL}\t"
                f"{'GRANTED' if decided_on is not None else ''}\t{delivered}\t"
                f"{method}\t{name if delivered_path else ''}\t{closed}\t"
                f"{applicant}{case_end}")
            for step, moment in zip(handler.event_lines(path_index, event_end), stamps, strict=True):
                add_event(f"{eid}{ids}{stamp(moment) or ts(moment)}{step}")
                eid += 1
            for line in material_lines[version.pk]:
                add_material(f"{mid}{ids}{line}")
                mid += 1
            if path_index == SUPPLEMENT_PATH or (accepted and r() < 0.08):  # one 补正 on the way
                served = stamp(received + 60) or ts(received + 60)
                add_notice(f"{nid}{ids}SUPPLEMENT\tBZ-V-{number}\t{served}\t{served}\t{served}\t{handler.user_id}\t"
                           f'{{"title": "{W_SUPPLEMENT}", "case_number": "{number}"}}{notice_end}')
                nid += 1
            if accepted:
                add_notice(f"{nid}{ids}ACCEPTANCE\tSL-V-{number}\t{accepted_at}\t{NULL}\t{accepted_at}\t"
                           f'{handler.user_id}\t{{"title": "{W_ACCEPTANCE}", "case_number": "{number}"}}{notice_end}')
                nid += 1
            if pause is not None:
                began, length = pause
                ended_on = add_workdays(cal, began, length) if length else None
                pauses.append(
                    f"{cid}\t{version.special}\t{W_PAUSE_BASIS}\t5\t{day_text[began]}\t{ts(began * 1440 + 600)}\t"
                    f"{handler.user_id}\t{day_text[ended_on] if ended_on is not None else NULL}\t"
                    f"{handler.user_id if length else NULL}\t"
                    f"{ts(ended_on * 1440 + 960) if ended_on is not None else NULL}\t"
                    f"{W_PAUSE_RESULT if length else ''}\t{length or 0}{ends['pause']}")
            if extension is not None:
                asked = received + 10 + 3 * 1440
                extensions.append(
                    f"{cid}\t{W_EXTENSION_REASON}\t{handler.user_id}\t{ts(asked)}\t"
                    f"{'APPROVED' if extension else 'PENDING'}\t{version.extension_days}\t"
                    f"{ctx.approver if extension else NULL}\t{ts(asked + 240) if extension else NULL}{ends['extension']}")
            if warning == "RED":
                deadline = day_text[committed]
                violations.append(
                    f"{cid}\tOVERDUE_CASE\t{handler.staff_id}\t{day_text[committed + 1]}\t"
                    f"{W_CASE}{number}{W_DEADLINE_WAS}{deadline}{W_OVERDUE}\tSYSTEM\t"
                    f'[{{"label": "{W_CASE} {number}", "url": "/staff/cases/{number}/"}}]\t'
                    f"OVERDUE:case:{cid}\t{now_text}\tOPEN{ends['violation']}")
            if r() < 0.0005:  # recorded by a supervisor
                violations.append(
                    f"{cid}\t{SUPERVISOR_KINDS[int(r() * 3)]}\t{handler.staff_id}\t{day_text[day]}\t{W_REPORTED}\t"
                    f"SUPERVISOR\t[]\t{NULL}\t{now_text}\tOPEN{ends['violation']}")
            cid += 1
    cases_made = cid - batch.first_id
    for name, used in (("event", eid), ("material", mid), ("notice", nid)):
        if used - batch.first_ids[name] > cases_made * IDS_PER_CASE[name]:  # beyond the batch's ids
            raise RuntimeError(f"{name}: more rows than IDS_PER_CASE allows")
    return {name: "".join(lines).encode("latin-1") for name, lines in out.items()}  # wire text: see ``wire``


WORKER_CONTEXT: Context | None = None  # set by the parent before forking its workers


def generate_in_worker(batch: Batch) -> dict[str, bytes]:
    """``generate`` with the context the worker inherited."""
    assert WORKER_CONTEXT is not None
    return generate(WORKER_CONTEXT, batch)


def generate_to_file(batch: Batch, directory: str) -> tuple[str, list[tuple[str, int]]]:
    """``generate_in_worker``, with the batch's COPY text written to one file in ``directory`` (a tmpfs where there
    is one), table after table in ``TABLES`` order; return its path and each table's name and length in bytes.

    The parent reads the file in one call. Returned through the pool, a batch (≈ 1.6 kB a case) is pickled, pushed
    through a 64 kB pipe in hundreds of writes and reads, and unpickled: ≈ 2 µs a case of the parent's CPU, which
    also feeds the COPY."""
    parts = generate_in_worker(batch)
    path = os.path.join(directory, f"batch-{batch.index}")
    with open(path, "wb") as out:
        out.writelines(parts.values())
    return path, [(name, len(data)) for name, data in parts.items()]
