"""Generate realistic case history in bulk for benchmarks (after seed_demo). Shows progress.

    manage.py seed_volume --cases 200000 [--days 730] [--seed 1]

Cases are spread over the demo county's centers, their items and window staff, with receipt dates over the
past ``--days`` days (never today), statuses in realistic proportions and the events, materials and notices
each status implies. Open cases are recent (a case runs about its committed limit; an old open case is a rare backlog), and about
one application in twelve was served a 补正 notice on the way. Special-procedure pauses
(~5% of cases whose item allows one, some still running), approved or pending extensions (~2%), the warning state
the sweep would have left, and violation records (every overdue or late case, plus a few recorded by supervisors)
come with them. Bulk inserts, no per-row queries; the audit trail is not written for generated history.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from bianmin.accountability.models import Violation
from bianmin.accounts.roles import Role, group_name
from bianmin.cases.models import Case, CaseCounter, CaseEvent, CaseMaterial, CasePause, Extension, Notice
from bianmin.cases.services import QUERY_ALPHABET
from bianmin.cases.warnings import yellow_threshold
from bianmin.cases.workflow import Status, derive_class
from bianmin.catalog.models import ItemVersion
from bianmin.core.counters import advance_sequences, settle_counters
from bianmin.core.crypto import sealed_columns
from bianmin.core.validators import id_check_char
from bianmin.org.models import HeadOf, StaffProfile, Unit, UnitKind
from bianmin.workdays.selectors import get_calendar

# (final status, weight, path of statuses from RECEIVED)
PATHS = [
    (Status.ARCHIVED, 52, ["RECEIVED", "ACCEPTED", "IN_PROGRESS", "DECIDED", "DELIVERED", "ARCHIVED"]),
    (Status.DELIVERED, 16, ["RECEIVED", "ACCEPTED", "IN_PROGRESS", "DECIDED", "DELIVERED"]),
    (Status.DECIDED, 9, ["RECEIVED", "ACCEPTED", "IN_PROGRESS", "DECIDED"]),
    (Status.IN_PROGRESS, 7, ["RECEIVED", "ACCEPTED", "IN_PROGRESS"]),
    (Status.ACCEPTED, 4, ["RECEIVED", "ACCEPTED"]),
    (Status.RECEIVED, 2, ["RECEIVED"]),
    (Status.SUPPLEMENT, 2, ["RECEIVED", "SUPPLEMENT"]),
    (Status.NOT_ACCEPTED, 3, ["RECEIVED", "NOT_ACCEPTED"]),
    (Status.RETURNED, 2, ["RECEIVED", "RETURNED"]),
    (Status.WITHDRAWN, 3, ["RECEIVED", "WITHDRAWN"]),
]
ACTION_FOR = {"RECEIVED": "RECEIVE", "ACCEPTED": "ACCEPT", "IN_PROGRESS": "START", "DECIDED": "DECIDE",
              "DELIVERED": "DELIVER", "ARCHIVED": "ARCHIVE", "SUPPLEMENT": "SERVE_SUPPLEMENT",
              "NOT_ACCEPTED": "REJECT", "RETURNED": "RETURN", "WITHDRAWN": "WITHDRAW"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "明华芳静丽强磊军洋勇艳杰娟涛超霞平刚"
OPEN = ("RECEIVED", "SUPPLEMENT", "ACCEPTED", "IN_PROGRESS")
CLOSED_PATHS = [p for p in PATHS if p[0] not in OPEN]
RECENT_DAYS = 45  # open cases older than this are a rare backlog
SUPERVISOR_KINDS = ("ATTITUDE", "BUCK_PASSING", "IMPROPER_FEE")


class Command(BaseCommand):
    help = "批量生成办件历史数据（用于性能测试）"

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument("--days", type=int, default=730)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, cases: int, days: int, seed: int, batch: int, **options):
        rng = random.Random(seed)
        units = list(Unit.objects.filter(kind__in=[UnitKind.COUNTY_CENTER, UnitKind.TOWN_CENTER,
                                                   UnitKind.INSTITUTION_DESK]).select_related("region"))
        staff = {u.pk: list(StaffProfile.objects.filter(unit=u, user__groups__name=group_name(Role.WINDOW)))
                 for u in units}
        units = [u for u in units if staff[u.pk]]
        versions = list(ItemVersion.objects.filter(is_current=True).prefetch_related("materials"))
        if not units or not versions:
            raise CommandError("请先运行 seed_demo")
        by_level = {"INSTITUTION": [v for v in versions if v.level == "INSTITUTION"],
                    "TOWN": [v for v in versions if v.level in ("TOWN", "VILLAGE")],
                    "COUNTY": [v for v in versions if v.level == "COUNTY"]}
        calendar = get_calendar(units[0].region)
        weights = [w for _s, w, _p in PATHS]
        today = timezone.localdate()
        first_day = today - dt.timedelta(days=days)
        head = StaffProfile.objects.filter(head_of=HeadOf.ORGAN).first()
        self.approver_id = head.user_id if head else None
        settle_counters(CaseCounter)  # numbers drawn from the sequences since the last seeding
        counters: dict[tuple[int, dt.date], int] = {
            (row["unit_id"], row["day"]): row["last"] for row in CaseCounter.objects.values("unit_id", "day", "last")}
        start = time.monotonic()
        done = 0
        while done < cases:
            n = min(batch, cases - done)
            self._batch(n, rng, units, staff, by_level, calendar, weights, first_day, days, counters)
            done += n
            rate = done / max(time.monotonic() - start, 1e-6)
            self.stdout.write(f"\r已生成 {done:,}/{cases:,} 件（{done * 100 // cases}%，{rate:,.0f} 件/秒）",
                              ending="")
            self.stdout.flush()
        advance_sequences(CaseCounter)  # live numbering continues after the seeded cases
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"完成：{cases:,} 件，用时 {time.monotonic() - start:.0f} 秒"))

    def _batch(self, n, rng, units, staff, by_level, calendar, weights, first_day, days, counters):
        cases, plans, extras = [], [], []
        today_ = timezone.localdate()
        for _ in range(n):
            unit = rng.choice(units)
            level = "INSTITUTION" if unit.kind == UnitKind.INSTITUTION_DESK else (
                "TOWN" if unit.kind == UnitKind.TOWN_CENTER else "COUNTY")
            version = rng.choice(by_level[level] or by_level["COUNTY"])
            day = first_day + dt.timedelta(days=rng.randrange(days))
            if not calendar.is_workday(day):
                day = calendar.next_workday(day).date
            if day >= timezone.localdate():
                day = first_day
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(
                minutes=rng.randrange(480)))
            key = (unit.pk, day)
            counters[key] = counters.get(key, 0) + 1
            final, _w, path = rng.choices(PATHS, weights=weights)[0]
            age = (today_ - day).days
            # Open cases are recent: an application waits at most days for review, a case runs about its limit.
            overrun = (final in ("ACCEPTED", "IN_PROGRESS") and version.committed_limit
                       and calendar.workdays_between(day, today_).days > version.committed_limit + 2)
            if final in OPEN and (age > RECENT_DAYS and rng.random() < 0.999 or final == "RECEIVED" and age > 5
                                  or overrun and rng.random() < 0.95):
                final, _w, path = rng.choices(CLOSED_PATHS, weights=[w for _s, w, _p in CLOSED_PATHS])[0]
            handler = rng.choice(staff[unit.pk])
            accepted = "ACCEPTED" in path
            immediate = accepted and version.committed_limit == 0 and final in ("DECIDED", "DELIVERED", "ARCHIVED")
            committed = legal = None
            if accepted:
                committed = calendar.add_workdays(day, max(version.committed_limit, 0)).date \
                    if version.committed_limit else day
                legal = calendar.add_workdays(day, max(version.legal_limit, 0)).date if version.legal_limit else day
            running = final in ("ACCEPTED", "IN_PROGRESS")
            pause = extension = None
            if accepted and committed and version.special_procedures and rng.random() < 0.05:
                paused = rng.randint(2, 10)
                start = calendar.add_workdays(day, rng.randint(1, max(version.committed_limit - 1, 1))).date
                start = min(start, today_ - dt.timedelta(days=1))
                ongoing = running and (rng.random() < 0.3 or calendar.add_workdays(start, paused).date >= today_)
                pause = (version.special_procedures[0], start, None if ongoing else paused)
                if not ongoing:
                    committed = calendar.add_workdays(committed, paused).date
                    legal = calendar.add_workdays(legal, paused).date
            if accepted and committed and version.extension_allowed and version.extension_days and rng.random() < 0.02:
                approved = not running or rng.random() < 0.8
                extension = (approved, version.extension_days)
                if approved:
                    committed = calendar.add_workdays(committed, version.extension_days).date
                    legal = calendar.add_workdays(legal, version.extension_days).date
            late = rng.random() < 0.04
            took = rng.randint(0, max(version.committed_limit, 1)) + (3 if late else 0)
            decided_on = (calendar.add_workdays(day, took).date
                          if final in ("DECIDED", "DELIVERED", "ARCHIVED") else None)
            if decided_on and decided_on >= today_:  # history ends yesterday
                decided_on = max(day, today_ - dt.timedelta(days=1))
            yellow_on = warning = None
            if accepted and committed:
                yellow_on = calendar.workdays_back(committed, yellow_threshold(version.committed_limit))
                if running and not (pause and pause[2] is None):
                    warning = "RED" if committed < today_ else ("YELLOW" if yellow_on <= today_ else "")
                elif decided_on and decided_on > committed:
                    warning = "RED"
            overdue = warning == "RED"
            first17 = f"369901{1950 + rng.randrange(55)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" \
                      f"{rng.randrange(1000):03d}"
            case = dict(  # keyword form reads like the model
                number=f"{unit.code}{day:%Y%m%d}{counters[key]:04d}",
                query_code="".join(rng.choice(QUERY_ALPHABET) for _ in range(8)), item_version=version, unit=unit,
                unit_path=unit.path, status=final, applicant_kind="PERSON",
                applicant_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                applicant_id_type="RESIDENT_ID", received_at=at, received_by=handler,
                # Encrypted, with blind indexes and masked copies, as receive_case stores them (decision 0018).
                **sealed_columns(Case, applicant_id_number=first17 + id_check_char(first17),
                                 applicant_phone=f"1990{rng.randrange(10_000_000):07d}"),
                intake_deadline=calendar.add_workdays(day, 5).date if final == "RECEIVED" else None,
                accepted_at=at + dt.timedelta(minutes=10) if accepted else None,
                accepted_by=handler if accepted else None, first_handler=handler if accepted else None,
                immediate=immediate, committed_deadline=committed, legal_deadline=legal,
                intake_outcome="ACCEPTED" if accepted else ("REJECTED" if final == "NOT_ACCEPTED" else ""),
                decided_at=(timezone.make_aware(dt.datetime.combine(decided_on, dt.time(15, 0)))
                            if decided_on else None),
                outcome="GRANTED" if decided_on else "", version=len(path), urgent=False, deferred_materials=False,
                committed_days=version.committed_limit if accepted else None, yellow_on=yellow_on,
                warning_level=warning or "",
                case_class=derive_class(status=final, immediate=immediate, urgent=False, deferred_materials=False,
                                        accepted=accepted, returned="NOT_ACCEPTED" in path or "RETURNED" in path))
            cases.append(case)
            plans.append((path, handler, version))
            extras.append((pause, extension, overdue, rng.random() < 0.0005))
        with transaction.atomic():
            for case, _plan in zip(cases, plans, strict=True):
                case["item_version_id"] = case.pop("item_version").pk
                case["unit_id"] = case.pop("unit").pk
                for key in ("received_by", "accepted_by", "first_handler"):
                    who = case.pop(key)
                    case[f"{key}_id"] = who.pk if who else None
            insert_rows(Case, cases)
            events, materials, notices = [], [], []
            for case, (path, handler, version) in zip(cases, plans, strict=True):
                moment = case["received_at"]
                prev = ""
                for status in path:
                    events.append({"case_id": case["id"], "at": moment, "actor_id": handler.user_id,
                                   "actor_name": handler.name, "action": ACTION_FOR[status], "from_status": prev,
                                   "to_status": status, "opinion": "", "data": "{}"})
                    prev = status
                    moment += dt.timedelta(hours=rng.randint(1, 30))
                for m in list(version.materials.all())[:3]:
                    materials.append({"case_id": case["id"], "material_id": m.pk, "name": m.name, "standard": "",
                                      "necessity": m.necessity, "received_as": "PAPER", "copies": 1,
                                      "acceptable": True, "problem": "", "supplied_after_notice": False})
                if "SUPPLEMENT" in path or (case["accepted_at"] and rng.random() < 0.08):  # one 补正 on the way
                    served = case["received_at"] + dt.timedelta(hours=1)
                    notices.append({"case_id": case["id"], "kind": "SUPPLEMENT", "number": f"BZ-V-{case['number']}",
                                    "issued_at": served, "served_at": served, "created_at": served,
                                    "created_by_id": handler.user_id, "justification": "",
                                    "content": json.dumps({"title": "补正材料通知书", "case_number": case["number"]},
                                                          ensure_ascii=False)})
                if case["accepted_at"]:
                    notices.append({"case_id": case["id"], "kind": "ACCEPTANCE", "number": f"SL-V-{case['number']}",
                                    "issued_at": case["accepted_at"], "served_at": None,
                                    "created_at": case["accepted_at"], "created_by_id": handler.user_id,
                                    "justification": "",
                                    "content": json.dumps({"title": "受理通知书", "case_number": case["number"]},
                                                          ensure_ascii=False)})
            insert_rows(CaseEvent, events)
            insert_rows(CaseMaterial, materials)
            insert_rows(Notice, notices)
            self._clock_and_accountability(cases, plans, extras, rng, calendar)
            keys = {(c["unit_id"], timezone.localtime(c["received_at"]).date()) for c in cases}
            existing = {(r.unit_id, r.day): r for r in CaseCounter.objects.filter(
                unit_id__in={k[0] for k in keys}, day__in={k[1] for k in keys})}
            to_update, to_create = [], []
            for key in keys:
                if key in existing:
                    existing[key].last = counters[key]
                    to_update.append(existing[key])
                else:
                    to_create.append(CaseCounter(unit_id=key[0], day=key[1], last=counters[key]))
            CaseCounter.objects.bulk_update(to_update, ["last"], batch_size=2000)
            CaseCounter.objects.bulk_create(to_create, batch_size=2000)


    def _clock_and_accountability(self, cases, plans, extras, rng, calendar):
        """Pauses, extensions and the violations the sweep (or a supervisor) would have recorded."""
        pauses, extensions, violations = [], [], []
        now = timezone.now()
        for case, (_path, handler, _version), (pause, extension, overdue, reported) in zip(
                cases, plans, extras, strict=True):
            if pause:
                kind, start, paused = pause
                started = timezone.make_aware(dt.datetime.combine(start, dt.time(10, 0)))
                ended_on = calendar.add_workdays(start, paused).date if paused else None
                pauses.append({"case_id": case["id"], "kind": kind, "basis": "依法需检验检测", "expected_days": 5,
                               "started_on": start, "started_at": started, "started_by_id": handler.user_id,
                               "ended_on": ended_on, "ended_by_id": handler.user_id if paused else None,
                               "ended_at": timezone.make_aware(dt.datetime.combine(ended_on, dt.time(16, 0)))
                               if paused else None, "result": "合格" if paused else "",
                               "paused_working_days": paused or 0})
            if extension:
                approved, ext_days = extension
                asked = case["accepted_at"] + dt.timedelta(days=3)
                extensions.append({"case_id": case["id"], "reason": "情况复杂，需进一步核查",
                                   "requested_by_id": handler.user_id, "requested_at": asked,
                                   "status": "APPROVED" if approved else "PENDING", "days": ext_days,
                                   "decided_by_id": self.approver_id if approved else None,
                                   "decided_at": asked + dt.timedelta(hours=4) if approved else None,
                                   "decision_note": ""})
            unit_path = case["unit_path"]
            if overdue:
                deadline = case["committed_deadline"]
                violations.append({
                    "kind": "OVERDUE_CASE", "staff_id": handler.pk, "unit_id": handler.unit_id,
                    "unit_path": unit_path, "occurred_on": deadline + dt.timedelta(days=1),
                    "description": f"办件{case['number']}承诺办结日期为{deadline:%Y-%m-%d}，超期",
                    "source": "SYSTEM", "case_id": case["id"], "inquiry_id": None,
                    "evidence": json.dumps([{"label": f"办件 {case['number']}",
                                             "url": f"/staff/cases/{case['number']}/"}], ensure_ascii=False),
                    "dedupe_key": f"OVERDUE:case:{case['id']}", "created_at": now, "status": "OPEN"})
            if reported:
                violations.append({
                    "kind": rng.choice(SUPERVISOR_KINDS), "staff_id": handler.pk, "unit_id": handler.unit_id,
                    "unit_path": unit_path, "occurred_on": timezone.localtime(case["received_at"]).date(),
                    "description": "群众反映", "source": "SUPERVISOR", "case_id": case["id"], "inquiry_id": None,
                    "evidence": "[]", "dedupe_key": None, "created_at": now, "status": "OPEN"})
        insert_rows(CasePause, pauses)
        insert_rows(Extension, extensions)
        insert_rows(Violation, violations)


def insert_rows(model, rows: list[dict]) -> None:
    """Insert ``rows`` (column -> value dicts) and set each row's ``id``.

    On PostgreSQL: ids drawn from the sequence in one query, rows streamed with COPY (the fast path for a
    million cases); elsewhere ``bulk_create``.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        objs = []
        for row in rows:
            data = {k: (json.loads(v) if k in ("data", "content", "evidence") else v) for k, v in row.items()}
            objs.append(model(**data))
        model.objects.bulk_create(objs, batch_size=2000)
        for row, obj in zip(rows, objs, strict=True):
            row["id"] = obj.pk
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [table, len(rows)])
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row["id"] = pk
        fields = list(model._meta.concrete_fields)
        defaults = {}
        for f in fields:
            if f.attname not in rows[0]:
                value = f.get_default()
                defaults[f.attname] = json.dumps(value) if isinstance(value, dict | list) else value
        columns = [f.column for f in fields]
        names = [f.attname for f in fields]
        sql = "COPY {} ({}) FROM STDIN".format(table, ", ".join(columns))  # names from the model, not input
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([row[n] if n in row else defaults[n] for n in names])
