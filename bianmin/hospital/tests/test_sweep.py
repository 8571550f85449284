"""The hospital desk's step of the sweep (decision 0026 §5): one reminder when a quarter of the reply time (at least an
hour) is left, one late record past the due time, nothing done twice, nothing read of closed requests."""
import datetime as dt
import io
import itertools

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.accountability.models import Violation
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.hospital import services, sweep
from bianmin.hospital.models import (
    CoordinationRequest,
    ReplyWarning,
    RequestStatus,
    RequestStep,
    RequestStepKind,
)
from bianmin.notifications.models import Message
from bianmin.testing.hospital import SENT

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
NOTHING = {"coordination_closed": 0, "coordination_late": 0, "coordination_reminders": 0}


def _reminded(request) -> bool:
    request.refresh_from_db()
    return request.warning_level == ReplyWarning.YELLOW


@pytest.mark.parametrize(("hours", "window"), [
    (4, H),  # a quarter is one hour
    (2, H),  # a quarter is 30 minutes: at least an hour
    (1, H),  # the whole reply time
    (24, 6 * H),
    (168, 42 * H),  # the longest reply time: its window is the sweep's horizon
])
def test_a_reminder_goes_once_when_a_quarter_of_the_time_at_least_an_hour_is_left(hospital, send, hours, window):
    h = hospital
    request = send(hours=hours)
    due = SENT + hours * H
    if due - window - M > SENT:
        assert sweep.run(due - window - M) == NOTHING and not _reminded(request)
    assert sweep.run(due - window) == {"coordination_closed": 0, "coordination_late": 0, "coordination_reminders": 1}
    assert _reminded(request)
    lines = Message.objects.filter(kind="COORDINATION", body__contains="到期")
    assert {d.recipient_id for d in lines} == {h["k1_staff"].pk}  # the 科室 is reminded, not the desk
    assert AuditEntry.objects.filter(action=AuditAction.SWEEP, summary__contains="即将到期").count() == 1
    assert sweep.run(due - window + M) == NOTHING
    assert sweep.run(due - M) == NOTHING
    assert lines.count() == 1 and not Violation.objects.exists()


def test_late_is_recorded_once_and_the_rerun_writes_nothing(hospital, send, written):
    h = hospital
    request = send(hours=4)
    due = SENT + 4 * H
    assert sweep.run(due)["coordination_late"] == 0  # at the due time it is not yet late
    assert sweep.run(due + M)["coordination_late"] == 1
    request.refresh_from_db()
    assert request.late and request.status == RequestStatus.OPEN and request.warning_level == ReplyWarning.RED
    (violation,) = Violation.objects.all()
    assert violation.kind == "COORDINATION_LATE" and violation.staff == h["k1_staff"].staff_profile
    (step,) = RequestStep.objects.filter(request=request, kind=RequestStepKind.LATE)
    assert step.department_id == h["k1"].pk and step.by is None
    late_lines = Message.objects.filter(kind="COORDINATION", body__contains="超时")
    assert {d.recipient_id for d in late_lines} == {h["k1_staff"].pk, h["desk_a"].pk}
    assert AuditEntry.objects.filter(action=AuditAction.SWEEP, summary__contains="超时").count() == 1
    before = written()
    for later in (due + 2 * M, due + 5 * H, due + 50 * H):
        assert sweep.run(later) == NOTHING
    assert written() == before


def test_a_late_request_is_not_reminded_afterwards(hospital, send):
    request = send(hours=4)
    sweep.run(SENT + 5 * H)
    request.refresh_from_db()
    assert request.warning_level == ReplyWarning.RED


@pytest.mark.parametrize("state", ["ANSWERED", "REFUSED", "TOLD", "WITHDRAWN"])
def test_replied_and_closed_requests_are_left_alone(hospital, send, written, state):
    h = hospital
    request = send(hours=4)
    if state in ("ANSWERED", "TOLD"):
        services.answer_request(actor=h["k1_staff"], request_id=request.pk, answer="可以", now=SENT + H)
    if state == "REFUSED":
        services.refuse_request(actor=h["k1_staff"], request_id=request.pk, reason="无床位", now=SENT + H)
    if state == "TOLD":
        services.tell_family(actor=h["desk_a"], request_id=request.pk, note="告知", now=SENT + H)
    if state == "WITHDRAWN":
        services.withdraw_request(actor=h["desk_a"], request_id=request.pk, reason="不需要", now=SENT + H)
    request.refresh_from_db()
    version = request.version
    before = written()
    for moment in (SENT + 3 * H + M, SENT + 5 * H, SENT + 48 * H):
        assert sweep.run(moment) == NOTHING
    request.refresh_from_db()
    assert not request.late and request.warning_level == "" and request.version == version
    assert written() == before


def test_an_escalated_request_is_reminded_and_recorded_again_for_the_new_department(hospital, send):
    h = hospital
    request = send(hours=4)
    assert sweep.run(SENT + 3 * H)["coordination_reminders"] == 1
    services.escalate_request(actor=h["k1_staff"], request_id=request.pk, to_department_id=h["k2"].pk,
                              note="转医务科", now=SENT + 3 * H + 30 * M)  # in time: nothing recorded
    request.refresh_from_db()
    assert request.warning_level == "" and request.due_at == SENT + 7 * H + 30 * M
    assert sweep.run(SENT + 6 * H + 30 * M)["coordination_reminders"] == 1
    assert Message.objects.filter(recipient=h["k2_staff"], kind="COORDINATION", body__contains="到期").count() == 1
    assert sweep.run(SENT + 8 * H)["coordination_late"] == 1
    request.refresh_from_db()
    assert request.late
    steps = RequestStep.objects.filter(request=request, kind=RequestStepKind.LATE)
    assert [s.department_id for s in steps] == [h["k2"].pk]
    assert not Violation.objects.exists()  # the 医务科 has no chief and no head: nobody to charge


def test_batches_cover_every_row(hospital, send):
    late = [send(hours=1, now=SENT + n * M) for n in range(5)]
    assert sweep.sweep_late_requests(now=SENT + 2 * H, batch=2) == 5
    assert all(CoordinationRequest.objects.get(pk=r.pk).late for r in late)
    assert Violation.objects.count() == 5


def test_reminder_batches_go_past_rows_not_yet_due_for_a_reminder(hospital, send):
    # Two requests inside the sweep's horizon but not yet in their own window, then one in its window.
    early = [send(hours=48, now=SENT - 18 * H + n * M) for n in range(2)]  # due in 30 h, window 12 h
    near = send(hours=4, now=SENT - 3 * H - 30 * M)  # due in 30 min
    assert sweep.sweep_reminders(now=SENT, batch=2) == 1
    assert _reminded(near) and not any(_reminded(r) for r in early)


def test_the_whole_sweep_runs_the_hospital_step(hospital, send):
    request = send(hours=4)
    out = io.StringIO()
    with time_machine.travel(SENT + 5 * H, tick=False):
        call_command("sweep", stdout=out)
    request.refresh_from_db()
    assert request.late and Violation.objects.filter(kind="COORDINATION_LATE").count() == 1
    with time_machine.travel(SENT + 6 * H, tick=False):
        call_command("sweep", stdout=io.StringIO())
    assert Violation.objects.filter(kind="COORDINATION_LATE").count() == 1
    assert RequestStep.objects.filter(request=request, kind=RequestStepKind.LATE).count() == 1


_numbers = itertools.count(1)


def _bulk(h, n: int, *, status: str, due: dt.datetime, late: bool = False) -> None:
    """``n`` requests written directly (the sweep's input, not the services'), all to the 心内科."""
    profile = h["desk_a"].staff_profile
    CoordinationRequest.objects.bulk_create([CoordinationRequest(
        number=f"XTTEST{next(_numbers):06d}", case=h["case"], desk=h["desk"], desk_path=h["desk"].path,
        department=h["k1"], topic="BED", question="床位", reply_hours=4, status=status, sent_at=due - 4 * H,
        sent_by=profile, due_at=due, late=late,
        answered_at=None if status in (RequestStatus.OPEN, RequestStatus.WITHDRAWN) else due - H,
        answered_by=None if status in (RequestStatus.OPEN, RequestStatus.WITHDRAWN) else h["k1_staff"].staff_profile,
        answer="" if status in (RequestStatus.OPEN, RequestStatus.WITHDRAWN) else "已答复") for _ in range(n)])


def _closed(h, n: int, now: dt.datetime) -> None:
    """``n`` closed or replied requests: past due, and due inside the reminder window (nothing to do for either)."""
    statuses = [RequestStatus.ANSWERED, RequestStatus.REFUSED, RequestStatus.TOLD, RequestStatus.WITHDRAWN]
    for i in range(n):
        _bulk(h, 1, status=statuses[i % 4], due=now - H if i % 2 else now + 30 * M)


def _queries(now: dt.datetime) -> tuple[int, dict[str, int]]:
    with CaptureQueriesContext(connection) as ctx:
        counts = sweep.run(now)
    return len(ctx.captured_queries), counts


def test_the_query_count_does_not_grow_with_closed_requests(hospital):
    h = hospital
    now = SENT + 10 * H
    _closed(h, 5, now)
    _bulk(h, 1, status=RequestStatus.OPEN, due=now - H)  # late
    _bulk(h, 1, status=RequestStatus.OPEN, due=now + 30 * M)  # to remind
    few, counts = _queries(now)
    assert counts == {"coordination_closed": 0, "coordination_late": 1, "coordination_reminders": 1}
    _closed(h, 45, now)
    _bulk(h, 1, status=RequestStatus.OPEN, due=now - 2 * H)
    _bulk(h, 1, status=RequestStatus.OPEN, due=now + 20 * M)
    many, counts = _queries(now)
    assert counts == {"coordination_closed": 0, "coordination_late": 1, "coordination_reminders": 1}
    assert CoordinationRequest.objects.exclude(status=RequestStatus.OPEN).count() == 50
    assert many == few
    idle, counts = _queries(now)
    assert counts == NOTHING and idle <= few


def test_the_query_count_does_not_grow_with_the_requests_it_records(hospital):
    h = hospital
    now = SENT + 10 * H
    _bulk(h, 1, status=RequestStatus.OPEN, due=now - H)
    _bulk(h, 1, status=RequestStatus.OPEN, due=now + 30 * M)
    one, counts = _queries(now)
    assert counts == {"coordination_closed": 0, "coordination_late": 1, "coordination_reminders": 1}
    _bulk(h, 20, status=RequestStatus.OPEN, due=now - H)
    _bulk(h, 20, status=RequestStatus.OPEN, due=now + 30 * M)
    twenty, counts = _queries(now)
    assert counts == {"coordination_closed": 0, "coordination_late": 20, "coordination_reminders": 20}
    assert twenty == one


def test_requests_of_a_case_that_ended_are_closed_and_charge_nobody(hospital, send):
    """A withdrawn (or decided) case leaves nothing to coordinate: its open requests are withdrawn by the sweep with
    the reason, no 科室 is recorded late for them, and a reply after that is refused."""
    from bianmin.accountability.models import Violation
    from bianmin.cases import services as case_services
    from bianmin.core.errors import Conflict
    from bianmin.hospital import services
    from bianmin.hospital.models import CoordinationRequest, RequestStatus

    h = hospital
    request = send(hours=2)
    case_services.withdraw_case(actor=h["desk_a"], number=h["case"].number, reason="家属决定不转院",
                                now=SENT + 1 * H)
    with pytest.raises(Conflict):
        services.answer_request(actor=h["k1_staff"], request_id=request.pk, answer="可以", now=SENT + 1 * H)
    counts = sweep.run(SENT + 5 * H)
    assert counts["coordination_closed"] == 1 and counts["coordination_late"] == 0
    request = CoordinationRequest.objects.get(pk=request.pk)
    assert request.status == RequestStatus.WITHDRAWN and "办件已" in request.closed_reason
    assert not Violation.objects.exists()
    assert sweep.run(SENT + 6 * H)["coordination_closed"] == 0


def test_a_reply_already_late_when_the_case_ended_or_the_request_was_withdrawn_stays_on_record(hospital, send):
    from bianmin.accountability.models import Violation
    from bianmin.cases import services as case_services
    from bianmin.hospital import services

    h = hospital
    late = send(hours=1)
    services.withdraw_request(actor=h["desk_a"], request_id=late.pk, reason="家属改变主意", now=SENT + 2 * H)
    assert Violation.objects.count() == 1
    overdue = send(hours=1, now=SENT + 2 * H)
    case_services.withdraw_case(actor=h["desk_a"], number=h["case"].number, reason="家属决定不转院",
                                now=SENT + 4 * H)  # the second request was 1 hour late by then
    assert sweep.run(SENT + 5 * H)["coordination_closed"] == 1
    assert Violation.objects.count() == 2
    overdue.refresh_from_db()
    assert overdue.late and overdue.status == "WITHDRAWN"
