"""The sweep (时限巡检): deemed acceptance, warnings, overdue cases, late inquiry replies, violation records.

Each step reads only rows about to change (partial indexes on the stored warning level and check flags),
so its cost follows the number of cases that change, not the number of cases. Each batch locks its rows with
``SKIP LOCKED`` and changes them in one transaction with their violations, digest lines and audit row: two
nodes sweeping at once split the work instead of doubling it, and the unique ``dedupe_key`` of a violation
is the last guard. Running it again changes nothing.

Every statement of a step over cases names the county (the distribution key, docs/scaling.md): one finds the
counties with rows about to change, then each county's rows are read and locked with their own statement
(``core.batches.locked_county_batches``) and the batch is handled, as before, in one transaction; its writes to the
case tables name the counties of its rows. Their partial indexes lead with the county.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from bianmin.accountability.models import ViolationKind
from bianmin.accountability.services import Detected, record_detected
from bianmin.audit.models import AuditAction
from bianmin.audit.services import record
from bianmin.cases.facts import LateAcceptance
from bianmin.cases.models import Case, CaseEvent, CasePause, RefusedSupplement
from bianmin.cases.services import apply_deemed_acceptance, stamp_warning
from bianmin.cases.workflow import RUNNING, Status
from bianmin.core.batches import locked_batches, locked_county_batches
from bianmin.core.crypto import InvalidToken
from bianmin.core.errors import PartlyDone
from bianmin.inquiries.models import EscortVisit, Inquiry
from bianmin.notifications.services import add_digest_items, enqueue_sms
from bianmin.org.models import StaffProfile
from bianmin.org.selectors import counties, warning_recipients
from bianmin.ratings import sweep as rating_sweep
from bianmin.relay.models import HandOver, RelayRequest

from .models import SweepRun

BATCH = 500
logger = logging.getLogger("bianmin.sweep")


def _case_link(case: Case) -> str:
    return f"/staff/cases/{case.number}/"


def _same(cases: list[Case]) -> QuerySet[Case]:
    """Return ``cases`` as a queryset that names their county (the rows of one batch)."""
    return Case.objects.filter(county_id__in=sorted({c.county_id for c in cases}), pk__in=[c.pk for c in cases])


def _open_pause() -> Exists:
    return Exists(CasePause.objects.filter(county_id=OuterRef("county_id"), case=OuterRef("pk"),
                                           ended_at__isnull=True))


def _notify(cases: Iterable[Case], kind: str, text_for: Callable[[Case], str], now: dt.datetime) -> None:
    """Queue a digest line for each case's first handler, the B of their post and the unit's nearest leaders."""
    cases = list(cases)
    handlers = {c.first_handler_id for c in cases if c.first_handler_id}
    by_handler, by_path = warning_recipients(handlers, {c.unit_path for c in cases})
    lines = []
    for case in cases:
        text, link = text_for(case), _case_link(case)
        recipients = by_path.get(case.unit_path, set())
        if case.first_handler_id is not None:
            recipients = recipients | by_handler.get(case.first_handler_id, set())
        for user_id in recipients:
            lines.append((user_id, kind, text, link))
    add_digest_items(lines, now=now)


def _mark(cases: list[Case], level: str) -> None:
    _same(cases).update(warning_level=level, version=F("version") + 1)


def _due_text(case: Case, joiner: str = "") -> str:
    """Return the committed limit as the sweep writes it: the time for a limit in hours, else the date."""
    if case.committed_due_at is not None:
        return f"承诺办结时间{joiner}{timezone.localtime(case.committed_due_at):%Y-%m-%d %H:%M}"
    return f"承诺办结日期{joiner}{case.committed_deadline:%Y-%m-%d}"


def _due_moment(case: Case) -> str:
    """Return when the committed limit ends: "2026-03-02 13:00" for a limit in hours, else the date."""
    if case.committed_due_at is not None:
        return f"{timezone.localtime(case.committed_due_at):%Y-%m-%d %H:%M}"
    return f"{case.committed_deadline:%Y-%m-%d}"


def _overdue_finding(case: Case) -> Detected | None:
    """Return the first handler's violation for the missed committed deadline (None without a first handler).

    A limit in hours is missed on the day it ends (the deadline's day), one in days the day after; the dedupe key
    names the deadline's day either way, so the same case is recorded once whenever the sweep sees it."""
    deadline, staff_id = case.committed_deadline, case.first_handler_id
    if deadline is None or staff_id is None:
        return None
    occurred_on = deadline if case.committed_due_at is not None else deadline + dt.timedelta(days=1)
    return Detected(
        kind=ViolationKind.OVERDUE_CASE, staff_id=staff_id, occurred_on=occurred_on,
        description=f"办件{case.number}（{case.item_version.name}）{_due_text(case, '为')}，超期未办结",
        dedupe_key=f"OVERDUE:case:{case.pk}:{deadline:%Y%m%d}", case_id=case.pk,
        evidence=[{"label": f"办件 {case.number}", "url": _case_link(case)}])


def _record_overdue(cases: list[Case], now: dt.datetime, *, running: bool) -> int:
    _mark(cases, "RED")
    record_detected([f for f in map(_overdue_finding, cases) if f is not None], now=now)
    CaseEvent.objects.bulk_create([CaseEvent(
        case=c, county_id=c.county_id, at=now, actor_name="系统巡检", action="OVERDUE",
        opinion=f"{_due_text(c)}已过{'，仍未办结' if running else '，超期办结'}",
        data={"committed_deadline": c.committed_deadline.isoformat() if c.committed_deadline else None,
              **({"committed_due_at": c.committed_due_at.isoformat()} if c.committed_due_at else {})})
        for c in cases])
    if running:
        _notify(cases, "RED", lambda c: f"【红色预警】办件{c.number}（{c.item_version.name}）已超过"
                                        f"{_due_text(c)}", now)
    record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(cases)}件{'超期' if running else '超期办结'}",
           actor_username="system", now=now, data={"cases": [c.number for c in cases][:200]})
    return len(cases)


def sweep_unstamped(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Give running cases from before the warning fields existed (or bulk-loaded ones) their yellow date.

    Refuses nothing: a system step run by the sweep."""
    qs = Case.objects.filter(status__in=RUNNING, yellow_on__isnull=True, committed_deadline__isnull=False)

    def handle(rows: list[Case]) -> int:
        today = timezone.localtime(now).date()
        for case in rows:
            stamp_warning(case, today)
        _same(rows).bulk_update(rows, ["yellow_on", "warning_level"])
        return len(rows)

    return locked_county_batches(qs.select_related("unit__region", "item_version"), handle, counties=counties(),
                                 batch=batch)


def sweep_overdue(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Running cases past their committed deadline turn red; the first handler gets a violation record. A limit in
    hours is past at its moment (``committed_due_at``), the same day; a limit in days after its last day. Each
    side of the OR reads an index (the moment's partial ``case_sweep_red_hours_idx``, the running deadlines').

    Refuses nothing: a system step run by the sweep."""
    today = timezone.localtime(now).date()
    qs = (Case.objects.filter(Q(committed_deadline__lt=today) | Q(committed_due_at__lt=now),
                              status__in=RUNNING, warning_level__in=["", "YELLOW"])
          .exclude(_open_pause()).select_related("item_version"))
    return locked_county_batches(qs, lambda rows: _record_overdue(rows, now, running=True), counties=counties(),
                                 batch=batch)


def sweep_late_decisions(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Cases decided after their deadline before the sweep saw them overdue get the same record.

    Refuses nothing: a system step run by the sweep."""
    qs = Case.objects.filter(warning_level="LATE").select_related("item_version")
    return locked_county_batches(qs, lambda rows: _record_overdue(rows, now, running=False), counties=counties(),
                                 batch=batch)


def sweep_yellow(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Running cases entering the yellow window turn yellow and their people are told (in the next digest).

    Refuses nothing: a system step run by the sweep."""
    today = timezone.localtime(now).date()
    qs = (Case.objects.filter(status__in=RUNNING, warning_level="", yellow_on__lte=today,
                              committed_deadline__gte=today)
          .exclude(_open_pause()).select_related("item_version"))

    def handle(rows: list[Case]) -> int:
        _mark(rows, "YELLOW")
        _notify(rows, "YELLOW", lambda c: f"【黄色预警】办件{c.number}（{c.item_version.name}）将于"
                                          f"{_due_moment(c)}到期", now)
        record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(rows)}件黄色预警", actor_username="system",
               now=now, data={"cases": [c.number for c in rows][:200]})
        return len(rows)

    return locked_county_batches(qs, handle, counties=counties(), batch=batch)


def sweep_late_replies(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Inquiries whose promised reply date passed without a reply (or with a late one) are recorded.

    Refuses nothing: a system step run by the sweep."""
    today = timezone.localtime(now).date()
    qs = Inquiry.objects.filter(reply_check="DUE", promised_reply_date__lt=today)

    def handle(rows: list[Inquiry]) -> int:
        Inquiry.objects.filter(pk__in=[i.pk for i in rows]).update(reply_check="LATE")
        record_detected([Detected(
            kind=ViolationKind.LATE_INQUIRY_REPLY, staff_id=i.first_responder_id,
            occurred_on=due + dt.timedelta(days=1),
            description=f"首问登记{i.number}承诺于{due:%Y-%m-%d}前答复，"
                        + ("逾期仍未答复" if i.closed_at is None else "逾期答复"),
            dedupe_key=f"LATE_REPLY:inquiry:{i.pk}", inquiry_id=i.pk,
            evidence=[{"label": f"首问登记 {i.number}", "url": f"/staff/inquiries/{i.number}/"}])
            for i in rows if (due := i.promised_reply_date) is not None], now=now)
        record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(rows)}件首问答复超期", actor_username="system",
               now=now, data={"inquiries": [i.number for i in rows][:200]})
        return len(rows)

    return locked_batches(qs, handle, batch=batch)


def sweep_unreported_escorts(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Escort visits (信访陪同) whose date passed without a result are warned about once, in the digest of the escort
    and of the first responder (a record missing, not proof of a fault: no violation, decision 0023).

    Refuses nothing: a system step run by the sweep."""
    today = timezone.localtime(now).date()
    qs = EscortVisit.objects.filter(result_at__isnull=True, warned_at__isnull=True, visit_date__lt=today)

    def handle(rows: list[EscortVisit]) -> int:
        EscortVisit.objects.filter(pk__in=[v.pk for v in rows]).update(warned_at=now)
        visits = EscortVisit.objects.filter(pk__in=[v.pk for v in rows]).select_related(
            "inquiry__first_responder", "escort", "destination")
        add_digest_items([(person.user_id, "ESCORT", f"首问{v.inquiry.number}：{v.visit_date:%Y-%m-%d}陪同前往"
                                                     f"{v.destination_name}，尚未登记陪同结果",
                           f"/staff/inquiries/{v.inquiry.number}/")
                          for v in visits for person in (v.escort, v.inquiry.first_responder)], now=now)
        record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(rows)}次信访陪同逾期未登记结果",
               actor_username="system", now=now, data={"escorts": [v.pk for v in rows][:200]})
        return len(rows)

    return locked_batches(qs, handle, batch=batch)


def _hop_text(hop: HandOver) -> str:
    if hop.direction == "REVIEW":  # the lower organ's 初审 (行政许可法第43条) has its own limit
        return f"代办件{hop.relay.number}由{hop.to_unit.name}初审，应于{hop.due_on:%Y-%m-%d}前完成"
    return (f"代办件{hop.relay.number}第{hop.seq}次交接（{hop.from_unit.name} → {hop.to_unit.name}）"
            f"应于{hop.due_on:%Y-%m-%d}前签收")


def _late_words(hop: HandOver) -> str:
    if hop.direction == "REVIEW":
        return "逾期未完成初审" if hop.status == "SENT" else "逾期才完成初审"
    return "逾期未签收" if hop.status == "SENT" else "逾期才送达"


def _relay_link(hop: HandOver) -> str:
    return f"/staff/relays/{hop.relay.number}/"


def sweep_relay_hops(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Hand-overs of a relay (代办交接) not signed for by their due date: yellow the working day before (the sender is
    told), red after it with a violation of the sender (代办交接超时); a hop signed or refused late before the sweep
    saw it is recorded the same way.

    Refuses nothing: a system step run by the sweep."""
    today = timezone.localtime(now).date()
    related = ("relay", "from_unit", "to_unit", "from_staff")
    yellow = HandOver.objects.filter(status="SENT", warning_level="", yellow_on__lte=today, due_on__gte=today)
    late = HandOver.objects.filter(status="SENT", warning_level__in=["", "YELLOW"], due_on__lt=today)
    answered_late = HandOver.objects.filter(warning_level="LATE")

    def warn(rows: list[HandOver]) -> int:
        HandOver.objects.filter(pk__in=[h.pk for h in rows]).update(warning_level="YELLOW")
        add_digest_items([(h.from_staff.user_id, "YELLOW", f"【黄色预警】{_hop_text(h)}", _relay_link(h))
                          for h in rows], now=now)
        record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(rows)}次代办交接将到期", actor_username="system",
               now=now, data={"hand_overs": [h.pk for h in rows][:200]})
        return len(rows)

    def record_late(rows: list[HandOver]) -> int:
        HandOver.objects.filter(pk__in=[h.pk for h in rows]).update(warning_level="RED")
        record_detected([Detected(
            kind=ViolationKind.RELAY_HOP_LATE, staff_id=h.from_staff_id, occurred_on=h.due_on + dt.timedelta(days=1),
            description=f"{_hop_text(h)}，" + _late_words(h),
            dedupe_key=f"RELAY_HOP:hop:{h.pk}", case_id=h.relay.case_id,
            evidence=[{"label": f"代办件 {h.relay.number}", "url": _relay_link(h)}]) for h in rows], now=now)
        add_digest_items([(h.from_staff.user_id, "RED", f"【代办交接超时】{_hop_text(h)}", _relay_link(h))
                          for h in rows if h.status == "SENT"], now=now)
        record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(rows)}次代办交接超时", actor_username="system",
               now=now, data={"hand_overs": [h.pk for h in rows][:200]})
        return len(rows)

    return (locked_batches(late.select_related(*related), record_late, batch=batch)
            + locked_batches(answered_late.select_related(*related), record_late, batch=batch)
            + locked_batches(yellow.select_related(*related), warn, batch=batch))


def sweep_relay_deliveries(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Results waiting at the station (代办站) past their delivery limit (``RELAY_DELIVER_WORKING_DAYS``): on the last
    day the agent is told; after it a violation of the agent (代办交接超时, 逾期未送达申请人).

    Refuses nothing: a system step run by the sweep."""
    today = timezone.localtime(now).date()
    waiting = RelayRequest.objects.filter(status="AT_STATION", deliver_due_on__isnull=False)
    due = waiting.filter(deliver_warning="", deliver_due_on=today)
    late = waiting.filter(deliver_warning__in=["", "YELLOW"], deliver_due_on__lt=today)

    def text(relay: RelayRequest) -> str:
        return (f"代办件{relay.number}办理结果已到{relay.origin_unit.name}，"
                f"应于{relay.deliver_due_on:%Y-%m-%d}前送达申请人")

    def link(relay: RelayRequest) -> str:
        return f"/staff/relays/{relay.number}/"

    def warn(rows: list[RelayRequest]) -> int:
        RelayRequest.objects.filter(pk__in=[r.pk for r in rows]).update(deliver_warning="YELLOW")
        add_digest_items([(r.agent.user_id, "YELLOW", f"【黄色预警】{text(r)}", link(r)) for r in rows], now=now)
        return len(rows)

    def record_late(rows: list[RelayRequest]) -> int:
        RelayRequest.objects.filter(pk__in=[r.pk for r in rows]).update(deliver_warning="RED")
        record_detected([Detected(
            kind=ViolationKind.RELAY_HOP_LATE, staff_id=r.agent_id,
            occurred_on=(r.deliver_due_on or today) + dt.timedelta(days=1), description=f"{text(r)}，逾期未送达",
            dedupe_key=f"RELAY_DELIVER:relay:{r.pk}", case_id=r.case_id,
            evidence=[{"label": f"代办件 {r.number}", "url": link(r)}]) for r in rows], now=now)
        add_digest_items([(r.agent.user_id, "RED", f"【代办送达超时】{text(r)}", link(r)) for r in rows], now=now)
        record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(rows)}件代办结果逾期未送达", actor_username="system",
               now=now, data={"relays": [r.pk for r in rows][:200]})
        return len(rows)

    related = ("agent", "origin_unit")
    return (locked_batches(late.select_related(*related), record_late, batch=batch)
            + locked_batches(due.select_related(*related), warn, batch=batch))


def sweep_refused_supplements(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Each refused further 补正 attempt becomes a violation of the staff member who tried it.

    Refuses nothing: a system step run by the sweep."""
    qs = RefusedSupplement.objects.filter(flagged=False).select_related("case")

    def handle(rows: list[RefusedSupplement]) -> int:
        profiles = dict(StaffProfile.objects.filter(user_id__in={r.actor_id for r in rows})
                        .values_list("user_id", "pk"))
        RefusedSupplement.objects.filter(county_id__in=sorted({r.county_id for r in rows}),
                                         pk__in=[r.pk for r in rows]).update(flagged=True)
        record_detected([Detected(
            kind=ViolationKind.UNJUSTIFIED_SUPPLEMENT, staff_id=profiles[r.actor_id],
            occurred_on=timezone.localtime(r.at).date(),
            description=f"办件{r.case.number}已出具补正通知后，再次要求补正被系统拒绝：{r.reason}",
            dedupe_key=f"UNJUST:refused:{r.pk}", case_id=r.case_id,
            evidence=[{"label": f"办件 {r.case.number}", "url": _case_link(r.case)}])
            for r in rows if r.actor_id in profiles], now=now)
        record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(rows)}次无正当理由再次补正",
               actor_username="system", now=now, data={"refused": [r.pk for r in rows][:200]})
        return len(rows)

    # The joined case names its county too: both tables of the join go to the county's shard.
    return locked_county_batches(qs, handle, counties=counties(), keys=("county_id", "case__county_id"), batch=batch)


def deem_accepted(*, now: dt.datetime) -> list[str]:
    """Accept by law the applications not reviewed in time (Art. 32) and record each 未一次性告知 violation in the
    same transaction; return their numbers (``PartlyDone``, after all were tried, when some could not be accepted:
    ``cases.services.apply_deemed_acceptance``). The sweep's step and ``manage.py apply_deemed_acceptance`` both call
    it, so no acceptance is made without its record.

    Refuses nothing: a system step run by the sweep (or that command)."""
    return apply_deemed_acceptance(now=now, on_deemed=_deemed_violation(now))


def _deemed_violation(now: dt.datetime) -> Callable[[Case, dt.date], None]:
    def on_deemed(case: Case, intake_deadline: dt.date | None) -> None:
        occurred = intake_deadline + dt.timedelta(days=1) if intake_deadline else timezone.localtime(now).date()
        if case.received_by_id:
            record_detected([Detected(
                kind=ViolationKind.LATE_SUPPLEMENT_NOTICE, staff_id=case.received_by_id, occurred_on=occurred,
                description=f"办件{case.number}在审查期限（{intake_deadline}）内既未受理也未一次性告知补正，依法视为受理",
                dedupe_key=f"LATE_SUPPLEMENT:case:{case.pk}", case_id=case.pk,
                evidence=[{"label": f"办件 {case.number}", "url": _case_link(case)}])], now=now)

    return on_deemed


def record_late_acceptance(fact: object) -> None:
    """Record, in the accepting transaction, that a clerk accepted after the intake deadline (registered as a
    ``cases.facts`` recorder in ``apps.py``): the same missed deadline that a deemed acceptance records.

    Refuses nothing: a recorder run inside an acceptance already allowed; other facts are ignored."""
    if not isinstance(fact, LateAcceptance) or fact.staff_id is None:
        return
    case, now = fact.case, fact.case.accepted_at
    record_detected([Detected(
        kind=ViolationKind.LATE_ACCEPTANCE, staff_id=fact.staff_id,
        occurred_on=fact.intake_deadline + dt.timedelta(days=1),
        description=f"办件{case.number}的收件审查期限为{fact.intake_deadline:%Y-%m-%d}，"
                    f"{fact.accepted_on:%Y-%m-%d}才受理（依法已自收到材料之日起视为受理）",
        dedupe_key=f"LATE_ACCEPT:case:{case.pk}:{fact.intake_deadline:%Y%m%d}", case_id=case.pk,
        evidence=[{"label": f"办件 {case.number}", "url": _case_link(case)}])], now=now)


def _case_finding(kind: str, case: Case, due: dt.date | None, text: str, key: str) -> Detected | None:
    """Return the first handler's violation for missing ``due`` (dated the day after), or None when the case has no
    first handler (or no such date)."""
    if case.first_handler_id is None or due is None:
        return None
    return Detected(kind=kind, staff_id=case.first_handler_id, occurred_on=due + dt.timedelta(days=1),
                    description=text, dedupe_key=f"{key}:case:{case.pk}", case_id=case.pk,
                    evidence=[{"label": f"办件 {case.number}", "url": _case_link(case)}])


def _case_events(cases: list[Case], action: str, text_for: Callable[[Case], str], now: dt.datetime) -> None:
    CaseEvent.objects.bulk_create([CaseEvent(case=c, county_id=c.county_id, at=now, actor_name="系统巡检",
                                             action=action, opinion=text_for(c)) for c in cases])


def _record_missed_limit(qs: QuerySet[Case], *, field: str, kind: str, key: str, what: str,
                         text: Callable[[Case], str], now: dt.datetime, batch: int) -> int:
    """Record once each case of ``qs`` whose limit ``field`` has passed: a violation of its first handler (dated the
    day after the limit), a history line and one audit row a batch; the limit is then cleared, so the step reads only
    the cases about to be recorded (a partial index on ``field``)."""
    def handle(rows: list[Case]) -> int:
        found = [_case_finding(kind, c, getattr(c, field), text(c), key) for c in rows]
        record_detected([f for f in found if f is not None], now=now)
        _case_events(rows, key, text, now)
        _same(rows).update(**{field: None}, version=F("version") + 1)
        record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(rows)}件{what}", actor_username="system", now=now,
               data={"cases": [c.number for c in rows][:200]})
        return len(rows)

    return locked_county_batches(qs.select_related("item_version"), handle, counties=counties(), batch=batch)


def sweep_not_started(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Accepted cases not started by the handler within the kind's hand-over limit ("未及时将…事项移交给承办人").

    Refuses nothing: a system step run by the sweep."""
    today = timezone.localtime(now).date()
    qs = (Case.objects.filter(status=Status.ACCEPTED, start_due_on__isnull=False, start_due_on__lt=today)
          .exclude(_open_pause()))
    return _record_missed_limit(
        qs, field="start_due_on", kind=ViolationKind.NOT_HANDED_OVER, key="NOT_STARTED",
        what="受理后未及时开始办理",
        text=lambda c: (f"办件{c.number}（{c.item_version.name}）受理后应于{c.start_due_on:%Y-%m-%d}前"
                        "开始办理，逾期未开始"),
        now=now, batch=batch)


def sweep_result_not_told(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Decided cases whose result was not delivered within the kind's limit ("未及时回复办理结果").

    Refuses nothing: a system step run by the sweep."""
    today = timezone.localtime(now).date()
    qs = (Case.objects.filter(status=Status.DECIDED, result_due_on__isnull=False, result_due_on__lt=today)
          # a 补办件 whose material is still due cannot be handed over: not the handler's delay (decide leaves
          # result_due_on empty for those; this guards older rows)
          .exclude(deferred_materials=True, deferred_supplied_at__isnull=True, deferred_exception_at__isnull=True))
    return _record_missed_limit(
        qs, field="result_due_on", kind=ViolationKind.RESULT_NOT_TOLD, key="RESULT_NOT_TOLD",
        what="办结后未及时告知结果",
        text=lambda c: (f"办件{c.number}（{c.item_version.name}）已办结，应于{c.result_due_on:%Y-%m-%d}前"
                        "将办理结果送达申请人，逾期未送达"),
        now=now, batch=batch)


def sweep_deferred_overdue(*, now: dt.datetime, batch: int = BATCH) -> int:
    """补办件 whose 容缺 material is past its due date: the handler and leaders are warned, the applicant reminded
    by SMS, and the first handler gets a violation record.

    Refuses nothing: a system step run by the sweep."""
    today = timezone.localtime(now).date()
    qs = (Case.objects.filter(deferred_materials=True, deferred_supplied_at__isnull=True, deferred_overdue=False,
                              deferred_due_date__isnull=False, deferred_due_date__lt=today,
                              status__in=[*RUNNING, Status.DECIDED])
          .select_related("item_version"))

    def text(c: Case) -> str:
        return f"办件{c.number}（{c.item_version.name}）的补办材料应于{c.deferred_due_date:%Y-%m-%d}前补交，逾期未补齐"

    unsent: dict[str, str] = {}  # case number: why its applicant's reminder could not be queued

    def handle(rows: list[Case]) -> int:
        _same(rows).update(deferred_overdue=True, version=F("version") + 1)
        found = [_case_finding(ViolationKind.DEFERRED_OVERDUE, c, c.deferred_due_date, text(c), "DEFERRED_OVERDUE")
                 for c in rows]
        record_detected([f for f in found if f is not None], now=now)
        _case_events(rows, "DEFERRED_OVERDUE", text, now)
        _notify(rows, "DEFERRED", lambda c: f"【补办材料逾期】{text(c)}", now)
        for c in rows:
            try:
                phone = c.applicant_phone
            except InvalidToken as exc:  # sealed under a key this site lacks: the rest of the batch goes on
                logger.error("deferred-overdue reminder of %s not sent: its phone cannot be decrypted", c.number)
                unsent[c.number] = repr(exc)[:200]
                continue
            enqueue_sms(phone=phone, kind="CASE_DEFERRED_OVERDUE",
                        text=f"您申请的“{c.item_version.name}”（办件编号{c.number}）容缺受理的材料补交期限"
                             f"{c.deferred_due_date:%Y-%m-%d}已过，请尽快补交，补交后即可领取办理结果。",
                        cause=f"case:{c.number}", now=now)
        record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(rows)}件补办材料逾期未补齐",
               actor_username="system", now=now, data={"cases": [c.number for c in rows][:200]})
        return len(rows)

    total = locked_county_batches(qs, handle, counties=counties(), batch=batch)
    if unsent:  # marked, recorded and warned; only these applicants' reminders are missing: the run log names them
        raise PartlyDone(total, {f"{n}（提醒短信）": e for n, e in unsent.items()}, retry=False)
    return total


def check_intake_clocks(*, now: dt.datetime) -> int:
    """Report applications waiting for review without an intake deadline (the database refuses new ones; this
    finds any that a restore or a manual edit left behind) and give them one from today, so none waits
    unwatched.

    Refuses nothing: a system step run by the sweep."""
    from bianmin.cases.services import intake_deadline_for

    stray = list(Case.objects.filter(county_id__in=counties(), status=Status.RECEIVED, intake_deadline__isnull=True)
                 .select_related("item_version", "unit__region")[:BATCH])
    if not stray:
        return 0
    today = timezone.localtime(now).date()
    with transaction.atomic():
        for case in stray:
            case.intake_deadline = intake_deadline_for(case, today)
        _same(stray).bulk_update(stray, ["intake_deadline"])
        logger.error("sweep: %d applications had no intake deadline: %s", len(stray),
                     ", ".join(c.number for c in stray[:50]))
        record(action=AuditAction.SWEEP, summary=f"时限巡检：发现{len(stray)}件无审查期限的待受理申请，已补设期限",
               actor_username="system", now=now, data={"cases": [c.number for c in stray][:200]})
    return len(stray)


STEPS: tuple[tuple[str, Callable], ...] = (
    ("intake_clocks_missing", lambda now, batch: check_intake_clocks(now=now)),
    ("deemed_accepted", lambda now, batch: len(deem_accepted(now=now))),
    ("unjustified_supplements", lambda now, batch: sweep_refused_supplements(now=now, batch=batch)),
    ("late_decisions", lambda now, batch: sweep_late_decisions(now=now, batch=batch)),
    ("stamped", lambda now, batch: sweep_unstamped(now=now, batch=batch)),
    ("overdue", lambda now, batch: sweep_overdue(now=now, batch=batch)),
    ("yellow", lambda now, batch: sweep_yellow(now=now, batch=batch)),
    ("late_replies", lambda now, batch: sweep_late_replies(now=now, batch=batch)),
    ("unreported_escorts", lambda now, batch: sweep_unreported_escorts(now=now, batch=batch)),
    ("not_started", lambda now, batch: sweep_not_started(now=now, batch=batch)),
    ("result_not_told", lambda now, batch: sweep_result_not_told(now=now, batch=batch)),
    ("deferred_overdue", lambda now, batch: sweep_deferred_overdue(now=now, batch=batch)),
    ("relay_hops", lambda now, batch: sweep_relay_hops(now=now, batch=batch)),
    ("relay_deliveries", lambda now, batch: sweep_relay_deliveries(now=now, batch=batch)),
    ("complaint_replies", lambda now, batch: _complaint_replies(now, batch)),
    ("rating_follow_ups", lambda now, batch: rating_sweep.sweep_rating_follow_ups(now=now, batch=batch)),
    ("default_ratings", lambda now, batch: rating_sweep.sweep_default_ratings(now=now, batch=batch)),
    ("hall", lambda now, batch: _hall(now, batch)),
    ("hospital", lambda now, batch: _hospital(now, batch)),
)


def _complaint_replies(now: dt.datetime, batch: int) -> int:
    from bianmin.complaints.sweep import sweep_complaint_replies

    return sweep_complaint_replies(now, batch)


def _hall(now: dt.datetime, batch: int) -> int:
    """The hall's steps (``hall.sweep.run``: 预约办结 now, the bookings' later), counted together."""
    from bianmin.hall.sweep import run

    return sum(run(now, batch=batch).values())


def _hospital(now: dt.datetime, batch: int) -> int:
    """The hospital desk's steps (``hospital.sweep.run``: late coordination replies and reminders), counted together."""
    from bianmin.hospital.sweep import run

    return sum(run(now, batch=batch).values())


def run_sweep(*, now: dt.datetime, batch: int = BATCH) -> dict[str, int]:
    """Run every step once; return what changed. Idempotent and safe to run on several nodes at once.

    A failing step does not stop the others (each batch is its own transaction); its error is kept in the run log
    and the next run retries it. A step whose items are each their own transaction (deemed acceptance) goes on past
    an item that fails and reports it (``PartlyDone``): its count is what it did, its error names what it could not.

    Refuses nothing: the system's sweep, run by ``manage.py sweep`` and the scheduler.
    """
    started = time.perf_counter()
    counts: dict[str, int] = {}
    errors: dict[str, str] = {}
    for name, step in STEPS:
        try:
            counts[name] = step(now, batch)
        except PartlyDone as exc:  # the step went through its other items; its error names the ones it could not do
            counts[name] = exc.count
            errors[name] = str(exc)[:500]
            logger.warning("sweep step %s: %s", name, exc)
        except Exception as exc:
            counts[name] = 0
            errors[name] = repr(exc)[:500]
            logger.exception("sweep step %s failed", name)
    seconds = time.perf_counter() - started
    SweepRun.objects.create(started_at=now, finished_at=now + dt.timedelta(seconds=seconds),
                            node=f"{socket.gethostname()}:{os.getpid()}"[:64], counts=counts | (
                                {"errors": errors} if errors else {}), seconds=seconds)
    return counts
