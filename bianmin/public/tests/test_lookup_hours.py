"""The public lookup of a case whose committed limit is in hours (decision 0026 §4): the page and the API give the
moment, "承诺办结时间 2026-03-02 13:00"; a case in days keeps its date and an empty moment."""
import datetime as dt

import pytest
import time_machine

from bianmin.cases import services as svc
from bianmin.catalog.models import LimitUnit
from bianmin.testing.cases import receive
from bianmin.testing.factories import MON, at, make_item

pytestmark = pytest.mark.django_db
DUE = at(MON, 13)


@pytest.fixture
def accepted(cast, org, calendar):
    make_item(cast, org, "YY-01", name="入院登记", kind="PUBLIC_SERVICE", level="INSTITUTION", legal_limit=24,
              legal_limit_unit=LimitUnit.HOURS, committed_limit=4, committed_limit_unit=LimitUnit.HOURS,
              special_procedures=[], extension_allowed=False, extension_days=0)
    case = receive(cast, code="YY-01", now=at(MON, 9))
    return svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON, 9))


@time_machine.travel(at(MON, 10), tick=False)
def test_the_lookup_page_shows_the_time(client, accepted):
    page = client.post("/lookup/", {"number": accepted.number, "code": accepted.query_code}).content.decode()
    assert "承诺办结时间" in page and "2026-03-02 13:00" in page


@time_machine.travel(at(MON, 10), tick=False)
@pytest.mark.endpoint("POST", "/api/v1/public/case-lookup")
def test_the_lookup_api_gives_the_moment(client, cast, accepted, item):
    def ask(case):
        r = client.post("/api/v1/public/case-lookup", {"number": case.number, "code": case.query_code},
                        content_type="application/json")
        assert r.status_code == 200
        return r.json()

    body = ask(accepted)
    assert dt.datetime.fromisoformat(body["committed_due_at"]) == DUE and body["committed_deadline"] == "2026-03-02"
    in_days = receive(cast, now=at(MON, 9))
    assert ask(in_days)["committed_due_at"] is None
