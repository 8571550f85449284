"""GET /api/v1/me/desk and GET /api/v1/cases?desk=…: the 工作台's counts and lists through the API, the same as the
page (issue 12 item 7)."""
import html
import re

import pytest
import time_machine

from bianmin.testing.desk import LATE_DAY, busy_center
from bianmin.testing.factories import at
from conftest import api_token_headers, sign_in

pytestmark = pytest.mark.django_db
TILE = re.compile(r'<a href="([^"]+)" data-desk="(\w+)"[^>]*><strong class="desk-count">(\d+)</strong>')


@pytest.fixture
def busy(cast, org, item):
    return busy_center(cast, org)


def tiles(client) -> dict[str, tuple[str, int]]:
    page = client.get("/staff/").content.decode()
    return {key: (html.unescape(href), int(n)) for href, key, n in TILE.findall(page)}


@time_machine.travel(at(LATE_DAY), tick=False)
@pytest.mark.endpoint("GET", "/api/v1/me/desk")
def test_the_api_gives_the_same_counts_and_links(client, cast, busy):
    for who in ("window_a", "leader", "supervisor"):
        sign_in(client, cast[who])
        page = tiles(client)
        client.logout()
        r = client.get("/api/v1/me/desk", headers=api_token_headers(client, who))
        assert r.status_code == 200
        body = r.json()
        assert body["date"] == LATE_DAY.isoformat()
        assert {c["key"]: (c["href"], c["count"]) for c in body["counts"]} == page
        assert all(c["label"] for c in body["counts"])
    auditor = client.get("/api/v1/me/desk", headers=api_token_headers(client, "auditor"))
    assert auditor.status_code == 200 and auditor.json()["counts"] == []
    assert client.get("/api/v1/me/desk").status_code == 401


@time_machine.travel(at(LATE_DAY), tick=False)
@pytest.mark.endpoint("GET", "/api/v1/cases")
def test_the_api_case_list_takes_the_desk_list(client, cast, busy):
    headers = api_token_headers(client, "window_a")
    r = client.get("/api/v1/cases", {"desk": "red"}, headers=headers)
    assert r.status_code == 200
    assert {row["number"] for row in r.json()["results"]} == {c.number for c in busy["running"]}
    r = client.get("/api/v1/cases", {"desk": "intake"}, headers=headers)
    assert [row["number"] for row in r.json()["results"]] == [busy["waiting"].number]


@pytest.mark.endpoint("GET", "/api/v1/cases")
def test_the_api_search_finds_a_name_part_and_the_last_four_digits(client, cast, item):
    from bianmin.testing.cases import receive

    hotel = receive(cast, kind="ORGANISATION", name="云溪县悦来宾馆有限公司", id_type="", id_number="",
                    credit_code="91350100M000100Y43", legal_rep="李四", phone="13912345678")
    other = receive(cast, name="张三", phone="13800001111")
    headers = api_token_headers(client, "window_a")
    for q, expected in (("悦来宾馆", [hotel.number]), ("5678", [hotel.number]), ("1111", [other.number]),
                        ("2345", [])):
        r = client.get("/api/v1/cases", {"q": q}, headers=headers)
        assert r.status_code == 200 and [row["number"] for row in r.json()["results"]] == expected, q
