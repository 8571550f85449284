"""``manage.py apply_deemed_acceptance`` accepts by law and records the violation, as the sweep's step does (it
used to accept without the record, and the sweep never found the case again)."""
import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.cases.models import Case
from bianmin.cases.workflow import Status
from bianmin.testing.cases import receive

pytestmark = pytest.mark.django_db


def test_the_command_is_idempotent_and_records_the_violation(cast, item):
    case = receive(cast)
    with time_machine.travel(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        out = StringIO()
        call_command("apply_deemed_acceptance", stdout=out)
        assert case.number in out.getvalue()
        out = StringIO()
        call_command("apply_deemed_acceptance", stdout=out)
        assert "视为受理 0 件" in out.getvalue()
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    assert Violation.objects.filter(kind=ViolationKind.LATE_SUPPLEMENT_NOTICE, case_id=case.pk).count() == 1
