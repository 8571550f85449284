"""A committed limit in hours on the staff lists (decision 0026 §4): 我的办件, 办件查询 and the leader's overview show
the moment (date and time) beside the day-based rows' dates; past the moment the case is red the same day."""
import pytest
import time_machine

from bianmin.cases import services as svc
from bianmin.catalog.models import LimitUnit
from bianmin.testing.cases import receive
from bianmin.testing.factories import MON, at, make_item
from conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(cast, org, calendar, item):
    """An 入院登记 case accepted at 09:00 (4 hours: due 13:00) and an SP-01 case in days, both started."""
    make_item(cast, org, "YY-01", name="入院登记", kind="PUBLIC_SERVICE", level="INSTITUTION", legal_limit=24,
              legal_limit_unit=LimitUnit.HOURS, committed_limit=4, committed_limit_unit=LimitUnit.HOURS,
              special_procedures=[], extension_allowed=False, extension_days=0)
    cases = []
    for code in ("YY-01", "SP-01"):
        number = receive(cast, code=code, now=at(MON, 9)).number
        svc.accept_case(actor=cast["window_a"], number=number, now=at(MON, 9))
        cases.append(svc.start_case(actor=cast["window_a"], number=number, now=at(MON, 10)))
    return cases


@time_machine.travel(at(MON, 10), tick=False)
def test_my_work_and_the_search_show_the_time(client, cast, running):
    hours, days = running
    sign_in(client, cast["window_a"])
    page = client.get("/staff/work/").content.decode()
    assert "2026-03-02 13:00" in page
    assert days.committed_deadline.isoformat() in page and f"{days.committed_deadline} " not in page
    page = client.get("/staff/cases/", {"status": "IN_PROGRESS"}).content.decode()
    assert hours.number in page and "2026-03-02 13:00" in page


@time_machine.travel(at(MON, 14), tick=False)
def test_the_overview_lists_the_case_red_once_the_moment_passed(client, cast, running):
    hours, days = running
    sign_in(client, cast["leader"])
    red = client.get("/staff/overview/").content.decode()
    assert hours.number in red and "2026-03-02 13:00" in red and days.number not in red
    assert hours.number not in client.get("/staff/overview/?level=YELLOW").content.decode()
