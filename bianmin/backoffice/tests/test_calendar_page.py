"""The staff calendar page: the provisional rest days of the years ahead, 补假 days with their reason."""
import datetime as dt

import pytest
import time_machine

from bianmin.workdays.services import chinesecalendar_days, import_official
from conftest import NOW
from conftest import sign_in as login

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def official(db):
    import_official(*chinesecalendar_days(), now=NOW)


@time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_next_provisional_year_shows_makeup_days_with_reason(client, cast, official):
    login(client, cast["sysadmin"])
    page = client.get("/staff/calendar/").content.decode()
    assert "2027年暂定放假日" in page
    assert "2026年暂定放假日" not in page  # 2026 is official
    assert "2028年暂定放假日" not in page
    for day in ("2027-02-09", "2027-02-10", "2027-05-03", "2027-05-04", "2027-10-04", "2027-10-05"):
        assert day in page
    assert "春节补假" in page and "劳动节补假" in page and "国庆节补假" in page
    assert "春节2月6日、2月7日适逢周末，依《全国年节及纪念日放假办法》第六条补假" in page
    assert "2027-02-09 休 春节补假" in page  # the draft of the notice form carries the 补假 days too


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_this_and_next_year_are_shown_when_both_are_provisional(client, cast, official):
    login(client, cast["sysadmin"])
    page = client.get("/staff/calendar/").content.decode()
    assert "2027年暂定放假日" in page and "2028年暂定放假日" in page
    assert "元旦1月1日适逢周末，依《全国年节及纪念日放假办法》第六条补假" in page
    assert "2028-01-03" in page and "端午节补假" in page
