"""信访陪同 in the statistics (issue 13 item 6): the new inquiry outcome is counted under its Chinese label."""
import datetime as dt

import pytest

from bianmin.inquiries import services as inq
from bianmin.stats.selectors import indicators

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def test_the_escort_outcome_is_counted_by_its_chinese_label(cast):
    inquiry = inq.register_inquiry(actor=cast["town_window"], channel="WINDOW", matter="咨询低保政策", now=MONDAY)
    inq.record_outcome(actor=cast["town_window"], number=inquiry.number, outcome="ESCORTED", now=MONDAY,
                       to_badge="B-agent", visit_date=dt.date(2026, 3, 4), destination="D1")
    report = indicators(cast["leader"], start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31),
                        today=dt.date(2026, 3, 31))
    assert report.inquiries == {"指派专人陪同到上级部门咨询": 1}
