"""The public lookup of a relay request (代办件) at /lookup/ (issue 13 item 5): the hop chain for the right code, the
same answer for a wrong code and an unknown number, one throttle with the case lookup, nothing personal."""
import re

import pytest
import time_machine

from bianmin.cases import services as svc
from bianmin.testing.factories import ALL_GOOD, MON, MONDAY, applicant, at
from bianmin.testing.relays import APPLICANT, brought_back, county_item, opened_at_county, registered

pytestmark = pytest.mark.django_db
CITIZEN, STRANGER = "198.51.100.20", "203.0.113.66"


@pytest.fixture
def xj(cast, calendar, org):
    return county_item(cast)


def ask(client, number, code, ip=CITIZEN):
    return client.post("/lookup/", {"number": number, "code": code}, REMOTE_ADDR=ip)


def hops(page: str) -> list[str]:
    chain = page.split('<ol class="hops" id="hops">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<strong>([^<]+)</strong>", chain)


@time_machine.travel(MONDAY, tick=False)
def test_the_relay_number_and_code_show_the_hop_chain_and_the_case(client, cast, org, xj):
    relay = opened_at_county(cast)
    svc.accept_case(actor=cast["window_a"], number=relay.case.number, now=at(MON.replace(day=4), 10))
    response = ask(client, relay.number, relay.query_code)
    page = response.content.decode()
    assert response.status_code == 200
    assert hops(page) == ["测试村便民服务站 已收件", "移交 → 测试镇便民服务中心", "测试镇便民服务中心 已签收",
                          "移交 → 测试县政务服务中心", "测试县政务服务中心 已签收", "测试县政务服务中心 已受理"]
    assert 'aria-current="step"' in page and "测试村便民服务站 → 测试镇便民服务中心 → 测试县政务服务中心" in page
    assert "代办免费" in page and "agent姓名" in page
    # the case's own status below the chain: acceptance and deadlines
    assert 'id="case-status"' in page and relay.case.number in page and "承诺办结日期" in page


@time_machine.travel(MONDAY, tick=False)
def test_a_waiting_hop_shows_its_deadline(client, cast, xj):
    from bianmin.relay import services as rsvc

    relay = registered(cast)
    rsvc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON, 10))
    page = ask(client, relay.number, relay.query_code).content.decode()
    assert hops(page)[-1] == "移交 → 测试镇便民服务中心" and "签收期限 2026-03-05" in page


@time_machine.travel(MONDAY, tick=False)
def test_a_wrong_code_answers_exactly_like_an_unknown_number(client, cast, xj):
    relay = registered(cast)
    wrong = ask(client, relay.number, "WRONG123")
    unknown = ask(client, "DBV1202699999", relay.query_code)
    assert wrong.status_code == unknown.status_code == 200
    def strip(response, number):  # the number typed is echoed back, and each form has its own CSRF token
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode().replace(number, ""))

    assert strip(wrong, relay.number) == strip(unknown, "DBV1202699999")
    assert 'id="hops"' not in wrong.content.decode() and "不正确" in wrong.content.decode()


@time_machine.travel(MONDAY, tick=False)
def test_relay_and_case_lookups_share_one_throttle(client, cast, item, xj):
    relay = registered(cast)
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=MONDAY)
    for _ in range(5):
        assert ask(client, relay.number, "WRONG123", ip=STRANGER).status_code == 200
    assert ask(client, relay.number, "WRONG123", ip=STRANGER).status_code == 429  # 5 wrong codes on this number
    assert ask(client, relay.number, relay.query_code, ip=STRANGER).status_code == 200  # the right code answers
    for _ in range(3):
        assert ask(client, case.number, case.query_code, ip=STRANGER).status_code == 200
    # ten lookups from that address this minute, relays and cases counted together
    refused = ask(client, case.number, case.query_code, ip=STRANGER)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert ask(client, relay.number, relay.query_code, ip=CITIZEN).status_code == 200


@time_machine.travel(MONDAY, tick=False)
def test_no_personal_data_on_the_page(client, cast, org, xj):
    relay = opened_at_county(cast)
    relay = brought_back(cast, org, relay)
    page = ask(client, relay.number, relay.query_code).content.decode()
    assert hops(page)[-3:] == ["结果已到代办站", "已送达", "已归档"]
    for value in (APPLICANT["name"], APPLICANT["phone"], APPLICANT["phone"][-4:], APPLICANT["id_number"],
                  APPLICANT["address"], relay.applicant_phone_masked):
        assert value not in page, value


@time_machine.travel(MONDAY, tick=False)
def test_a_case_number_still_answers_with_the_case(client, cast, item):
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=MONDAY)
    page = ask(client, case.number, case.query_code).content.decode()
    assert case.number in page and "办理过程" in page and 'id="hops"' not in page
