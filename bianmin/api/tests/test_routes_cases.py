"""One test per case endpoint that had none (issue 15 item 6): the success path's status and body, and a refusal.

The setup goes through the services; the endpoint under test through the API (its request and response are
checked against the OpenAPI document by ``conftest.py``)."""
import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.cases import services as svc
from bianmin.cases.models import Comment, Transfer
from bianmin.core.ttlcache import clear_all
from bianmin.org.models import HeadOf, StaffProfile
from bianmin.testing.cases import GRANT
from bianmin.testing.factories import ALL_GOOD, applicant
from conftest import api_token_headers

pytestmark = pytest.mark.django_db
TUESDAY = dt.datetime(2026, 3, 3, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing, the day after the items are published


def post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", headers=headers)


def received(cast, *, code="SP-01", materials=ALL_GOOD, who="window_a"):
    return svc.receive_case(actor=cast[who], item_code=code, applicant=applicant(), materials=materials,
                            now=TUESDAY)


def accepted(cast, **kwargs):
    case = received(cast, **kwargs)
    return svc.accept_case(actor=cast[kwargs.get("who", "window_a")], number=case.number, now=TUESDAY)


def decided(cast, **kwargs):
    case = accepted(cast, **kwargs)
    return svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=TUESDAY)


def events(body) -> list[str]:
    return [e["action"] for e in body["events"]]


@pytest.mark.endpoint("GET", "/api/v1/cases")
@time_machine.travel(TUESDAY, tick=False)
def test_list_cases_finds_by_number_within_scope(client, cast, item):
    case = accepted(cast)
    received(cast)
    r = client.get("/api/v1/cases", {"q": case.number}, headers=api_token_headers(client, "window_a"))
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1
    assert body["results"] == [{"number": case.number, "status": "ACCEPTED", "case_class": "PROMISED",
                                "item_name": "食品经营许可", "applicant": "张三",
                                "committed_deadline": case.committed_deadline.isoformat(),
                                "first_handler": "window_a姓名", "committed_due_at": None}]
    assert client.get("/api/v1/cases", {"status": "RECEIVED"},
                      headers=api_token_headers(client, "window_a")).json()["count"] == 1
    # The town's window sees nothing of the county center's cases.
    other = client.get("/api/v1/cases", {"q": case.number}, headers=api_token_headers(client, "town_window"))
    assert other.status_code == 200 and other.json() == {"count": 0, "results": []}


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/accept-immediately")
@time_machine.travel(TUESDAY, tick=False)
def test_accept_immediately_decides_on_the_spot(client, cast, item, immediate_item):
    case = received(cast, code="JB-01", materials=ALL_GOOD[:1])
    h = api_token_headers(client, "window_a")
    r = post(client, f"/api/v1/cases/{case.number}/accept-immediately", {"certificate_number": "JB-2026-001"}, h)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["status"], body["case_class"], body["outcome"]) == ("DECIDED", "IMMEDIATE", "GRANTED")
    assert body["accepted_at"] and body["first_handler"]["badge"] == "B-window_a"
    promised = received(cast)
    r = post(client, f"/api/v1/cases/{promised.number}/accept-immediately", {}, h)
    assert r.status_code == 409 and "即办" in r.json()["error"]["message"]


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/fix-on-spot")
@time_machine.travel(TUESDAY, tick=False)
def test_fix_on_spot_records_the_correction(client, cast, item):
    case = received(cast)
    h = api_token_headers(client, "window_a")
    r = post(client, f"/api/v1/cases/{case.number}/fix-on-spot", {"note": "申请人当场补签申请书"}, h)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "RECEIVED"
    assert body["events"][-1]["action"] == "FIX_ON_SPOT" and body["events"][-1]["opinion"] == "申请人当场补签申请书"
    r = post(client, f"/api/v1/cases/{case.number}/fix-on-spot", {"note": "  "}, h)
    assert r.status_code == 400 and "note" in r.json()["error"]["fields"]


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/supplement/from-checklist")
@time_machine.travel(TUESDAY, tick=False)
def test_supplement_from_checklist_lists_every_deficient_material(client, cast, item):
    case = received(cast, materials=[{"material": "申请书", "acceptable": False, "problem": "未签字"}])
    h = api_token_headers(client, "window_a")
    r = post(client, f"/api/v1/cases/{case.number}/supplement/from-checklist", {}, h)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "RECEIVED" and [n["kind"] for n in body["notices"]] == ["SUPPLEMENT"]
    assert body["notices"][0]["issued_at"] is None  # a draft until it is served
    r = post(client, f"/api/v1/cases/{case.number}/supplement/from-checklist", {}, h)
    assert r.status_code in (400, 409) and "补正" in r.json()["error"]["message"]  # nothing left to list


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/start")
@time_machine.travel(TUESDAY, tick=False)
def test_start_moves_an_accepted_case_in_progress(client, cast, item):
    case = accepted(cast)
    h = api_token_headers(client, "window_a")
    r = post(client, f"/api/v1/cases/{case.number}/start", {"opinion": "开始审查"}, h)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "IN_PROGRESS" and body["events"][-1]["opinion"] == "开始审查"
    assert body["events"][-1]["to_status"] == "IN_PROGRESS"
    r = post(client, f"/api/v1/cases/{received(cast).number}/start", {}, h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/archive")
@time_machine.travel(TUESDAY, tick=False)
def test_archive_a_delivered_case(client, cast, item):
    case = decided(cast)
    svc.deliver_case(actor=cast["window_a"], number=case.number, method="PICKUP", received_by="张三", now=TUESDAY)
    h = api_token_headers(client, "window_a")
    r = post(client, f"/api/v1/cases/{case.number}/archive", {}, h)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "ARCHIVED" and r.json()["events"][-1]["from_status"] == "DELIVERED"
    r = post(client, f"/api/v1/cases/{accepted(cast).number}/archive", {}, h)
    assert r.status_code == 409


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/withdraw")
@time_machine.travel(TUESDAY, tick=False)
def test_withdraw_ends_the_case_with_the_applicants_reason(client, cast, item):
    case = accepted(cast)
    h = api_token_headers(client, "window_a")
    r = post(client, f"/api/v1/cases/{case.number}/withdraw", {"reason": ""}, h)
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    r = post(client, f"/api/v1/cases/{case.number}/withdraw", {"reason": "申请人书面申请撤回"}, h)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "WITHDRAWN" and body["events"][-1]["opinion"] == "申请人书面申请撤回"


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/return")
@time_machine.travel(TUESDAY, tick=False)
def test_return_before_acceptance_issues_the_return_notice(client, cast, item):
    case = received(cast)
    h = api_token_headers(client, "window_a")
    r = post(client, f"/api/v1/cases/{case.number}/return", {"reason": "申请人要求取回材料"}, h)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "RETURNED" and [n["kind"] for n in body["notices"]][-1] == "RETURN"
    missing = post(client, "/api/v1/cases/C1209901010001/return", {"reason": "x"}, h)
    other = post(client, f"/api/v1/cases/{received(cast).number}/return", {"reason": "x"},
                 api_token_headers(client, "town_window"))
    assert missing.status_code == other.status_code == 404 and missing.json() == other.json()


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/comments")
@time_machine.travel(TUESDAY, tick=False)
def test_comment_on_a_case(client, cast, item):
    case = accepted(cast)
    r = post(client, f"/api/v1/cases/{case.number}/comments", {"text": "申请人来电询问进度"},
             api_token_headers(client, "window_a"))
    assert r.status_code == 200, r.content
    assert r.json()["events"][-1]["action"] == "COMMENT" and r.json()["events"][-1]["opinion"] == "申请人来电询问进度"
    assert Comment.objects.get(case=case).text == "申请人来电询问进度"
    r = post(client, f"/api/v1/cases/{case.number}/comments", {"text": "x"}, api_token_headers(client, "town_window"))
    assert r.status_code == 404 and Comment.objects.count() == 1


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/fees")
@time_machine.travel(TUESDAY, tick=False)
def test_record_a_fee_from_the_fee_standard(client, cast, item):
    case = accepted(cast)
    fee = item.fees.get()
    h = api_token_headers(client, "window_a")
    r = post(client, f"/api/v1/cases/{case.number}/fees", {"fee": fee.pk, "amount": "10.00", "receipt_number": "R-1"},
             h)
    assert r.status_code == 200, r.content
    assert r.json()["payments"] == [{"fee": "工本费", "amount": "10.00", "receipt": "R-1"}]
    r = post(client, f"/api/v1/cases/{case.number}/fees", {"fee": fee.pk, "amount": "12", "receipt_number": "R-2"}, h)
    assert r.status_code == 400 and "amount" in r.json()["error"]["fields"]


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/files")
@time_machine.travel(TUESDAY, tick=False)
def test_upload_a_material(client, cast, item, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = received(cast)
    h = api_token_headers(client, "window_a")
    scan = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    r = client.post(f"/api/v1/cases/{case.number}/files", {"file": scan, "material": "申请书"}, headers=h)
    assert r.status_code == 200, r.content
    assert r.json()["events"][-1]["action"] == "FILE_UPLOADED" and case.files.get().original_name == "申请书.pdf"
    bad = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    r = client.post(f"/api/v1/cases/{case.number}/files", {"file": bad}, headers=h)
    assert r.status_code == 400 and "file" in r.json()["error"]["fields"] and case.files.count() == 1


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/deferred-exception")
@time_machine.travel(TUESDAY, tick=False)
def test_a_leader_lets_the_result_go_before_the_deferred_material(client, cast, item):
    case = decided(cast, materials=ALL_GOOD[:1])  # 场所平面图 (容缺) still to come
    r = post(client, f"/api/v1/cases/{case.number}/deferred-exception", {"reason": "申请人急需"},
             api_token_headers(client, "window_a"))
    assert r.status_code == 403
    r = post(client, f"/api/v1/cases/{case.number}/deferred-exception", {"reason": "申请人急需"},
             api_token_headers(client, "leader"))
    assert r.status_code == 200, r.content
    deferred = r.json()["deferred"]
    assert deferred["exception_at"] and deferred["exception_reason"] == "申请人急需" and deferred["supplied_at"] is None


@pytest.fixture
def transfer(cast, item):
    case = accepted(cast)
    return svc.request_transfer(actor=cast["window_a"], number=case.number, to_badge="B-window_b", reason="A角休假",
                                now=TUESDAY)


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/transfer")
@time_machine.travel(TUESDAY, tick=False)
def test_request_a_transfer(client, cast, item):
    case = accepted(cast)
    h = api_token_headers(client, "window_a")
    r = post(client, f"/api/v1/cases/{case.number}/transfer", {"to_badge": "B-nobody-here", "reason": "休假"}, h)
    assert r.status_code == 400 and "to_badge" in r.json()["error"]["fields"]
    r = post(client, f"/api/v1/cases/{case.number}/transfer", {"to_badge": "B-window_b", "reason": "A角休假"}, h)
    assert r.status_code == 200, r.content
    transfer = Transfer.objects.get(case=case)
    assert r.json()["transfers"] == [{"id": transfer.pk, "to": "B-window_b", "status": "PENDING", "reason": "A角休假"}]
    assert r.json()["first_handler"]["badge"] == "B-window_a"  # until a leader approves


@pytest.mark.endpoint("POST", "/api/v1/transfers/{transfer_id}/approve")
@time_machine.travel(TUESDAY, tick=False)
def test_a_leader_approves_a_transfer(client, cast, transfer):
    r = post(client, f"/api/v1/transfers/{transfer.pk}/approve", {}, api_token_headers(client, "window_a"))
    assert r.status_code == 403
    r = post(client, f"/api/v1/transfers/{transfer.pk}/approve", {"note": "同意"}, api_token_headers(client, "leader"))
    assert r.status_code == 200, r.content
    assert (r.json()["id"], r.json()["status"], r.json()["case"]) == (transfer.pk, "APPROVED", transfer.case.number)
    detail = client.get(f"/api/v1/cases/{transfer.case.number}", headers=api_token_headers(client, "window_b"))
    assert detail.json()["first_handler"]["badge"] == "B-window_b"


@pytest.mark.endpoint("POST", "/api/v1/transfers/{transfer_id}/reject")
@time_machine.travel(TUESDAY, tick=False)
def test_a_leader_rejects_a_transfer_with_a_reason(client, cast, transfer):
    h = api_token_headers(client, "leader")
    r = post(client, f"/api/v1/transfers/{transfer.pk}/reject", {"note": ""}, h)
    assert r.status_code == 400 and "note" in r.json()["error"]["fields"]
    r = post(client, f"/api/v1/transfers/{transfer.pk}/reject", {"note": "B角同样休假"}, h)
    assert r.status_code == 200, r.content
    assert (r.json()["id"], r.json()["status"], r.json()["case"]) == (transfer.pk, "REJECTED", transfer.case.number)
    assert post(client, f"/api/v1/transfers/{transfer.pk}/reject", {"note": "再驳回"}, h).status_code == 409


@pytest.mark.endpoint("POST", "/api/v1/return-requests/{request_id}/reject")
@time_machine.travel(TUESDAY, tick=False)
def test_a_leader_refuses_a_return_after_acceptance(client, cast, item):
    case = accepted(cast)
    asked = svc.request_return(actor=cast["window_a"], number=case.number, reason="材料不实", now=TUESDAY)
    r = post(client, f"/api/v1/return-requests/{asked.pk}/reject", {"note": "继续办理"},
             api_token_headers(client, "window_a"))
    assert r.status_code == 403
    r = post(client, f"/api/v1/return-requests/{asked.pk}/reject", {"note": "材料属实，继续办理"},
             api_token_headers(client, "leader"))
    assert r.status_code == 200, r.content
    assert (r.json()["id"], r.json()["status"], r.json()["case"]) == (asked.pk, "REJECTED", case.number)
    detail = client.get(f"/api/v1/cases/{case.number}", headers=api_token_headers(client, "window_a")).json()
    assert detail["status"] == "ACCEPTED" and detail["return_requests"][0]["note"] == "材料属实，继续办理"


@pytest.mark.endpoint("POST", "/api/v1/extensions/{extension_id}/reject")
@time_machine.travel(TUESDAY, tick=False)
def test_the_organ_head_refuses_an_extension(client, cast, item):
    case = accepted(cast)
    extension = svc.request_extension(actor=cast["window_a"], number=case.number, reason="需现场核查",
                                      now=TUESDAY)
    r = post(client, f"/api/v1/extensions/{extension.pk}/reject", {"note": "理由不充分"},
             api_token_headers(client, "leader"))
    assert r.status_code == 403  # the leader is not the organ's head
    StaffProfile.objects.filter(user=cast["leader"]).update(head_of=HeadOf.ORGAN)
    clear_all()  # the signed-in staff profile is cached for a few seconds
    h = api_token_headers(client, "leader")
    r = post(client, f"/api/v1/extensions/{extension.pk}/reject", {"note": "理由不充分"}, h)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["id"], body["status"], body["case"]) == (extension.pk, "REJECTED", case.number)
    detail = client.get(f"/api/v1/cases/{case.number}", headers=h).json()
    assert detail["committed_deadline"] == case.committed_deadline.isoformat()  # unmoved
