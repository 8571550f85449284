"""The overdue step for a committed limit in hours (issue 14 item 1, decision 0026): a running case past its
``committed_due_at`` is recorded the same day, once (the same dedupe key as the day after would give), and a case
decided after that moment is recorded by the late-decision step. On PostgreSQL the step reads an index for each
side of its OR (the moment's partial index, an index of the running cases' deadlines), never the whole table."""
import datetime as dt

import pytest
from django.db import connection

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent
from bianmin.catalog.models import LimitUnit
from bianmin.sweep.services import sweep_late_decisions, sweep_overdue
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, at, make_item

pytestmark = pytest.mark.django_db

DUE = at(MON, 13)  # accepted at 09:00, 4 hours


@pytest.fixture
def running(cast, org, calendar):
    make_item(cast, org, "YY-01", name="入院登记", kind="PUBLIC_SERVICE", level="INSTITUTION", legal_limit=24,
              legal_limit_unit=LimitUnit.HOURS, committed_limit=4, committed_limit_unit=LimitUnit.HOURS,
              special_procedures=[], extension_allowed=False, extension_days=0)
    case = receive(cast, code="YY-01", now=at(MON, 9))
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON, 9))
    return svc.start_case(actor=cast["window_a"], number=case.number, now=at(MON, 10))


def test_past_the_moment_is_overdue_the_same_day_once(cast, running):
    assert running.committed_due_at == DUE
    assert sweep_overdue(now=DUE) == 0  # the limit ends at that moment
    assert sweep_overdue(now=DUE + dt.timedelta(minutes=1)) == 1
    assert sweep_overdue(now=DUE + dt.timedelta(hours=2)) == 0
    assert sweep_overdue(now=at(MON + dt.timedelta(days=1), 9)) == 0  # the day-based rule finds it recorded
    violation = Violation.objects.get()
    assert violation.kind == ViolationKind.OVERDUE_CASE and violation.case_id == running.pk
    assert violation.dedupe_key == f"OVERDUE:case:{running.pk}:20260302"
    assert violation.occurred_on == MON
    assert "承诺办结时间为2026-03-02 13:00" in violation.description
    case = Case.objects.get(pk=running.pk)
    assert case.warning_level == "RED"
    assert CaseEvent.objects.get(case=case, action="OVERDUE").data["committed_due_at"]


def test_decided_after_the_moment_is_recorded_by_the_late_step(cast, running):
    svc.decide_case(actor=cast["window_a"], number=running.number, outcome="GRANTED", **GRANT,
                    now=DUE + dt.timedelta(hours=1))
    assert sweep_overdue(now=DUE + dt.timedelta(hours=2)) == 0  # decided: no longer running
    assert sweep_late_decisions(now=DUE + dt.timedelta(hours=2)) == 1
    assert sweep_late_decisions(now=DUE + dt.timedelta(hours=3)) == 0
    assert Violation.objects.get().dedupe_key == f"OVERDUE:case:{running.pk}:20260302"


def test_decided_before_the_moment_is_never_recorded(cast, running):
    svc.decide_case(actor=cast["window_a"], number=running.number, outcome="GRANTED", **GRANT,
                    now=DUE - dt.timedelta(minutes=5))
    assert sweep_overdue(now=DUE + dt.timedelta(hours=2)) == 0
    assert sweep_late_decisions(now=DUE + dt.timedelta(hours=2)) == 0
    assert not Violation.objects.exists()


@pytest.mark.postgres
def test_the_step_reads_the_partial_indexes(running):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")
    import copy

    from django.db.models import Q

    from bianmin.cases.workflow import RUNNING

    # 3,000 other running cases, due in days and not yet: the running cases are not a selective set.
    copies = []
    for n in range(3000):
        other = copy.copy(running)
        other.pk, other.id, other.number = None, None, f"X{n:06d}"
        other.committed_due_at, other.committed_deadline = None, MON + dt.timedelta(days=30 + n % 60)
        copies.append(other)
    Case.objects.bulk_create(copies, batch_size=500)
    now = DUE + dt.timedelta(minutes=1)
    qs = Case.objects.filter(Q(committed_deadline__lt=MON) | Q(committed_due_at__lt=now), status__in=RUNNING,
                             warning_level__in=["", "YELLOW"]).order_by().values("pk")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
        # A handful of rows, where a scan is cheapest: forbid it and plain index scans (any index, filtering every
        # row, would do), so that the plan shows the indexes the OR can use (one bitmap per branch).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    # one bitmap per branch: the moment from its own index, the day from an index of running cases' deadlines
    assert "BitmapOr" in text and "case_sweep_red_hours_idx" in text, text
    assert "Index Cond: (committed_deadline <" in text and "Seq Scan" not in text, text
    assert qs.count() == 1


def test_the_yellow_digest_gives_the_time(cast, running, item):
    from bianmin.notifications.models import DigestItem
    from bianmin.sweep.services import sweep_yellow

    days = receive(cast, now=at(MON, 9))
    svc.accept_case(actor=cast["window_a"], number=days.number, now=at(MON, 9))
    assert sweep_yellow(now=at(MON, 11)) == 1  # the hour case's due day; the case in days is not yet yellow
    texts = list(DigestItem.objects.values_list("text", flat=True))
    assert texts and all(f"办件{running.number}（入院登记）将于2026-03-02 13:00到期" in t for t in texts)
