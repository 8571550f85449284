import pytest

from bianmin.workdays.services import chinesecalendar_days, import_official
from conftest import NOW


@pytest.fixture
def calendar(db):
    days, years = chinesecalendar_days()
    import_official(days, years, now=NOW)
