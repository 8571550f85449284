import pytest

from bianmin.workdays.services import chinesecalendar_days, import_official
from conftest import NOW


@pytest.fixture
def calendar(db):
    """The official national calendar (as in bianmin/cases/tests/conftest.py)."""
    days, years = chinesecalendar_days()
    import_official(days, years, now=NOW)
