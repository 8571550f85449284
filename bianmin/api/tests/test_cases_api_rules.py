"""Issue 10 through the API: the same services and the same refusals as the screens (400/409 naming the field or
the rule, nothing written)."""
import datetime as dt

import pytest
import time_machine

from bianmin.cases.models import Case, Notice, NoticeKind
from bianmin.testing.cases import GRANT
from bianmin.testing.factories import ALL_GOOD, MATERIALS, applicant
from bianmin.testing.factories import item_content as _content

from .test_cases_api import FROZEN, item, post, token  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _received(cast, code="SP-01", materials=ALL_GOOD, who="window_a"):
    from bianmin.cases import services as svc

    return svc.receive_case(actor=cast[who], item_code=code, applicant=applicant(), materials=materials,
                            now=FROZEN)


def _accepted(cast, **kwargs):
    from bianmin.cases import services as svc

    case = _received(cast, **kwargs)
    return svc.accept_case(actor=cast[kwargs.get("who", "window_a")], number=case.number, now=FROZEN)


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/return-request")
@pytest.mark.endpoint("POST", "/api/v1/return-requests/{request_id}/approve")
@time_machine.travel(FROZEN, tick=False)
def test_return_after_acceptance_goes_through_a_leader(client, cast, item):  # noqa: F811
    case = _accepted(cast)
    window, leader = token(client, "window_a"), token(client, "leader")
    direct = post(client, f"/api/v1/cases/{case.number}/return", {"reason": "材料不实"}, window)
    assert direct.status_code == 409 and "领导" in direct.json()["error"]["message"]
    asked = post(client, f"/api/v1/cases/{case.number}/return-request", {"reason": "材料不实"}, window)
    assert asked.status_code == 200 and asked.json()["status"] == "PENDING"
    request_id = asked.json()["id"]
    refused = post(client, f"/api/v1/return-requests/{request_id}/reject", {"note": ""}, leader)
    assert refused.status_code == 400 and "note" in refused.json()["error"]["fields"]
    by_window = post(client, f"/api/v1/return-requests/{request_id}/approve", {}, window)
    assert by_window.status_code == 403
    approved = post(client, f"/api/v1/return-requests/{request_id}/approve", {"note": "同意"}, leader)
    assert approved.status_code == 200 and approved.json()["status"] == "APPROVED"
    assert Case.objects.get(pk=case.pk).status == "RETURNED"
    assert Notice.objects.filter(case=case, kind=NoticeKind.RETURN, number__isnull=False).count() == 1
    detail = client.get(f"/api/v1/cases/{case.number}", headers=window).json()
    assert detail["return_requests"][0]["status"] == "APPROVED"


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/reject")
@time_machine.travel(FROZEN, tick=False)
def test_outside_powers_needs_the_organs_contact(client, cast, item):  # noqa: F811
    case = _received(cast)
    headers = token(client, "window_a")
    r = post(client, f"/api/v1/cases/{case.number}/reject",
             {"kind": "OUTSIDE_POWERS", "reason": "省级事项", "competent_organ": "省市场监督管理局"}, headers)
    assert r.status_code == 400 and list(r.json()["error"]["fields"]) == ["competent_organ_contact"]
    assert Case.objects.get(pk=case.pk).status == "RECEIVED"
    r = post(client, f"/api/v1/cases/{case.number}/reject",
             {"kind": "OUTSIDE_POWERS", "reason": "省级事项", "competent_organ": "省市场监督管理局",
              "competent_organ_contact": "0591-87654321"}, headers)
    assert r.status_code == 200 and r.json()["competent_organ_contact"] == "0591-87654321"


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/decide")
@time_machine.travel(FROZEN, tick=False)
def test_a_reported_case_needs_the_higher_organs_decision(client, cast, org, calendar):
    from bianmin.catalog.services import create_item

    create_item(actor=cast["sysadmin"], code="SB-01", basic_code="9", content=_content(
        name="最低生活保障", kind="BENEFIT", default_class="REPORTED", special_procedures=[],
        implementing_unit=org["dept"]), materials=MATERIALS, fees=[], faqs=[], now=FROZEN, publish=True)
    case = _accepted(cast, code="SB-01", who="town_window")
    headers = token(client, "town_window")
    assert client.get(f"/api/v1/cases/{case.number}", headers=headers).json()["case_class"] == "REPORTED"
    grant = {"outcome": "GRANTED", "reasons": "上级机关已批准"}
    r = post(client, f"/api/v1/cases/{case.number}/decide", grant, headers)
    assert r.status_code == 400 and {"decided_by_organ", "decision_document"} <= set(r.json()["error"]["fields"])
    assert Case.objects.get(pk=case.pk).status == "ACCEPTED"
    r = post(client, f"/api/v1/cases/{case.number}/decide",
             {"outcome": "GRANTED", "reasons": "上级机关已批准", "certificate_number": "ZS1", "decided_by_organ": "D1",
              "decision_document": "测市监〔2026〕3号"},
             headers)
    assert r.status_code == 200 and r.json()["decided_by_organ"] == "测试县市场监督管理局"


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/deferred-materials")
@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/deliver")
@time_machine.travel(FROZEN, tick=False)
def test_deferred_material_before_delivery(client, cast, item):  # noqa: F811
    from bianmin.cases import services as svc

    case = _accepted(cast, materials=ALL_GOOD[:1])
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=FROZEN)
    window, leader = token(client, "window_a"), token(client, "leader")
    detail = client.get(f"/api/v1/cases/{case.number}", headers=window).json()
    assert detail["deferred"]["due_date"] == "2026-03-16" and detail["deferred"]["supplied_at"] is None
    r = post(client, f"/api/v1/cases/{case.number}/deliver", {"method": "PICKUP", "received_by": "张三"}, window)
    assert r.status_code == 409 and r.json()["error"]["code"] == "deferred_outstanding"
    r = post(client, f"/api/v1/cases/{case.number}/deferred-materials", {"materials": ["营业执照"]}, window)
    assert r.status_code == 400 and "materials" in r.json()["error"]["fields"]
    r = post(client, f"/api/v1/cases/{case.number}/deferred-exception", {"reason": "急需"}, window)
    assert r.status_code == 403
    r = post(client, f"/api/v1/cases/{case.number}/deferred-materials", {"materials": ["场所平面图"]}, window)
    assert r.status_code == 200 and r.json()["deferred"]["supplied_at"] is not None
    r = post(client, f"/api/v1/cases/{case.number}/deliver", {"method": "PICKUP", "received_by": "张三"}, window)
    assert r.status_code == 200 and r.json()["status"] == "DELIVERED"
    assert leader  # the leader's path is tested through the service and the page


@time_machine.travel(FROZEN, tick=False)
def test_public_lookup_carries_the_recomputation(client, cast, item):  # noqa: F811
    case = _accepted(cast)
    Case.objects.filter(pk=case.pk).update(deadline_changed_at=FROZEN + dt.timedelta(days=1),
                                           deadline_change_reason="国务院公布2027年放假安排（x）")
    r = post(client, "/api/v1/public/case-lookup", {"number": case.number, "code": case.query_code}, {})
    assert r.status_code == 200 and r.json()["deadline_change_reason"].startswith("国务院公布2027年")


def test_resubmission_through_the_api_restarts_the_intake_timer(client, cast, item):  # noqa: F811
    from bianmin.cases import services as svc

    case = _received(cast)
    svc.add_supplement_line(actor=cast["window_a"], number=case.number, material="申请书", problem="未签字",
                            now=FROZEN)
    svc.serve_supplement_notice(actor=cast["window_a"], number=case.number, now=FROZEN)
    headers = token(client, "window_a")
    with time_machine.travel(FROZEN + dt.timedelta(days=2), tick=False):  # Wednesday 3/4
        r = post(client, f"/api/v1/cases/{case.number}/resubmit", {"materials": [{"material": "申请书"}]},
                 headers)
    assert r.status_code == 200 and r.json()["intake_deadline"] == "2026-03-11"


def test_a_late_acceptance_through_the_api_is_recorded_at_once(client, cast, item):  # noqa: F811
    case = _received(cast)  # intake deadline 3/9
    headers = token(client, "window_a")
    with time_machine.travel(FROZEN + dt.timedelta(days=8), tick=False):  # Tuesday 3/10
        assert post(client, f"/api/v1/cases/{case.number}/accept", {}, headers).status_code == 200
        violations = client.get("/api/v1/violations", headers=headers).json()
    assert [v["kind"] for v in violations] == ["LATE_ACCEPTANCE"]
