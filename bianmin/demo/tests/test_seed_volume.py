import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.workflow import CaseClass, Status
from bianmin.demo.seed import seed_demo
from bianmin.testing.factories import ID
from conftest import NOW

pytestmark = pytest.mark.django_db


def test_seed_volume_makes_consistent_history_and_numbering_continues(django_user_model):
    seed_demo(NOW)
    call_command("seed_volume", "--cases", "300", "--days", "60", "--batch", "120")
    cases = list(Case.objects.all())
    assert len(cases) == 300 and len({c.number for c in cases}) == 300
    assert all(c.received_at.date() < timezone.localdate() for c in cases)
    statuses = {c.status for c in cases}
    assert Status.ARCHIVED in statuses and len(statuses) >= 5
    for case in cases[:50]:
        path = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("to_status", flat=True))
        assert path[0] == "RECEIVED" and path[-1] == case.status
        if case.accepted_at:
            assert case.first_handler_id and case.committed_deadline and case.case_class != CaseClass.PENDING
    # Real receipts after the bulk load get fresh numbers on any day.
    window1 = django_user_model.objects.get(username="window1")
    day = Case.objects.filter(unit__code="C01").order_by("received_at").first().received_at
    case = svc.receive_case(actor=window1, item_code="YX-0002", now=day + dt.timedelta(hours=1),
                            applicant={"name": "张三", "id_number": ID, "phone": "13800138000"})
    assert Case.objects.filter(number=case.number).count() == 1


def test_seed_volume_leaves_the_state_the_sweep_would_have_left(django_user_model):
    from bianmin.accountability.models import Violation
    from bianmin.cases.models import CasePause, Extension
    from bianmin.sweep.services import run_sweep

    seed_demo(NOW)
    call_command("seed_volume", "--cases", "3000", "--days", "200", "--batch", "1000", "--seed", "7")
    assert CasePause.objects.exists() and Extension.objects.exists()
    assert Violation.objects.filter(kind="OVERDUE_CASE").count() == Case.objects.filter(warning_level="RED").count()
    running = Case.objects.filter(status__in=["ACCEPTED", "IN_PROGRESS"])
    assert running.exists() and not running.filter(yellow_on__isnull=True).exists()
    assert not Case.objects.filter(decided_at__date__gte=timezone.localdate()).exists()
    assert not CasePause.objects.filter(started_on__gte=timezone.localdate()).exists()
    for pause in CasePause.objects.select_related("case__item_version")[:50]:
        assert pause.kind in pause.case.item_version.special_procedures
    counts = run_sweep(now=timezone.now())
    assert counts["overdue"] == counts["late_decisions"] == counts["stamped"] == 0, counts
