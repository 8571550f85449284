"""代办交接 in the sweep (issue 13 item 2): a hop not signed for by its due date turns yellow the working day before
and red after it, with one violation of the sender (代办交接超时); a hop answered late is recorded the same way."""
import datetime as dt

import pytest

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.notifications.models import DigestItem
from bianmin.relay import services as relay_svc
from bianmin.relay.models import HandOver
from bianmin.sweep.services import run_sweep
from bianmin.testing.factories import MON, applicant, at

pytestmark = pytest.mark.django_db
WED, THU, FRI = MON + dt.timedelta(days=2), MON + dt.timedelta(days=3), MON + dt.timedelta(days=4)
SENT = [{"name": "申请书", "copies": 1}]


def sent(cast, name="张三"):
    relay = relay_svc.register_relay(actor=cast["agent"], item_code="SP-01", applicant=applicant(name=name),
                                     materials=[{"material": "申请书", "copies": 1}], mandate="SCREEN", now=at(MON))
    relay_svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON))  # due Thursday, yellow Wednesday
    return relay


def test_an_unsigned_hop_turns_yellow_the_day_before_and_red_after_with_one_violation(cast, item):
    relay = sent(cast)
    hop = HandOver.objects.get(relay=relay)
    assert (hop.yellow_on, hop.due_on) == (WED, THU)
    assert run_sweep(now=at(MON + dt.timedelta(days=1)))["relay_hops"] == 0
    assert run_sweep(now=at(WED))["relay_hops"] == 1
    hop.refresh_from_db()
    assert hop.warning_level == "YELLOW"
    assert DigestItem.objects.filter(recipient=cast["agent"], kind="YELLOW", text__contains=relay.number).count() == 1
    assert run_sweep(now=at(THU, 16))["relay_hops"] == 0  # the due day itself is not late
    assert not Violation.objects.exists()
    assert run_sweep(now=at(FRI))["relay_hops"] == 1
    hop.refresh_from_db()
    assert hop.warning_level == "RED"
    violation = Violation.objects.get()
    assert (violation.kind, violation.staff, violation.occurred_on) == (
        ViolationKind.RELAY_HOP_LATE, cast["agent"].staff_profile, FRI)
    assert "逾期未签收" in violation.description and relay.number in violation.description
    assert run_sweep(now=at(FRI, 12))["relay_hops"] == 0  # once
    assert Violation.objects.count() == 1


def test_a_hop_signed_late_before_the_sweep_saw_it_is_recorded_and_one_in_time_is_not(cast, item):
    late, on_time = sent(cast, "甲"), sent(cast, "乙")
    relay_svc.sign_for(actor=cast["town_window"], number=on_time.number, materials=SENT, now=at(THU))
    relay_svc.sign_for(actor=cast["town_window"], number=late.number, materials=SENT, now=at(FRI))
    assert run_sweep(now=at(FRI, 12))["relay_hops"] == 1
    violation = Violation.objects.get()
    assert late.number in violation.description and "逾期才送达" in violation.description
    assert HandOver.objects.get(relay=on_time).warning_level == ""


@pytest.fixture
def dept_window(org, django_user_model):
    from bianmin.accounts.roles import Role
    from conftest import make_user

    return make_user(django_user_model, "dept_window", Role.WINDOW, org["dept"])


def test_a_result_waiting_at_the_station_past_its_limit_is_warned_then_recorded_once(cast, item, dept_window):
    """The station delivers within RELAY_DELIVER_WORKING_DAYS of the result's arrival (decision 0023 §3)."""

    from bianmin.accountability.models import Violation
    from bianmin.cases import services as cases
    from bianmin.relay import services as svc
    from bianmin.relay.models import Direction
    from bianmin.relay.tests.helpers import SENT, register
    from bianmin.sweep.services import sweep_relay_deliveries
    from bianmin.testing.factories import MON, at

    tue, wed, thu = (MON + dt.timedelta(days=n) for n in (1, 2, 3))
    relay = register(cast)
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON, 10))
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(tue))
    svc.hand_over(actor=cast["town_window"], number=relay.number, now=at(tue, 11))
    svc.sign_for(actor=dept_window, number=relay.number, materials=SENT, now=at(wed))
    relay.refresh_from_db()
    cases.accept_case(actor=dept_window, number=relay.case.number, now=at(wed, 10))
    cases.decide_case(actor=dept_window, number=relay.case.number, outcome="GRANTED", reasons="符合",
                      certificate_number="JY1", now=at(thu, 10))
    svc.send_result(actor=dept_window, number=relay.number, method="ROUTE", now=at(thu, 11))
    down = relay.hand_overs.get(direction=Direction.DOWN).materials
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=down, now=at(thu, 15))
    svc.hand_over(actor=cast["town_window"], number=relay.number, now=at(thu, 16))
    svc.sign_for(actor=cast["agent"], number=relay.number, materials=down, now=at(thu, 17))
    assert sweep_relay_deliveries(now=at(dt.date(2026, 3, 10))) == 1  # the last day: warned
    assert sweep_relay_deliveries(now=at(dt.date(2026, 3, 11))) == 1  # after it: recorded
    late = Violation.objects.get(dedupe_key=f"RELAY_DELIVER:relay:{relay.pk}")
    assert late.staff == cast["agent"].staff_profile and "逾期未送达" in late.description
    assert sweep_relay_deliveries(now=at(dt.date(2026, 3, 12))) == 0  # once
