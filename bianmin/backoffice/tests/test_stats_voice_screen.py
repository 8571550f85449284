"""The statistics page leads the citizen's voice with the 差评 follow-up (issue 17 item 4), naming nobody who rated
or complained."""
import io

import openpyxl
import pytest

from bianmin.stats.tests.voice_scenario import (
    COMPLAINANT,
    COMPLAINANT_PHONE,
    EVALUATOR,
    EVALUATOR_PHONE,
    october_complaints,
    october_ratings,
)
from conftest import sign_in

pytestmark = pytest.mark.django_db
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31", "group": "staff"}


def test_stats_page_and_export_show_ratings_and_complaints(client, cast, org, immediate_item, time_machine):
    october_ratings(cast)
    october_complaints(cast, org)
    time_machine.move_to("2026-11-02T10:00:00+08:00", tick=False)
    sign_in(client, cast["leader"])
    page = client.get("/staff/stats/", OCTOBER).content.decode()
    assert page.index('id="rating-follow-ups"') < page.index('id="rating-rates"') < page.index('id="complaints"')
    assert "60.00%" in page and "50.00%" in page  # 好评率 and 主动评价好评率, not rounded to whole percents
    assert "28.57%" in page  # 未评价率 2/7
    for secret in (EVALUATOR, EVALUATOR_PHONE, COMPLAINANT, COMPLAINANT_PHONE):
        assert secret not in page
    r = client.get("/staff/stats/export.xlsx", OCTOBER)
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert {"好差评", "投诉"} <= set(wb.sheetnames)
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    for secret in (EVALUATOR, EVALUATOR_PHONE, COMPLAINANT, COMPLAINANT_PHONE):
        assert not any(secret in v for v in cells)
