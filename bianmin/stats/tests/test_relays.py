"""全程代理 statistics (issue 13 item 8): every figure reconciles with the relays of ``relay_scenario``."""
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.accounts.roles import Role
from bianmin.core.errors import DomainError, NotFound
from bianmin.relay import services as svc
from bianmin.stats.excel import monthly_workbook
from bianmin.stats.relays import relay_indicators
from bianmin.stats.selectors import indicators
from bianmin.testing.factories import at
from conftest import make_user

from . import relay_scenario as scenario
from .relay_scenario import MAR1, MAR31, day

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def march(cast, org, item, django_user_model):
    return scenario.build(cast, org, django_user_model)


def hops_of(report):
    return {h.key: (h.sent, h.on_time, h.late, h.refused, h.pending, h.on_time_rate) for h in report.hops}


def test_hops_by_kind(cast, march):
    report = relay_indicators(fresh(cast["leader"]), start=MAR1, end=MAR31, today=MAR31)
    assert hops_of(report) == {
        # A signed on time, B refused on time, B sent again and never signed (late), D signed on time
        "VILLAGE_UP": (4, 3, 1, 1, 0, 0.75),
        "TOWN_UP": (1, 0, 1, 0, 0, 0.0),  # A at the department: due 3/6, signed 3/9
        "REVIEW": (1, 1, 0, 0, 0, 1.0),
        "DOWN": (1, 0, 1, 0, 0, 0.0),
    }
    assert [h.label for h in report.hops] == ["代办站 → 镇中心", "镇中心 → 决定机关", "下级机关初审", "结果回送"]
    t = report.hop_total
    assert (t.sent, t.on_time, t.late, t.refused, t.on_time_rate) == (7, 4, 3, 1, 0.5714)


def test_a_hop_within_its_limit_is_not_judged_yet(cast, march):
    # On 3/9 B's second hop is due today: waiting, neither on time nor late.
    report = relay_indicators(fresh(cast["leader"]), start=MAR1, end=MAR31, today=day(9))
    assert hops_of(report)["VILLAGE_UP"] == (4, 3, 0, 1, 1, 1.0)
    # Signed a day late, it turns late.
    svc.sign_for(actor=cast["town_window"], number=march["b"].number, materials=scenario.SENT, now=at(day(10)))
    report = relay_indicators(fresh(cast["leader"]), start=MAR1, end=MAR31, today=day(9))
    assert hops_of(report)["VILLAGE_UP"] == (4, 3, 1, 1, 0, 0.75)


def test_agents(cast, march):
    report = relay_indicators(fresh(cast["leader"]), start=MAR1, end=MAR31, today=MAR31)
    rows = {r.label: r for r in report.agents}
    assert set(rows) == {"agent姓名", "agent2姓名", "town_window姓名", "dept_window姓名"}
    agent = rows["agent姓名"]
    assert (agent.key, agent.unit) == ("B-agent", "测试村便民服务站")
    assert (agent.registered, agent.delivered, agent.delivered_on_time) == (3, 1, 1)  # A delivered 3/20 ≤ 3/24
    assert (agent.hops_sent, agent.hops_on_time, agent.hops_late, agent.hop_on_time_rate) == (3, 2, 1, 0.6667)
    town = rows["town_window姓名"]  # A up to the department (late) and the 初审 (on time)
    assert (town.registered, town.hops_sent, town.hops_on_time, town.hops_late, town.hop_on_time_rate) == (
        0, 2, 1, 1, 0.5)
    assert (rows["agent2姓名"].registered, rows["agent2姓名"].hop_on_time_rate) == (1, 1.0)
    assert (rows["dept_window姓名"].hops_sent, rows["dept_window姓名"].hop_on_time_rate) == (1, 0.0)
    assert report.agents[0].label == "agent姓名"  # most relays first


def test_stations(cast, march):
    report = relay_indicators(fresh(cast["leader"]), start=MAR1, end=MAR31, today=MAR31)
    rows = {r.key: r for r in report.stations}
    v1, v2 = rows["V1"], rows["V2"]
    assert v1.label == "测试村便民服务站"
    # A archived (delivered on time); B and C on the way and past their expected date 3/24.
    assert (v1.registered, v1.in_transit, v1.delivered, v1.archived, v1.on_time, v1.late) == (3, 2, 1, 1, 1, 2)
    assert v1.on_time_rate == 0.3333
    assert (v2.registered, v2.in_transit, v2.delivered, v2.archived, v2.late) == (1, 1, 0, 0, 1)
    t = report.station_total
    assert (t.registered, t.in_transit, t.delivered, t.archived, t.on_time, t.late) == (4, 3, 1, 1, 1, 3)
    # Before the expected date nothing is late yet.
    early = relay_indicators(fresh(cast["leader"]), start=MAR1, end=MAR31, today=day(20))
    assert {r.key: (r.on_time, r.late, r.on_time_rate) for r in early.stations} == {
        "V1": (1, 0, 1.0), "V2": (0, 0, None)}


def test_a_town_sees_only_its_villages(cast, org, march, django_user_model):
    town_leader = make_user(django_user_model, "town_leader", Role.LEADER, org["town_center"])
    report = relay_indicators(town_leader, start=MAR1, end=MAR31, today=MAR31)
    assert [r.key for r in report.stations] == ["V1"]
    assert hops_of(report)["VILLAGE_UP"] == (3, 2, 1, 1, 0, 0.6667)  # D (V2 → T2) is out of sight
    assert {r.label for r in report.agents} == {"agent姓名", "town_window姓名", "dept_window姓名"}
    assert report.station_total.registered == 3
    # The second town sees its own station only; a unit chosen inside the county narrows the same way.
    town2_leader = make_user(django_user_model, "town2_leader", Role.LEADER, march["station2"].parent)
    assert [r.key for r in relay_indicators(town2_leader, start=MAR1, end=MAR31).stations] == ["V2"]
    narrowed = relay_indicators(fresh(cast["leader"]), start=MAR1, end=MAR31, unit_code="T2", today=MAR31)
    assert ([r.key for r in narrowed.stations], narrowed.unit.code) == (["V2"], "T2")
    with pytest.raises(NotFound):
        relay_indicators(town_leader, start=MAR1, end=MAR31, unit_code="T2")


def test_the_period_and_its_validation(cast, march):
    leader = fresh(cast["leader"])
    april = relay_indicators(leader, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30), today=dt.date(2026, 4, 30))
    assert april.hop_total.sent == 0 and april.stations == [] and april.agents == []
    with pytest.raises(DomainError) as exc:
        relay_indicators(leader, start=MAR31, end=MAR1)
    assert "to" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        relay_indicators(leader, start=MAR1, end=dt.date(2027, 12, 31))
    assert "from" in exc.value.fields


def test_one_query_per_table_whatever_the_number_of_relays(cast, march):
    leader = fresh(cast["leader"])
    relay_indicators(leader, start=MAR1, end=MAR31, today=MAR31)  # warm the identity caches
    with CaptureQueriesContext(connection) as first:
        relay_indicators(leader, start=MAR1, end=MAR31, today=MAR31)
    for name in ("戊", "己", "庚"):
        relay = scenario._register(cast["agent"], name)
        svc.hand_over(actor=cast["agent"], number=relay.number, now=at(day(5)))
    with CaptureQueriesContext(connection) as second:
        report = relay_indicators(leader, start=MAR1, end=MAR31, today=MAR31)
    assert report.station_total.registered == 7
    assert len(second.captured_queries) == len(first.captured_queries) <= 8


def test_the_excel_report_has_the_relay_sheet(cast, march):
    leader = fresh(cast["leader"])
    relays = relay_indicators(leader, start=MAR1, end=MAR31, today=MAR31)
    report = indicators(leader, start=MAR1, end=MAR31, group_by="unit", today=MAR31)
    wb = openpyxl.load_workbook(io.BytesIO(monthly_workbook(report, relays)))
    sheet = wb["全程代理"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    titles = [row[0] for row in cells if row[0] in ("各段交接按时率", "代办员", "各代办站代办件")]
    assert titles == ["各段交接按时率", "代办员", "各代办站代办件"]
    by_label = {row[0]: row for row in cells if row[0]}
    assert by_label["代办站 → 镇中心"][1:7] == [4, 3, 1, 1, 0, 0.75]
    assert by_label["agent姓名"][1:9] == ["测试村便民服务站", 3, 3, 2, 1, 0.6667, 1, 1]
    assert by_label["测试村便民服务站"][1:8] == [3, 2, 1, 1, 1, 2, 0.3333]
    assert sheet.cell(row=[r[0] for r in cells].index("代办站 → 镇中心") + 1, column=7).number_format == "0.0%"
    # Without the relay figures the workbook is the one it was.
    assert "全程代理" not in openpyxl.load_workbook(io.BytesIO(monthly_workbook(report))).sheetnames
