"""Every indicator reconciles with known cases (issue 4 item 8): October 2026 in county C1."""
import datetime as dt
import io

import openpyxl
import pytest

from bianmin.accountability.models import ViolationKind
from bianmin.cases import services as svc
from bianmin.core.errors import DomainError, NotFound
from bianmin.inquiries import services as inq
from bianmin.stats import charts
from bianmin.stats.excel import monthly_workbook
from bianmin.stats.selectors import indicators
from bianmin.sweep.services import run_sweep
from bianmin.testing.cases import GRANT
from bianmin.testing.factories import ALL_GOOD, applicant

pytestmark = pytest.mark.django_db
OCT1, OCT31, TODAY = dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 11, 2)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(hours=hour - 8)


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def accepted(actor, day, **kw):
    case = svc.receive_case(actor=actor, item_code="SP-01", applicant=applicant(**kw), materials=ALL_GOOD,
                            now=at(day))
    return svc.accept_case(actor=actor, number=case.number, now=at(day))


@pytest.fixture
def october(cast, item, immediate_item):
    a, b = cast["window_a"], cast["window_b"]
    fri = dt.date(2026, 9, 25)  # received and accepted in September: deadline 10/15
    case_a = accepted(a, fri, name="甲")
    svc.decide_case(actor=a, number=case_a.number, outcome="GRANTED", **GRANT, now=at(dt.date(2026, 10, 14)))  # on time
    case_b = accepted(a, fri, name="乙")
    svc.decide_case(actor=a, number=case_b.number, outcome="GRANTED", **GRANT, now=at(dt.date(2026, 10, 16)))  # late
    case_c = accepted(b, dt.date(2026, 10, 12), name="丙")  # deadline 10/26, never decided
    d = svc.receive_case(actor=a, item_code="SP-01", applicant=applicant(name="丁"), materials=ALL_GOOD,
                         now=at(dt.date(2026, 10, 12)))
    svc.add_supplement_line(actor=a, number=d.number, material="申请书", problem="未签字",
                            now=at(dt.date(2026, 10, 12)))
    svc.serve_supplement_notice(actor=a, number=d.number, now=at(dt.date(2026, 10, 12)))
    e = svc.receive_case(actor=a, item_code="JB-01", applicant=applicant(name="戊"),
                         materials=[{"material": "申请书", "received_as": "PAPER", "copies": 1}],
                         now=at(dt.date(2026, 10, 13)))
    svc.accept_immediately(actor=a, number=e.number, now=at(dt.date(2026, 10, 13)), certificate_number="JY-1")
    for name, outcome, extra in (("甲", "ANSWERED", {"result": "已解答"}), ("乙", "RESEARCH", {"reply_days": 3})):
        i = inq.register_inquiry(actor=a, channel="WINDOW", matter="咨询", visitor_name=name,
                                 now=at(dt.date(2026, 10, 20)))
        inq.record_outcome(actor=a, number=i.number, outcome=outcome, now=at(dt.date(2026, 10, 20)), **extra)
    inq.register_inquiry(actor=a, channel="WINDOW", matter="九月咨询", visitor_name="己", now=at(fri))
    run_sweep(now=at(dt.date(2026, 10, 27)))  # B decided late (10/16), C overdue since 10/27
    return {"a": case_a, "b": case_b, "c": case_c, "d": d, "e": e}


def test_totals_reconcile_with_the_cases(cast, october):
    report = indicators(fresh(cast["leader"]), start=OCT1, end=OCT31, today=TODAY)
    t = report.total
    assert (t.received, t.supplement, t.one_visit) == (3, 1, 2)  # C, D, E; D had 补正; C and E one visit
    assert (t.accepted, t.immediate, t.immediate_share) == (2, 1, 0.5)  # C and E; E on the spot
    assert (t.decided, t.on_time, t.on_time_rate) == (3, 2, 0.6667)  # A, B, E; B late
    # A: 9/25→10/14 = 9 working days (10/10 is a 调休 Saturday); B: 11; E: 0 → 20 / 3.
    assert (t.working_days_total, t.avg_working_days) == (20, 6.67)
    assert t.overdue == 2  # B decided after 10/15; C still running after 10/26
    assert (t.supplement_rate, t.one_visit_share) == (0.3333, 0.6667)
    assert report.inquiries == {"当场解答": 1, "需研究后答复": 1}
    # 乙's reply was promised for 10/23; C, accepted 10/12, was never started (1 working day to hand it over).
    assert report.violations == {"办件超期": 2, "首问答复超期": 1, ViolationKind.NOT_HANDED_OVER.label: 1}
    assert report.rows == []


def test_rows_by_staff_and_window_add_up_to_the_total(cast, october):
    leader = fresh(cast["leader"])
    report = indicators(leader, start=OCT1, end=OCT31, group_by="staff", today=TODAY)
    rows = {r.label.split("（")[0]: r for r in report.rows}
    a, b = rows["window_a姓名"], rows["window_b姓名"]
    assert (a.received, a.accepted, a.decided, a.on_time, a.overdue, a.supplement) == (2, 1, 3, 2, 1, 1)
    assert (b.received, b.accepted, b.decided, b.on_time, b.overdue, b.supplement) == (1, 1, 0, 0, 1, 0)
    by_window = indicators(leader, start=OCT1, end=OCT31, group_by="window", today=TODAY)
    labels = {r.label: r for r in by_window.rows}
    assert labels["01号窗口 综合窗口"].decided == 3 and labels["未设岗位"].received == 1
    for group in ("unit", "department", "staff", "window"):
        grouped = indicators(leader, start=OCT1, end=OCT31, group_by=group, today=TODAY)
        for name in ("received", "accepted", "decided", "on_time", "overdue", "supplement", "one_visit"):
            assert sum(getattr(r, name) for r in grouped.rows) == getattr(grouped.total, name), (group, name)


def test_scope_and_validation(cast, october):
    town = fresh(cast["town_window"])
    assert indicators(town, start=OCT1, end=OCT31, today=TODAY).total.received == 0  # nothing of the county
    with pytest.raises(NotFound):
        indicators(town, start=OCT1, end=OCT31, unit_code="C1")
    with pytest.raises(DomainError) as exc:
        indicators(fresh(cast["leader"]), start=OCT31, end=OCT1)
    assert "to" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        indicators(fresh(cast["leader"]), start=OCT1, end=OCT31, group_by="planet")
    assert "group" in exc.value.fields


def test_excel_and_charts(cast, october):
    report = indicators(fresh(cast["leader"]), start=OCT1, end=OCT31, group_by="staff", today=TODAY)
    wb = openpyxl.load_workbook(io.BytesIO(monthly_workbook(report)))
    sheet = wb["办件指标"]
    assert sheet["A2"].value == "名称" and sheet.cell(sheet.max_row, 2).value == 3  # total received
    assert wb["过错记录"]["A2"].value == "办件超期" and wb["过错记录"]["B2"].value == 2
    svg = charts.on_time_chart(report)
    assert svg.startswith("<svg") and "window_a姓名" in svg
    assert "<script src" not in svg and "kozea.github.io" not in svg  # pygal's tooltip script is not linked


def test_a_paused_case_is_not_overdue(cast, october):
    paused = accepted(cast["window_a"], dt.date(2026, 10, 19), name="庚")  # deadline 10/30
    svc.start_pause(actor=cast["window_a"], number=paused.number, kind="TESTING", basis="送检", expected_days=10,
                    now=at(dt.date(2026, 10, 29)))
    report = indicators(fresh(cast["leader"]), start=OCT1, end=OCT31, today=TODAY)
    assert report.total.overdue == 2  # unchanged: the clock of 庚's case is stopped


def test_excel_keeps_formula_like_text_as_text(cast, october):
    from bianmin.org.models import StaffProfile

    StaffProfile.objects.filter(user=cast["window_b"]).update(name="=HYPERLINK(\"http://x\")")
    report = indicators(fresh(cast["leader"]), start=OCT1, end=OCT31, group_by="staff", today=TODAY)
    sheet = openpyxl.load_workbook(io.BytesIO(monthly_workbook(report)))["办件指标"]
    labels = [sheet.cell(row, 1).value for row in range(3, sheet.max_row + 1)]
    assert any(str(v).startswith("'=HYPERLINK") for v in labels)


def test_chart_labels_are_escaped_in_the_svg(cast, october):
    from bianmin.org.models import StaffProfile

    StaffProfile.objects.filter(user=cast["window_b"]).update(name="<img src=x onerror=alert(1)>")
    report = indicators(fresh(cast["leader"]), start=OCT1, end=OCT31, group_by="staff", today=TODAY)
    for svg in (charts.on_time_chart(report), charts.volume_chart(report)):
        assert "<img" not in svg and "&lt;img" in svg  # the page marks the SVG safe, so pygal must escape


def test_statistics_count_reported_cases(cast, org, item):
    """上报件 is counted as its own class (issue 10 item 4), in the report and its Excel columns."""
    from bianmin.catalog.services import create_item
    from bianmin.testing.factories import MATERIALS, item_content

    create_item(actor=cast["sysadmin"], code="SB-01", basic_code="9", content=item_content(
        name="最低生活保障", kind="BENEFIT", default_class="REPORTED", special_procedures=[],
        implementing_unit=org["dept"]), materials=MATERIALS, fees=[], faqs=[], now=at(OCT1), publish=True)
    monday = dt.date(2026, 10, 12)
    for code in ("SB-01", "SP-01"):
        case = svc.receive_case(actor=cast["window_a"], item_code=code, applicant=applicant(), materials=ALL_GOOD,
                                now=at(monday))
        svc.accept_case(actor=cast["window_a"], number=case.number, now=at(monday))
    report = indicators(fresh(cast["leader"]), start=OCT1, end=OCT31, today=TODAY)
    assert (report.total.accepted, report.total.reported) == (2, 1)
    assert report.total.as_dict()["reported"] == 1
    sheet = openpyxl.load_workbook(io.BytesIO(monthly_workbook(report))).active
    assert "上报件" in [cell.value for cell in sheet[1]] + [cell.value for row in sheet.iter_rows(max_row=5)
                                                        for cell in row]
