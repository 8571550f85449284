"""Recomputing deadlines when a provisional year is finalised (``cases.services.calendar_change``, decision
0015 §2): counted from where the decision clock started, pauses recounted, the applicant told."""
import datetime as dt

import pytest

from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.selectors import public_lookup
from bianmin.cases.services.calendar_change import finalize_year_and_recompute
from bianmin.notifications.models import Message
from bianmin.testing.cases import receive
from bianmin.testing.factories import at, make_item

pytestmark = pytest.mark.django_db


def test_recomputation_counts_from_receipt_for_a_late_acceptance_and_tells_the_applicant(cast, item):
    case = receive(cast, day=dt.date(2026, 12, 21))  # Monday; intake deadline 12/28
    assert case.intake_deadline == dt.date(2026, 12, 28)
    case = svc.accept_case(actor=cast["window_a"], number=case.number, now=at(dt.date(2026, 12, 30)))
    assert case.clock_start_date == dt.date(2026, 12, 21)  # late: counted from receipt
    # 12/22–12/31: 8 working days, 1/1 元旦 (provisional 2027), then 1/4, 1/5 → the 10th working day is 1/5.
    assert (case.committed_deadline, case.deadline_provisional) == (dt.date(2027, 1, 5), True)
    # The State Council (hypothetically) also gives Monday 1/4 off: from 12/21 the 10th working day is now 1/6.
    # (Counting from the acceptance day 12/30 would give 1/15.)
    days = [(dt.date(2027, 1, 1), "REST", "元旦"), (dt.date(2027, 1, 4), "REST", "元旦")]
    _year, changed = finalize_year_and_recompute(actor=cast["sysadmin"], year=2027, notice="国办发明电〔2026〕1号",
                                                 days=days, published_on=dt.date(2026, 12, 31),
                                                 now=at(dt.date(2026, 12, 31)))
    assert changed == [case.number]
    case = Case.objects.get(pk=case.pk)
    assert (case.committed_deadline, case.deadline_provisional) == (dt.date(2027, 1, 6), False)
    assert "2027年放假安排" in case.deadline_change_reason
    event = CaseEvent.objects.get(case=case, action="DEADLINES_RECOMPUTED")
    assert "2027-01-05 → 2027-01-06" in event.opinion
    sms = Message.objects.get(kind="CASE_DEADLINES_RECOMPUTED")
    assert sms.phone == "13800138000" and "2027-01-06" in sms.body and "原2027-01-05" in sms.body
    status = public_lookup(case.number, case.query_code)
    assert status.committed_deadline == dt.date(2027, 1, 6) and status.provisional is False
    assert "2027年放假安排" in status.deadline_change_reason
    assert any(s["note"] and "2027-01-06" in s["note"] for s in status.steps)

def test_recomputation_recounts_a_pause_over_a_finalised_holiday(cast, org, calendar):
    make_item(cast, org, "PZ-01", name="检测事项")
    case = receive(cast, code="PZ-01", day=dt.date(2027, 2, 1))
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(dt.date(2027, 2, 1)))
    svc.start_pause(actor=cast["window_a"], number=case.number, kind="TESTING", basis="送检", expected_days=3,
                    now=at(dt.date(2027, 2, 3)))
    svc.end_pause(actor=cast["window_a"], number=case.number, result="合格", now=at(dt.date(2027, 2, 11)))
    # Provisionally 2/4 and 2/5 ... 2/11 hold 2/4, 2/11 as working days (春节 2/5–2/8, 补假 2/9–2/10).
    days = [(dt.date(2027, 2, d), "REST", "春节") for d in (5, 6, 7, 8, 9, 10, 11)]
    days += [(dt.date(2027, 2, 20), "WORK", "春节调休"), (dt.date(2027, 1, 1), "REST", "元旦")]
    finalize_year_and_recompute(actor=cast["sysadmin"], year=2027, notice="国办发明电〔2026〕9号", days=days,
                                published_on=None, now=at(dt.date(2026, 12, 1)))
    case = Case.objects.get(pk=case.pk)
    assert case.pauses.get().paused_working_days == 1  # 2/4 only, on the official calendar
    # From 2/1: 2/2, 2/3, 2/4, 2/12, 2/15–2/19, 2/20 (调休) = 10 → 2/20; plus the 1-day pause → 2/22.
    assert case.committed_deadline == dt.date(2027, 2, 22)
