"""The 好差评 and 监督投诉 indicators reconcile with the rows behind them (issue 17 item 4): October 2026, county C1."""
import dataclasses

import pytest

from bianmin.ratings.models import BadRatingFollowUp, Rating
from bianmin.stats.complaints import COMPLAINT_COUNTED
from bianmin.stats.ratings import COUNTED
from bianmin.stats.selectors import indicators

from .voice_scenario import OCT1, OCT31, TODAY, october_complaints, october_ratings

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def rated(cast, immediate_item):
    return october_ratings(cast)


def test_totals_reconcile_with_the_ratings(cast, rated):
    t = indicators(fresh(cast["leader"]), start=OCT1, end=OCT31, today=TODAY).ratings
    # The lead: two real-name 差评 followed up (the excluded one counts nowhere else), r4 on time throughout.
    assert (t.bad, t.follow_ups) == (2, 2)
    assert (t.visited_on_time, t.visit_late, t.visit_on_time_rate) == (1, 1, 0.5)  # r5 visited a week late
    assert (t.rectified, t.rectified_on_time, t.rectify_late) == (1, 1, 0)  # r5 still within its 15 working days
    assert (t.told, t.re_rated, t.re_rated_good, t.re_rated_bad) == (1, 1, 1, 0)
    assert t.closed_unrectified == 1  # c5 was delivered and its 差评 is still being rectified: not resolved
    # 好评率 over the five counted ratings (r1–r5; the September one and the excluded r6 left out; the 追评 apart).
    assert (t.rated, t.good, t.good_rate, t.bad_rate) == (5, 3, 0.6, 0.4)
    assert (t.active_rated, t.active_good, t.active_good_rate) == (4, 2, 0.5)  # r3 was the default rating
    assert t.excluded == 1
    # 未评价: c1–c5, c7 and the inquiry ended in October (c6's only rating was excluded); c7 and the inquiry unrated.
    assert (t.rateable, t.unrated, t.unrated_rate) == (7, 2, 0.2857)


def test_the_figures_are_the_rows_counted_by_hand(cast, rated):
    """Recount the counted ratings straight from the rows, so a change of definition shows here."""
    t = indicators(fresh(cast["leader"]), start=OCT1, end=OCT31, today=TODAY).ratings
    period = Rating.objects.filter(rated_at__date__gte=OCT1, rated_at__date__lte=OCT31, parent__isnull=True)
    counted = period.filter(excluded=False)
    assert t.rated == counted.count() and t.excluded == period.filter(excluded=True).count()
    assert t.good == counted.filter(level__gte=3).count() and t.bad == counted.filter(level__lte=2).count()
    assert t.active_good == counted.filter(level__gte=3).exclude(channel="DEFAULT").count()
    assert t.follow_ups == BadRatingFollowUp.objects.filter(rating__in=counted).count()


def test_an_excluded_rating_moves_out_of_every_figure(cast, rated):
    Rating.objects.filter(pk=rated["r5"].pk).update(excluded=True)
    t = indicators(fresh(cast["leader"]), start=OCT1, end=OCT31, today=TODAY).ratings
    assert (t.bad, t.follow_ups, t.visit_late, t.closed_unrectified, t.rated, t.excluded) == (1, 1, 0, 0, 4, 2)
    assert (t.rateable, t.unrated) == (6, 2)


def test_rows_by_staff_window_and_unit_add_up_to_the_total(cast, rated):
    leader = fresh(cast["leader"])
    staff = {r.label.split("（")[0]: r for r in indicators(
        leader, start=OCT1, end=OCT31, group_by="staff", today=TODAY).rating_rows}
    a, b = staff["window_a姓名"], staff["window_b姓名"]
    assert (a.rated, a.good, a.active_good, a.bad, a.rateable, a.unrated) == (3, 3, 2, 0, 5, 2)
    assert (b.rated, b.bad, b.follow_ups, b.closed_unrectified, b.excluded, b.rateable) == (2, 2, 2, 1, 1, 2)
    windows = {r.label: r for r in indicators(
        leader, start=OCT1, end=OCT31, group_by="window", today=TODAY).rating_rows}
    # window_a holds the A post of window 01 (and r1 was rated on its pad); window_b has no A post.
    assert windows["01号窗口 综合窗口"].rated == 3 and windows["未设岗位"].bad == 2
    for group in ("unit", "department", "staff", "window"):
        report = indicators(leader, start=OCT1, end=OCT31, group_by=group, today=TODAY)
        assert report.rating_rows, group
        for name in COUNTED:
            assert sum(getattr(r, name) for r in report.rating_rows) == getattr(report.ratings, name), (group, name)
    # The case indicators are unchanged by the ratings.
    plain = indicators(leader, start=OCT1, end=OCT31, today=TODAY)
    assert (plain.total.received, plain.total.decided) == (7, 7)


def test_scope_keeps_other_units_out(cast, rated):
    town = fresh(cast["town_window"])
    t = indicators(town, start=OCT1, end=OCT31, today=TODAY).ratings
    assert dataclasses.astuple(t)[2:] == (0,) * len(COUNTED)


@pytest.fixture
def complained(cast, org, calendar):
    return october_complaints(cast, org)


def test_complaints_reconcile_with_the_register(cast, complained):
    report = indicators(fresh(cast["leader"]), start=OCT1, end=OCT31, today=TODAY)
    t = report.complaints
    assert (t.received, t.anonymous, t.open, t.confirmed, t.transferred) == (5, 1, 3, 1, 1)  # k2, k3, k5 open
    assert (t.attitude, t.delay, t.other, t.improper_fee, t.buck_passing, t.integrity) == (1, 1, 1, 1, 1, 0)
    # k1 on time; k4 replied late; k2 still unanswered after 10/19; k5 unanswered after 10/21; k3 anonymous.
    assert (t.replied, t.replied_on_time, t.reply_late, t.reply_on_time_rate) == (2, 1, 3, 0.25)
    assert report.complaints_by_kind == {"服务态度": 1, "办事拖延": 1, "其他": 1, "乱收费": 1, "推诿扯皮": 1}
    assert sum(report.complaints_by_kind.values()) == t.received


def test_complaints_per_unit_staff_and_window(cast, org, complained):
    leader = fresh(cast["leader"])
    units = {r.label: r for r in indicators(leader, start=OCT1, end=OCT31, group_by="unit",
                                            today=TODAY).complaint_rows}
    center, town = units[org["center"].name], units[org["town_center"].name]
    assert (center.received, center.transferred, town.received, town.transferred) == (4, 1, 1, 0)
    staff = {r.label.split("（")[0]: r for r in indicators(
        leader, start=OCT1, end=OCT31, group_by="staff", today=TODAY).complaint_rows}
    assert (staff["window_a姓名"].received, staff["window_a姓名"].reply_late) == (2, 2)
    assert (staff["window_b姓名"].received, staff["window_b姓名"].confirmed) == (2, 1)
    windows = {r.label: r for r in indicators(leader, start=OCT1, end=OCT31, group_by="window",
                                              today=TODAY).complaint_rows}
    assert windows["01号窗口 综合窗口"].received == 3  # k3 about the window, k2 and k4 about its A post
    for group in ("unit", "department", "staff", "window"):
        report = indicators(leader, start=OCT1, end=OCT31, group_by=group, today=TODAY)
        for name in COMPLAINT_COUNTED:
            assert sum(getattr(r, name) for r in report.complaint_rows) == getattr(report.complaints, name), (
                group, name)
    # The town center sees the complaint transferred to it, not the county's.
    assert indicators(fresh(cast["town_window"]), start=OCT1, end=OCT31, today=TODAY).complaints.received == 1


def test_excel_sheets_lead_with_the_follow_up(cast, rated, complained):
    import io

    import openpyxl

    from bianmin.stats.excel import monthly_workbook

    report = indicators(fresh(cast["leader"]), start=OCT1, end=OCT31, group_by="staff", today=TODAY)
    wb = openpyxl.load_workbook(io.BytesIO(monthly_workbook(report)))
    assert wb.sheetnames[:3] == ["办件指标", "好差评", "投诉"]
    sheet = wb["好差评"]
    col_a = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    follow, rates = col_a.index("差评整改"), col_a.index("好评率与未评价率")
    assert follow < rates  # the 差评 follow-up comes before the 好评率
    header = [c.value for c in sheet[follow + 2]]
    total = dict(zip(header, [c.value for c in sheet[rates - 1]], strict=True))  # the last row of the first table
    assert (total["差评"], total["按时回访"], total["回访超时"], total["办结但差评未整改"]) == (2, 1, 1, 1)
    header = [c.value for c in sheet[rates + 2]]
    total = dict(zip(header, [c.value for c in sheet[sheet.max_row]], strict=True))
    assert (total["评价数"], total["好评率"], total["主动评价好评率"], total["申诉成立不计入"]) == (5, 0.6, 0.5, 1)
    assert sheet.cell(sheet.max_row, header.index("好评率") + 1).number_format == "0.00%"
    complaints = wb["投诉"]
    header = [c.value for c in complaints[4]]
    total = dict(zip(header, [c.value for c in complaints[complaints.max_row]], strict=True))
    late = total["逾期答复（含逾期未答复）"]
    assert (total["投诉件数"], total["乱收费"], total["按时答复"], late, total["转办"]) == (5, 1, 1, 3, 1)
    assert total["名称"] == report.complaints.label


def test_the_queries_do_not_grow_with_the_rows(cast, rated, complained):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .voice_scenario import delivered, rate

    leader = fresh(cast["leader"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            for group in ("", "unit", "department", "staff", "window"):
                indicators(leader, start=OCT1, end=OCT31, group_by=group, today=TODAY)
        return len(ctx.captured_queries)

    queries()  # warm the per-process caches (calendar, identity)
    before = queries()
    for n in range(3):
        rate(delivered(cast["window_b"], dt.date(2026, 10, 19), f"追加{n}"), 2, "QR", dt.date(2026, 10, 21))
    assert queries() == before
