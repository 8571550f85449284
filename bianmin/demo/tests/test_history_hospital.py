"""The hospital desk's week (``demo.history_hospital``, issue 14): cases with their patients, coordination requests in
every state with one late reply recorded by the sweep, 便民活动 on the board, ratings and complaints naming a 科室 —
all through the services, nothing refused, and the same each time."""
import datetime as dt

import pytest
from django.db import transaction

from bianmin.accountability.models import Violation
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.audit.services import verify_chain
from bianmin.cases.models import Case
from bianmin.complaints.models import Complaint
from bianmin.demo.history import seed_history
from bianmin.demo.seed import seed_demo
from bianmin.hall.board import board_for
from bianmin.hospital.models import (
    CareEvent,
    CoordinationRequest,
    EventStatus,
    PatientRecord,
    ReplyWarning,
    RequestStatus,
    RequestStep,
    RequestStepKind,
)
from bianmin.hospital.selectors import published_events
from bianmin.org.models import Unit
from bianmin.ratings.models import Rating
from conftest import NOW

from .test_history import END, SMALL

pytestmark = pytest.mark.django_db


def week() -> tuple:
    """What two runs must share (ciphertexts and query codes are random by design)."""
    requests = list(CoordinationRequest.objects.order_by("number").values_list(
        "number", "case__number", "department__code", "topic", "status", "escalations", "late", "warning_level",
        "sent_at", "due_at"))
    events = list(CareEvent.objects.order_by("pk").values_list("title", "status", "starts_at", "attendance"))
    return requests, events


def test_the_week_at_the_hospital_desk():
    seed_demo(NOW)
    stats = seed_history(now=END, cases=SMALL)
    assert stats is not None and not stats.errors, stats and stats.errors
    desk = Unit.objects.get(code="YY1")
    week_start = END - dt.timedelta(days=10)
    cases = Case.objects.filter(unit=desk, received_at__gte=week_start)
    scripted = cases.filter(received_by__user__username__in=["yy_window1", "yy_window2"])
    assert 15 <= scripted.count() <= 25
    assert {"YX-0030", "YX-0035", "YX-0036", "YX-0037", "YX-0038", "YX-0039", "YX-0040"} <= set(
        scripted.values_list("item_version__item__code", flat=True))
    patients = PatientRecord.objects.filter(case__in=scripted)
    assert patients.count() >= 12 and all(p.diagnosis and p.ward for p in patients)
    # Requests in every state, to several 科室; one raised and still open at 医务科; one reminded before its time.
    requests = CoordinationRequest.objects.filter(desk=desk)
    assert set(requests.values_list("status", flat=True)) == set(RequestStatus.values)
    assert requests.values("department").distinct().count() >= 6
    assert requests.filter(escalations__gte=1, status=RequestStatus.TOLD).exists()
    assert requests.filter(escalations__gte=1, status=RequestStatus.OPEN, department__code="YY1K05").exists()
    assert requests.filter(status=RequestStatus.OPEN, warning_level=ReplyWarning.YELLOW).exists()
    assert not requests.filter(status=RequestStatus.OPEN, due_at__lt=END).exists()
    # The one late reply: recorded by the sweep before the 科室 answered, against 神经内科's 首席责任人.
    [late] = requests.filter(late=True)
    assert late.department.code == "YY1K02" and late.status == RequestStatus.TOLD
    step = RequestStep.objects.get(request=late, kind=RequestStepKind.LATE)
    assert late.due_at < step.at < late.answered_at
    violation = Violation.objects.get(kind="COORDINATION_LATE")
    assert violation.staff.user.username == "yy_sjnk1" and violation.case_id == late.case_id
    assert violation.statements.exists() and violation.status == "PROPOSED"  # 申辩, then a proposal to the leader
    # Its case: told, done within its 24 hours, rated by the family naming the 科室.
    case = late.case
    assert case.status in ("DELIVERED", "ARCHIVED") and case.decided_at <= case.committed_due_at
    assert Rating.objects.get(case=case).department.code == "YY1K02"
    assert Rating.objects.filter(unit=desk, department__isnull=False).count() >= 3
    assert not scripted.filter(status__in=("DELIVERED", "ARCHIVED"), ratings__isnull=True).exists()  # rated at once
    # The health fields were read by a 科室 (audited), never written into the audit trail.
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW, summary__contains="诊断和病区").exists()
    assert not AuditEntry.objects.filter(summary__contains="脑梗死").exists()
    # Opinions: the complaints name their 科室.
    assert set(Complaint.objects.filter(unit=desk).values_list("department__code", flat=True)) == {"YY1K07",
                                                                                                   "YY1K04"}
    # 便民活动: held with attendance, published, cancelled with the reason, planned — the board shows three.
    statuses = dict(CareEvent.objects.filter(unit=desk).values_list("title", "status"))
    assert sorted(statuses.values()) == sorted(EventStatus.values)
    shown = {e.status for e in published_events(desk.pk, END)}
    assert shown == {EventStatus.HELD, EventStatus.PUBLISHED, EventStatus.CANCELLED}
    assert {e.status for e in board_for(desk, END.date(), now=END).events} == shown
    assert verify_chain() is None


def test_the_week_is_the_same_each_time():
    seed_demo(NOW)
    with transaction.atomic():
        seed_history(now=END, cases=20, days=14)
        first = week()
        transaction.set_rollback(True)
    seed_history(now=END, cases=20, days=14)
    assert week() == first and len(first[0]) >= 15 and len(first[1]) == 4
