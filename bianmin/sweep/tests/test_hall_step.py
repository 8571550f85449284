"""The hall's steps run in the sweep (``hall.sweep.run``, registered as the step "hall"): a missed 预约办结 is
settled late with its violation by ``run_sweep``, once."""
import datetime as dt

import pytest

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.hall import promises
from bianmin.hall.tests.promise_helpers import accepted_case
from bianmin.sweep.services import STEPS, run_sweep
from bianmin.testing.factories import MON, at

pytestmark = pytest.mark.django_db


def test_the_hall_step_is_registered_and_settles_a_missed_promise(cast, item):
    assert "hall" in {name for name, _ in STEPS}
    case = accepted_case(cast)
    promises.give_completion_appointment(actor=cast["window_a"], case_number=case.number,
                                         promised_on=MON + dt.timedelta(days=1), reason="需经领导审批", now=at(MON, 10))
    assert run_sweep(now=at(MON + dt.timedelta(days=2), 8))["hall"] == 1
    assert Violation.objects.filter(kind=ViolationKind.COMPLETION_APPOINTMENT_LATE, case=case).count() == 1
    assert run_sweep(now=at(MON + dt.timedelta(days=2), 9))["hall"] == 0
