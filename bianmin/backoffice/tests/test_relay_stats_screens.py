"""The 全程代理 tables of 统计分析 and the sheet of the Excel report (issue 13 item 8)."""
import datetime as dt
import io
import re

import openpyxl
import pytest
import time_machine

from bianmin.stats.tests import relay_scenario as scenario

from .test_views import login

pytestmark = pytest.mark.django_db
MAR31 = dt.datetime(2026, 3, 31, 2, 0, tzinfo=dt.UTC)
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def cells(page: str, table_id: str) -> list[list[str]]:
    table = page.split(f'id="{table_id}"')[1].split("</table>")[0]
    return [[re.sub(r"<[^>]+>", " ", td).split()[0] if td.strip() else "" for td in re.findall(r"<td>(.*?)</td>", tr)]
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table) if "<td>" in tr]


@time_machine.travel(MAR31, tick=False)
def test_the_stats_page_shows_the_three_relay_tables(client, cast, org, item, django_user_model):
    scenario.build(cast, org, django_user_model)
    login(client, cast["leader"])
    page = client.get("/staff/stats/", MARCH).content.decode()
    for heading in ("各段交接按时率", "代办员", "各代办站代办件"):
        assert f"<h3>{heading}</h3>" in page
    assert cells(page, "relay-hops")[0] == ["代办站", "4", "3", "1", "1", "75%"]
    assert cells(page, "relay-hops")[-1] == ["合计", "7", "4", "3", "1", "57%"]
    agents = {row[0]: row for row in cells(page, "relay-agents")}
    assert agents["agent姓名"] == ["agent姓名", "3", "3", "67%", "1/1"]
    assert agents["town_window姓名"] == ["town_window姓名", "0", "2", "50%", "—"]  # sent hops, registered none
    stations = cells(page, "relay-stations")
    assert stations[0] == ["测试村便民服务站", "3", "2", "1", "1", "33%"] and stations[-1][:2] == ["合计", "4"]
    relay_section = page.split('id="relay-stats"')[1].split("</section>")[0]
    assert relay_section.count('style="overflow-x:auto"') == 3  # each table scrolls on its own on a phone
    # The Excel report carries the same tables.
    r = client.get("/staff/stats/export.xlsx", MARCH)
    sheet = openpyxl.load_workbook(io.BytesIO(r.content))["全程代理"]
    labels = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "第二村便民服务站" in labels and "各代办站代办件" in labels


@time_machine.travel(MAR31, tick=False)
def test_a_period_without_relays_says_so(client, cast, item):
    login(client, cast["leader"])
    page = client.get("/staff/stats/", MARCH).content.decode()
    assert "本期没有登记代办件。" in page and 'id="relay-hops"' in page and 'id="relay-stations"' not in page
