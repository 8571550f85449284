"""The seeded demo county (``demo.seed``) carries a case through 限时办结: received the Friday before National Day,
a 检测 pause, the one extension, and the sweep recording it overdue once (the acceptance walk-through of issue 4)."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.accountability.policies import visible_violations
from bianmin.cases import services as svc
from bianmin.cases.models import Case
from bianmin.catalog.selectors import current_version_by_code
from bianmin.demo.seed import seed_demo
from bianmin.sweep.services import run_sweep
from conftest import NOW

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(hours=hour - 8)  # Beijing


def user(name):
    return get_user_model().objects.get(username=name)


def test_a_demo_case_through_a_holiday_a_pause_an_extension_and_the_sweep(db):
    seed_demo(NOW)
    version = current_version_by_code("YX-0003")  # 公共场所卫生许可: 10 working days, 检测 allowed, +10
    materials = [{"material": m.name, "received_as": "PAPER", "copies": 1} for m in version.materials.all()]
    applicant = {"kind": "PERSON", "name": "陈明", "id_type": "RESIDENT_ID", "id_number": "11010519491231002X",
                 "phone": "13800138000"}
    friday = dt.date(2026, 9, 25)
    case = svc.receive_case(actor=user("window1"), item_code="YX-0003", applicant=applicant, materials=materials,
                            now=at(friday))
    case = svc.accept_case(actor=user("window1"), number=case.number, now=at(friday))
    # Skips 10/1–10/7 and counts Saturday 10/10 (调休): 9/28, 9/29, 9/30, 10/8, 10/9, 10/10, 10/12–10/15.
    assert case.committed_deadline == dt.date(2026, 10, 15)
    svc.start_case(actor=user("window1"), number=case.number, now=at(dt.date(2026, 9, 28)))  # handed over in time
    svc.start_pause(actor=user("window1"), number=case.number, kind="TESTING", basis="送检水质样品",
                    expected_days=3, now=at(dt.date(2026, 10, 12)))
    svc.end_pause(actor=user("window1"), number=case.number, result="检测合格", now=at(dt.date(2026, 10, 15)))
    assert Case.objects.get(pk=case.pk).committed_deadline == dt.date(2026, 10, 20)  # +3 working days
    extension = svc.request_extension(actor=user("window1"), number=case.number, reason="需复核检测报告",
                                      now=at(dt.date(2026, 10, 16)))
    svc.approve_extension(actor=user("leader1"), extension_id=extension.pk, now=at(dt.date(2026, 10, 16)))
    case.refresh_from_db()
    assert case.committed_deadline == dt.date(2026, 11, 3)  # +10 working days
    run_sweep(now=at(dt.date(2026, 11, 3), 17))
    assert not Violation.objects.exists()  # the last day is still in time
    run_sweep(now=at(dt.date(2026, 11, 4)))
    run_sweep(now=at(dt.date(2026, 11, 4), 10))
    violation = Violation.objects.get()
    assert violation.kind == ViolationKind.OVERDUE_CASE and violation.staff.user.username == "window1"
    assert list(visible_violations(user("supervisor1"))) == [violation]
    assert list(visible_violations(user("window1"))) == [violation]
    assert list(visible_violations(user("window2"))) == []
