"""The 工作台 shows what waits for the user, each count linking to its list (issue 12 item 7); both doors agree."""
import html
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.cases import services as svc
from bianmin.testing.cases import receive
from bianmin.testing.desk import LATE_DAY, busy_center
from bianmin.testing.factories import MON, at
from conftest import sign_in

pytestmark = pytest.mark.django_db
TILE = re.compile(r'<a href="([^"]+)" data-desk="(\w+)"[^>]*><strong class="desk-count">(\d+)</strong>')


@pytest.fixture
def busy(cast, org, item):
    return busy_center(cast, org)


def tiles(client) -> dict[str, tuple[str, int]]:
    page = client.get("/staff/").content.decode()
    return {key: (html.unescape(href), int(n)) for href, key, n in TILE.findall(page)}


@time_machine.travel(at(LATE_DAY), tick=False)
def test_the_clerks_desk_counts_link_to_lists_of_the_same_rows(client, cast, busy):
    sign_in(client, cast["window_a"])
    shown = tiles(client)
    assert shown == {"intake": ("/staff/cases/?desk=intake", 1), "red": ("/staff/cases/?desk=red", 3),
                     "yellow": ("/staff/cases/?desk=yellow", 0),
                     "inquiries": ("/staff/inquiries/?status=OPEN&mine=1", 1), "relays": ("/staff/relays/", 0)}
    red = client.get("/staff/cases/?desk=red").content.decode()
    assert all(c.number in red for c in busy["running"]) and busy["waiting"].number not in red
    assert "共 3 件" in red and 'value="red" selected' in red
    intake = client.get("/staff/cases/?desk=intake").content.decode()
    assert busy["waiting"].number in intake and "共 1 件" in intake
    inquiries = client.get("/staff/inquiries/?status=OPEN&mine=1").content.decode()
    assert busy["inquiry"].number in inquiries


@time_machine.travel(at(LATE_DAY), tick=False)
def test_the_leaders_counts_link_to_the_approvals(client, cast, busy):
    from bianmin.testing.desk import make_head

    make_head(cast["leader"])  # who may decide an extension
    sign_in(client, cast["leader"])
    shown = tiles(client)
    assert shown == {"inquiries": ("/staff/inquiries/?status=OPEN&mine=1", 0),
                     "transfers": ("/staff/approvals/#transfers", 1), "extensions": ("/staff/approvals/#extensions", 1),
                     "returns": ("/staff/approvals/#returns", 1), "deferred": ("/staff/approvals/#deferred", 1),
                     "sanctions": ("/staff/approvals/#sanctions", 1)}
    approvals = client.get("/staff/approvals/").content.decode()
    for anchor in ("transfers", "extensions", "returns", "deferred", "sanctions"):
        assert f'id="{anchor}"' in approvals
    assert busy["running"][0].number in approvals and busy["deferred"].number in approvals


@time_machine.travel(at(LATE_DAY), tick=False)
def test_the_supervisor_and_the_auditor(client, cast, busy):
    sign_in(client, cast["supervisor"])
    assert tiles(client) == {"violations": ("/staff/accountability/?status=OPEN", 1)}
    client.logout()
    sign_in(client, cast["auditor"])
    page = client.get("/staff/").content.decode()
    assert "今日待办" not in page and TILE.findall(page) == []


@time_machine.travel(at(LATE_DAY), tick=False)
def test_the_desk_costs_the_same_queries_however_many_rows(client, cast, busy):
    sign_in(client, cast["window_a"])

    def queries() -> int:
        client.get("/staff/")
        with CaptureQueriesContext(connection) as q:
            assert client.get("/staff/").status_code == 200
        return len(q.captured_queries)

    before = queries()
    for _ in range(3):
        receive(cast, now=at(MON))
        svc.accept_case(actor=cast["window_a"], number=receive(cast, now=at(MON)).number, now=at(MON))
    assert queries() == before
    assert tiles(client)["red"] == ("/staff/cases/?desk=red", 6)
