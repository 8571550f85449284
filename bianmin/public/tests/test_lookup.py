"""The public lookup's limits (SECURITY.md "Public site", issue 11 item 7, issue 12 item 1)."""
import pytest
import time_machine
from django.conf import settings
from django.test import override_settings

from bianmin.cases import services as svc
from bianmin.testing.factories import ALL_GOOD, MONDAY, applicant

pytestmark = pytest.mark.django_db
CITIZEN, STRANGER, PROXY = "198.51.100.20", "203.0.113.66", "10.0.0.5"


@pytest.fixture
def case(cast, item):
    return svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=MONDAY)


def ask(client, number, code, **meta):
    return client.post("/lookup/", {"number": number, "code": code}, **meta)


@time_machine.travel(MONDAY, tick=False)
def test_a_strangers_wrong_codes_never_lock_the_citizen_out(client, case):
    for _ in range(5):
        assert "不正确" in ask(client, case.number, "WRONG123", REMOTE_ADDR=STRANGER).content.decode()
    refused = ask(client, case.number, "WRONG123", REMOTE_ADDR=STRANGER)
    assert refused.status_code == 429  # the sixth wrong code from that address within the hour
    citizen = ask(client, case.number, case.query_code, REMOTE_ADDR=CITIZEN)
    assert citizen.status_code == 200 and case.number in citizen.content.decode()
    # ...and even from the stranger's own (shared, NAT) address the right code still answers.
    assert ask(client, case.number, case.query_code, REMOTE_ADDR=STRANGER).status_code == 200
    # A wrong code from the citizen's address is counted for that address alone.
    assert ask(client, case.number, "WRONG123", REMOTE_ADDR=CITIZEN).status_code == 200


@time_machine.travel(MONDAY, tick=False)
def test_the_html_lookup_answers_429_when_the_address_is_throttled(client, db):
    for n in range(10):
        assert ask(client, f"NOPE{n}", "WRONG123").status_code == 200
    response = ask(client, "NOPE99", "WRONG123")
    assert response.status_code == 429
    assert response["Retry-After"] == "60" and "查询过于频繁" in response.content.decode()
    with time_machine.travel(MONDAY.replace(minute=1, second=1), tick=False):
        assert ask(client, "NOPE99", "WRONG123").status_code == 200  # the window has moved on


@time_machine.travel(MONDAY, tick=False)
def test_the_api_lookup_says_when_to_retry(client, db):
    for n in range(10):
        client.post("/api/v1/public/case-lookup", {"number": f"X{n}", "code": "Y"}, content_type="application/json")
    r = client.post("/api/v1/public/case-lookup", {"number": "X", "code": "Y"}, content_type="application/json")
    assert r.status_code == 429 and r["Retry-After"] == "60" and r.json()["error"]["code"] == "too_many_requests"


@time_machine.travel(MONDAY, tick=False)
def test_the_proxy_header_is_believed_only_from_a_trusted_proxy(client, db):
    with override_settings(BIANMIN={**settings.BIANMIN, "TRUSTED_PROXIES": [PROXY]}):
        for n in range(10):  # one citizen behind the proxy, a forged left-most hop changing each time
            ask(client, f"NOPE{n}", "WRONG123", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, {CITIZEN}")
        assert ask(client, "NOPE", "WRONG123", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CITIZEN).status_code == 429
        # another client behind the same proxy has an allowance of its own
        assert ask(client, "NOPE", "WRONG123", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=STRANGER).status_code == 200
        # a client talking to the node directly cannot choose its address with the header
        for n in range(10):
            ask(client, f"NOPE{n}", "WRONG123", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        assert ask(client, "NOPE", "WRONG123", REMOTE_ADDR="203.0.113.66",
                   HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429
