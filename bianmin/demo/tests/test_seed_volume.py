import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.tests.conftest import ID
from bianmin.cases.workflow import CaseClass, Status
from bianmin.demo.seed import seed_demo
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
