"""信访陪同 in the sweep (issue 13 item 6): a visit whose date passed without a result is warned about once, in the
digest of the escort and of the first responder; no violation is recorded (decision 0023)."""
import datetime as dt

import pytest

from bianmin.accountability.models import Violation
from bianmin.audit.models import AuditEntry
from bianmin.inquiries import services as inq
from bianmin.inquiries.models import EscortVisit
from bianmin.notifications.models import DigestItem
from bianmin.sweep.services import run_sweep
from bianmin.testing.factories import at

pytestmark = pytest.mark.django_db
MONDAY, WEDNESDAY = dt.date(2026, 3, 2), dt.date(2026, 3, 4)


def escorted(cast, name):
    inquiry = inq.register_inquiry(actor=cast["town_window"], channel="WINDOW", matter=f"{name}咨询低保政策",
                                   visitor_name=name, now=at(MONDAY))
    return inq.record_outcome(actor=cast["town_window"], number=inquiry.number, outcome="ESCORTED", now=at(MONDAY),
                              to_badge="B-agent", visit_date=WEDNESDAY, destination="D1")


def test_a_visit_past_its_date_without_a_result_is_warned_once_and_a_reported_one_is_not(cast):
    silent, reported = escorted(cast, "甲"), escorted(cast, "乙")
    inq.record_escort_result(actor=cast["agent"], number=reported.number, result="已陪同，部门答复需补材料",
                             close=False, now=at(WEDNESDAY, 16))
    assert run_sweep(now=at(WEDNESDAY, 17))["unreported_escorts"] == 0  # the day itself: not yet
    sweeps = AuditEntry.objects.filter(summary__contains="信访陪同").count()
    assert run_sweep(now=at(dt.date(2026, 3, 5)))["unreported_escorts"] == 1
    assert AuditEntry.objects.filter(summary__contains="信访陪同").count() == sweeps + 1
    lines = DigestItem.objects.filter(kind="ESCORT")
    assert {line.recipient_id for line in lines} == {cast["agent"].pk, cast["town_window"].pk}
    assert all(silent.number in line.text and "尚未登记陪同结果" in line.text for line in lines)
    assert EscortVisit.objects.get(inquiry=silent).warned_at == at(dt.date(2026, 3, 5))
    assert run_sweep(now=at(dt.date(2026, 3, 6)))["unreported_escorts"] == 0  # once
    assert DigestItem.objects.filter(kind="ESCORT").count() == 2
    assert not Violation.objects.exists()
    # A late result is still taken.
    inq.record_escort_result(actor=cast["agent"], number=silent.number, result="已陪同", close=True,
                             now=at(dt.date(2026, 3, 6)))
