"""The action catalogue: every declared action is reachable from the staff screen and from the API, and both
doors refuse the same bad input with the same errors naming the same fields (CONVENTIONS "One definition per
action")."""
from __future__ import annotations

import datetime as dt
import html
import typing
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from bianmin.accountability.actions import CREATE_ACTIONS as ACCOUNTABILITY_CREATE_ACTIONS
from bianmin.accountability.actions import VIOLATION_ACTIONS
from bianmin.cases.actions import CASE_ACTIONS, EXTENSION_ACTIONS, RETURN_ACTIONS, TRANSFER_ACTIONS
from bianmin.cases.models import Case
from bianmin.hospital.actions import EVENT_ACTIONS, EVENT_CREATE_ACTIONS, REQUEST_ACTIONS, SEND_ACTIONS
from bianmin.inquiries.actions import INQUIRY_ACTIONS
from bianmin.meetings.actions import ACTION_ITEM_ACTIONS, MEETING_ACTIONS
from bianmin.meetings.actions import CREATE_ACTIONS as MEETING_CREATE_ACTIONS
from bianmin.ratings.actions import RATING_ACTIONS
from bianmin.relay.actions import CREATE_ACTIONS as RELAY_CREATE_ACTIONS
from bianmin.relay.actions import RELAY_ACTIONS
from bianmin.testing.factories import MATERIALS, receive_form
from bianmin.testing.factories import item_content as _content
from conftest import api_token_headers, sign_in

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing
CATALOGUES = {"/cases/{number}": CASE_ACTIONS, "/transfers/{transfer_id}": TRANSFER_ACTIONS,
              "/return-requests/{request_id}": RETURN_ACTIONS, "/extensions/{extension_id}": EXTENSION_ACTIONS,
              "/inquiries/{number}": INQUIRY_ACTIONS, "/violations/{pk}": VIOLATION_ACTIONS,
              "/meetings/{pk}": MEETING_ACTIONS, "/meeting-actions/{pk}": ACTION_ITEM_ACTIONS,
              "/relays/{number}": RELAY_ACTIONS, "/ratings/{rating_id}": RATING_ACTIONS}
# The actions that create their subject: their paths are collections below the API root.
SUBJECT_LESS = (ACCOUNTABILITY_CREATE_ACTIONS, MEETING_CREATE_ACTIONS)


@pytest.fixture
def item(cast, org, calendar):
    from bianmin.catalog.services import create_item

    return create_item(actor=cast["sysadmin"], code="SP-01", basic_code="1",
                       content=_content(implementing_unit=org["dept"]), materials=MATERIALS,
                       fees=[{"name": "工本费", "amount": Decimal("10.00"), "basis": "x", "waivable": False}],
                       faqs=[], now=FROZEN, publish=True)


def test_every_action_has_its_endpoint_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    # 登记代办's page is its own form (the station's checklist), not the catalogue's: only its endpoint is checked here.
    for prefix, catalogue in [*CATALOGUES.items(), *(("", c) for c in (*SUBJECT_LESS, RELAY_CREATE_ACTIONS))]:
        for spec in catalogue:
            op = doc["paths"][f"/api/v1{prefix}/{spec.path}"]["post"]
            assert op["summary"] == spec.label and op["operationId"] == f"{catalogue.subject}_{spec.name}"
            assert spec.description and op["description"] == spec.description  # what the service refuses
            body = op.get("requestBody", {}).get("content", {})
            assert bool(body) == bool(spec.schema.model_fields or spec.upload), spec.name


def _bad_input(spec) -> dict[str, str]:
    """Input that the schema refuses: a required field left out, or a word where a whole number belongs."""
    bad: dict[str, str] = {}
    for name, info in spec.schema.model_fields.items():
        if info.annotation is int or typing.get_args(info.annotation) == (int, type(None)):
            bad[name] = "abc"
    return bad


def _api_post(client, url, data, headers, spec):
    if spec.upload:
        return client.post(url, data, headers=headers)  # multipart
    return client.post(url, data, content_type="application/json", headers=headers)


@time_machine.travel(FROZEN, tick=False)
def test_screen_and_api_give_the_same_errors_for_every_case_action(client, cast, item):
    sign_in(client, cast["window_a"])
    url = client.post("/staff/cases/new/", receive_form(item))["Location"]
    number = Case.objects.get().number
    headers = api_token_headers(client, "window_a")
    checked = 0
    for spec in CASE_ACTIONS:
        bad = _bad_input(spec)
        api = _api_post(client, f"/api/v1/cases/{number}/{spec.path}", bad, headers, spec)
        screen = client.post(url, {"action": spec.name, **bad})
        assert api.status_code != 404 and screen.status_code != 404, spec.name  # reachable from both doors
        if api.status_code == 200:  # the action accepts empty input on a received case (e.g. 受理)
            continue
        body = api.json()["error"]
        page = html.unescape(screen.content.decode())
        assert screen.status_code in (400, 302), (spec.name, screen.status_code)
        messages = [m for ms in body["fields"].values() for m in ms] or [body["message"]]
        for message in messages:
            assert message in page or screen.status_code == 302 and message in _messages(client, url), (
                spec.name, message)
        checked += 1
    assert checked >= 15  # most actions refuse empty input or the state of a just-received case


def _messages(client, url) -> str:
    return html.unescape(client.get(url).content.decode())


@time_machine.travel(FROZEN, tick=False)
def test_a_word_where_a_number_belongs_is_named_alike(client, cast, item):
    sign_in(client, cast["window_a"])
    url = client.post("/staff/cases/new/", receive_form(item))["Location"]
    number = Case.objects.get().number
    client.post(url, {"action": "accept"})
    headers = api_token_headers(client, "window_a")
    for name, bad in (("fee", {"fee": "abc", "amount": "10", "receipt_number": "X1"}),
                      ("pause_start", {"kind": "TESTING", "basis": "送检", "expected_days": "三天"})):
        spec = CASE_ACTIONS.get(name)
        api = client.post(f"/api/v1/cases/{number}/{spec.path}", bad, content_type="application/json",
                          headers=headers)
        screen = client.post(url, {"action": name, **bad})
        assert api.status_code == screen.status_code == 400
        fields = api.json()["error"]["fields"]
        assert fields == {"fee": ["应为整数"]} if name == "fee" else fields == {"expected_days": ["应为整数"]}
        assert all(m in screen.content.decode() for ms in fields.values() for m in ms)


@time_machine.travel(FROZEN, tick=False)
def test_the_page_draws_a_form_for_each_allowed_action_and_no_other(client, cast, item):
    from bianmin.cases.actions import case_context
    from bianmin.cases.selectors import case_detail_for

    sign_in(client, cast["window_a"])
    url = client.post("/staff/cases/new/", receive_form(item))["Location"]
    case = Case.objects.get()
    for step in ("", "accept", "start"):
        if step:
            client.post(url, {"action": step})
        page = client.get(url).content.decode()
        ctx = case_context(case_detail_for(cast["window_a"], case.number, FROZEN.date()), FROZEN.date())
        allowed = {spec.name for spec in CASE_ACTIONS.available(cast["window_a"], ctx)}
        drawn = {spec.name for spec in CASE_ACTIONS if f'name="action" value="{spec.name}"' in page}
        assert drawn == allowed and allowed


def test_each_schema_enumeration_matches_the_models():
    from bianmin.cases.actions import DecideIn, DeliverIn, PauseIn
    from bianmin.cases.models import DecisionOutcome, DeliveryMethod

    assert DecideIn.model_fields["outcome"].annotation is DecisionOutcome
    assert DeliverIn.model_fields["method"].annotation is DeliveryMethod
    assert PauseIn.model_json_schema()["$defs"]["SpecialProcedure"]["enum"]

    from bianmin.accountability.actions import ProposeIn, ViolationIn
    from bianmin.accountability.models import Severity, ViolationKind
    from bianmin.meetings.actions import MeetingIn
    from bianmin.meetings.models import MeetingKind

    assert ProposeIn.model_fields["severity"].annotation == Severity | None
    assert ViolationIn.model_fields["kind"].annotation is ViolationKind
    assert MeetingIn.model_fields["kind"].annotation is MeetingKind


def test_material_lines_are_read_alike_from_a_list_or_typed_lines():
    from bianmin.inquiries.actions import OutcomeIn

    typed = OutcomeIn.model_validate({"outcome": "MATERIALS_PASSED", "materials": "户口簿2份\n身份证复印件 １"})
    listed = OutcomeIn.model_validate({"outcome": "MATERIALS_PASSED", "materials": [
        {"name": "户口簿", "count": "2"}, {"name": "身份证复印件", "count": "1"}]})
    assert typed.materials == listed.materials


# ---- violations and meetings ----

NOV = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Beijing

# For each action: who takes it and an input refused by the schema or by the service, or a state that refuses it.
VIOLATION_REFUSALS = {
    "statement": ("window_a", {"text": " "}),
    "propose": ("supervisor", {"severity": "MINOR", "sanction": "辞退", "reason": ""}),
    "dismiss": ("supervisor", {}),
    "approve": ("leader", {}),  # nothing proposed yet: 409 on both doors
    "reject": ("leader", {"note": " "}),
    "reference": ("supervisor", {"reference": "文" * 129}),
}
MEETING_REFUSALS = {
    "decision": {"decision": "限期整改", "owner": "B-window_a", "due_date": "11月10日", "agenda_item": "第一项"},
    "minutes": {"minutes": "纪" * 20001},
    "done": {"note": " "},
}
CREATE_REFUSALS = {
    "record_violation": ("supervisor", "/staff/accountability/new/",
                         {"staff": "B-window_a", "kind": "ATTITUDE", "occurred_on": "2026-13-01", "description": ""}),
    "commend": ("supervisor", "/staff/accountability/commend/",
                {"staff": "无此人", "on_date": "2026-11-02", "reason": "热情服务"}),
    "create": ("leader", "/staff/meetings/new/",
               {"kind": "SPECIAL", "topic": "", "held_on": "2026-11-02", "chair": "主任", "attendees": "全体"}),
}


def _signed_in(user) -> Client:
    browser = Client()
    sign_in(browser, user)
    return browser


def _same_refusal(api, screen, name: str) -> None:
    """Assert that the screen refused what the API refused, showing every message the API gave."""
    assert api.status_code in (400, 403, 409), (name, api.status_code, api.content)
    assert screen.status_code == 400, (name, screen.status_code)
    body, page = api.json()["error"], html.unescape(screen.content.decode())
    for message in [m for ms in body["fields"].values() for m in ms] or [body["message"]]:
        assert message in page, (name, message)


@time_machine.travel(NOV, tick=False)
def test_screen_and_api_give_the_same_errors_for_every_violation_action(client, cast):
    from bianmin.accountability.services import record_violation

    assert set(VIOLATION_REFUSALS) == {spec.name for spec in VIOLATION_ACTIONS}  # a new action is added here too
    violation = record_violation(actor=cast["supervisor"], staff="B-window_a", kind="ATTITUDE",
                                 occurred_on=dt.date(2026, 10, 30), description="态度生硬", now=NOV)
    headers = {name: api_token_headers(client, name) for name in ("window_a", "supervisor", "leader")}
    fields = {}
    for spec in VIOLATION_ACTIONS:
        who, bad = VIOLATION_REFUSALS[spec.name]
        api = client.post(f"/api/v1/violations/{violation.pk}/{spec.path}", bad, content_type="application/json",
                          headers=headers[who])
        screen = _signed_in(cast[who]).post(f"/staff/accountability/{violation.pk}/", {"action": spec.name, **bad})
        _same_refusal(api, screen, spec.name)
        fields[spec.name] = api.json()["error"]["fields"]
    assert set(fields["propose"]) == {"sanction", "reason"} and fields["dismiss"] == {"reason": ["此项为必填项"]}
    assert fields["reference"] == {"reference": ["不能超过 128 个字符"]} and fields["approve"] == {}


@time_machine.travel(NOV, tick=False)
def test_screen_and_api_give_the_same_errors_for_every_meeting_action(client, cast):
    from bianmin.meetings.services import add_decision, create_meeting

    assert set(MEETING_REFUSALS) == {s.name for c in (MEETING_ACTIONS, ACTION_ITEM_ACTIONS) for s in c}
    meeting = create_meeting(actor=cast["leader"], kind="SPECIAL", topic="防汛期间集中办理",
                             held_on=dt.date(2026, 11, 2), chair="主任", attendees="全体", now=NOV)
    item = add_decision(actor=cast["leader"], meeting_id=meeting.pk, decision="人员调配", owner="B-window_a",
                        due_date=dt.date(2026, 11, 9), now=NOV)
    headers, screen_client = api_token_headers(client, "leader"), _signed_in(cast["leader"])
    fields = {}
    for catalogue, key, extra in ((MEETING_ACTIONS, meeting.pk, {}), (ACTION_ITEM_ACTIONS, item.pk, {"item": item.pk})):
        for spec in catalogue:
            bad = MEETING_REFUSALS[spec.name]
            api = client.post(f"/api/v1{'/meetings' if catalogue is MEETING_ACTIONS else '/meeting-actions'}/{key}/"
                              f"{spec.path}", bad, content_type="application/json", headers=headers)
            screen = screen_client.post(f"/staff/meetings/{meeting.pk}/", {"action": spec.name, **bad, **extra})
            _same_refusal(api, screen, spec.name)
            fields[spec.name] = api.json()["error"]["fields"]
    assert fields["decision"] == {"due_date": ["日期格式应为 YYYY-MM-DD"], "agenda_item": ["应为整数"]}
    assert fields["minutes"] == {"minutes": ["不能超过 20000 个字符"]}
    assert fields["done"] == {"note": ["请填写完成情况"]}


@time_machine.travel(NOV, tick=False)
def test_screen_and_api_give_the_same_errors_for_the_actions_that_create_their_subject(client, cast):
    assert set(CREATE_REFUSALS) == {s.name for c in SUBJECT_LESS for s in c}
    for catalogue in SUBJECT_LESS:
        for spec in catalogue:
            who, url, bad = CREATE_REFUSALS[spec.name]
            api = client.post(f"/api/v1/{spec.path}", bad, content_type="application/json",
                              headers=api_token_headers(client, who))
            screen = _signed_in(cast[who]).post(url, {"action": spec.name, **bad})
            _same_refusal(api, screen, spec.name)


@time_machine.travel(NOV, tick=False)
def test_the_violation_page_draws_a_form_for_each_allowed_action_and_no_other(cast):
    from bianmin.accountability.policies import get_violation_for
    from bianmin.accountability.services import propose_sanction, record_violation

    violation = record_violation(actor=cast["supervisor"], staff="B-window_a", kind="ATTITUDE",
                                 occurred_on=dt.date(2026, 10, 30), description="态度生硬", now=NOV)
    url = f"/staff/accountability/{violation.pk}/"
    seen = set()
    for step in ("open", "proposed"):
        if step == "proposed":
            propose_sanction(actor=cast["supervisor"], pk=violation.pk, severity="MINOR", sanction="口头告诫",
                             reason="初次", now=NOV)
        for who in ("window_a", "supervisor", "leader"):
            page = _signed_in(cast[who]).get(url).content.decode()
            allowed = {s.name for s in VIOLATION_ACTIONS.available(cast[who], get_violation_for(cast[who],
                                                                                                violation.pk))}
            drawn = {s.name for s in VIOLATION_ACTIONS if f'name="action" value="{s.name}"' in page}
            assert drawn == allowed, (step, who)
            seen |= drawn
    assert seen == {s.name for s in VIOLATION_ACTIONS}


def test_a_date_field_is_a_date_input_on_the_screen():
    from bianmin.accountability.actions import CREATE_ACTIONS
    from bianmin.backoffice.actions import form_view

    form = form_view(CREATE_ACTIONS.actions["record_violation"], None)
    assert {f.name: f.widget for f in form.fields}["occurred_on"] == "date"


# ---- the hospital desk (decision 0026): 发起科室协调, the coordination request's steps, 便民活动 ----

HOSPITAL_CATALOGUES = {"/cases/{number}": SEND_ACTIONS, "/hospital/requests/{request_id}": REQUEST_ACTIONS,
                       "": EVENT_CREATE_ACTIONS, "/hospital/events/{event_id}": EVENT_ACTIONS}
# For each action: who takes it, an input refused by the schema or by the service, and what only the screen posts
# (``confirmed``: past the confirmation page).
REQUEST_REFUSALS = {
    "answer": ("k1_staff", {"answer": " "}, {}),
    "refuse": ("k1_staff", {"reason": ""}, {}),
    "escalate": ("k1_staff", {"to_department": "YY2K9", "note": "转骨伤科"}, {}),
    "tell": ("desk_a", {}, {}),
    "withdraw": ("desk_a", {"reason": " "}, {"confirmed": "1"}),
}
EVENT_REFUSALS = {
    "publish": {},  # published already: 409 on both doors
    "attend": {"attendance": "-1"},
    "cancel": {"reason": ""},
}
TEN = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Beijing


@pytest.fixture
def desk(org, cast, calendar, django_user_model):
    from bianmin.testing.hospital import hospital_cast, transfer_case, transfer_item
    from conftest import make_user

    h = hospital_cast(org, django_user_model, make_user)
    h["item"] = transfer_item(cast["sysadmin"], h)
    h["case"] = transfer_case(h)
    return h


def _same_refusal_and_status(api, screen, name: str) -> dict[str, list[str]]:
    """Assert that the screen refused what the API refused, with the same status and every message the API gave
    shown on the page; return the API's fields."""
    assert api.status_code in (400, 403, 409), (name, api.status_code, api.content)
    assert screen.status_code == api.status_code, (name, screen.status_code, api.status_code)
    body, page = api.json()["error"], html.unescape(screen.content.decode())
    for message in [m for ms in body["fields"].values() for m in ms] or [body["message"]]:
        assert message in page, (name, message)
    return body["fields"]


def test_every_hospital_action_has_its_endpoint_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    for prefix, catalogue in HOSPITAL_CATALOGUES.items():
        for spec in catalogue:
            op = doc["paths"][f"/api/v1{prefix}/{spec.path}"]["post"]
            assert op["summary"] == spec.label and op["operationId"] == f"{catalogue.subject}_{spec.name}"
            assert spec.description and op["description"] == spec.description
            body = op.get("requestBody", {}).get("content", {})
            assert bool(body) == bool(spec.schema.model_fields), spec.name
            if body:  # the body is the action's own schema, as the screen parses it
                ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
                assert ref == spec.schema.__name__
                assert set(doc["components"]["schemas"][ref]["properties"]) == set(spec.schema.model_fields)


@time_machine.travel(TEN, tick=False)
def test_screen_and_api_give_the_same_errors_for_every_coordination_request_action(client, desk):
    from bianmin.hospital.models import CoordinationRequest, RequestStatus

    assert set(REQUEST_REFUSALS) == {spec.name for spec in REQUEST_ACTIONS}  # a new action is added here too
    h = desk
    send = SEND_ACTIONS.get("send")
    bad = {"department": "YY1K1", "topic": "TRANSFER", "question": "评估转院", "reply_hours": "abc"}
    api = client.post(f"/api/v1/cases/{h['case'].number}/{send.path}", bad, content_type="application/json",
                      headers=api_token_headers(client, "desk_a"))
    screen = _signed_in(h["desk_a"]).post(f"/staff/hospital/cases/{h['case'].number}/coordination/",
                                          {"action": "send", **bad})
    assert _same_refusal_and_status(api, screen, "send") == {"reply_hours": ["应为整数"]}
    assert not CoordinationRequest.objects.exists()

    sent = client.post(f"/api/v1/cases/{h['case'].number}/{send.path}", bad | {"reply_hours": 4},
                       content_type="application/json", headers=api_token_headers(client, "desk_a"))
    assert sent.status_code == 201, sent.content
    request_id = sent.json()["id"]
    fields = {}
    for spec in REQUEST_ACTIONS:
        who, data, screen_only = REQUEST_REFUSALS[spec.name]
        api = client.post(f"/api/v1/hospital/requests/{request_id}/{spec.path}", data,
                          content_type="application/json", headers=api_token_headers(client, who))
        screen = _signed_in(h[who]).post(f"/staff/hospital/requests/{request_id}/",
                                         {"action": spec.name, **data, **screen_only})
        fields[spec.name] = _same_refusal_and_status(api, screen, spec.name)
    assert fields["answer"] == {"answer": ["请填写答复内容"]} and set(fields["refuse"]) == {"reason"}
    assert set(fields["escalate"]) == {"to_department"} and fields["tell"] == {"note": ["此项为必填项"]}
    assert set(fields["withdraw"]) == {"reason"}
    assert CoordinationRequest.objects.get().status == RequestStatus.OPEN  # nothing written by either door


@time_machine.travel(TEN, tick=False)
def test_screen_and_api_give_the_same_errors_for_every_care_event_action(client, desk):
    from bianmin.hospital import services
    from bianmin.hospital.models import CareEvent

    assert set(EVENT_REFUSALS) == {spec.name for spec in EVENT_ACTIONS}
    h = desk
    plan = EVENT_CREATE_ACTIONS.get("plan")
    bad = {"kind": "FREE_CLINIC", "title": "义诊", "place": "门诊大厅", "starts_at": "2026-03-03T09:00",
           "ends_at": "2026-03-03T11:00", "capacity": "八十"}
    api = client.post(f"/api/v1/{plan.path}", bad, content_type="application/json",
                      headers=api_token_headers(client, "desk_a"))
    screen = _signed_in(h["desk_a"]).post("/staff/hospital/events/new/", {"action": "plan", **bad})
    assert _same_refusal_and_status(api, screen, "plan") == {"capacity": ["应为整数"]}
    assert not CareEvent.objects.exists()

    event = services.plan_event(actor=h["desk_a"], kind="FREE_CLINIC", title="义诊", place="门诊大厅",
                                starts_at=TEN + dt.timedelta(hours=3), ends_at=TEN + dt.timedelta(hours=5), now=TEN)
    services.publish_event(actor=h["desk_a"], event_id=event.pk, now=TEN)
    fields = {}
    with time_machine.travel(TEN + dt.timedelta(hours=4), tick=False):  # under way: 登记参加人数 is allowed
        for spec in EVENT_ACTIONS:
            data = EVENT_REFUSALS[spec.name]
            api = client.post(f"/api/v1/hospital/events/{event.pk}/{spec.path}", data,
                              content_type="application/json", headers=api_token_headers(client, "desk_a"))
            screen = _signed_in(h["desk_a"]).post(f"/staff/hospital/events/{event.pk}/",
                                                  {"action": spec.name, **data, "confirmed": "1"})
            fields[spec.name] = _same_refusal_and_status(api, screen, spec.name)
    assert fields["publish"] == {} and fields["attend"] == {"attendance": ["不能小于 0"]}
    assert set(fields["cancel"]) == {"reason"}


@time_machine.travel(TEN, tick=False)
def test_the_hospital_pages_draw_a_form_for_each_allowed_action_and_no_other(client, desk):
    from bianmin.hospital.selectors import request_for

    h = desk
    case_page = _signed_in(h["desk_a"]).get(f"/staff/cases/{h['case'].number}/").content.decode()
    assert 'name="action" value="send"' in case_page and 'id="send-form"' in case_page
    assert f'<option value="{h["k1"].code}"' in case_page  # the 科室 by code, as the API names it
    sent = client.post(f"/api/v1/cases/{h['case'].number}/coordination-requests",
                       {"department": "YY1K1", "topic": "BED", "question": "有无床位"},
                       content_type="application/json", headers=api_token_headers(client, "desk_a")).json()
    url = f"/staff/hospital/requests/{sent['id']}/"
    seen = set()
    for step in ("open", "answered"):
        if step == "answered":
            assert client.post(f"/api/v1/hospital/requests/{sent['id']}/answer", {"answer": "有床"},
                               content_type="application/json",
                               headers=api_token_headers(client, "k1_staff")).status_code == 200
        for who in ("desk_a", "k1_staff"):
            page = _signed_in(h[who]).get(url).content.decode()
            allowed = {s.name for s in REQUEST_ACTIONS.available(h[who], request_for(h[who], sent["id"]))}
            drawn = {s.name for s in REQUEST_ACTIONS if f'name="action" value="{s.name}"' in page}
            assert drawn == allowed, (step, who)
            seen |= drawn
    assert seen == {s.name for s in REQUEST_ACTIONS}
    # 撤回 asks on a page of its own (no dialog): the button carries no data-confirm.
    assert REQUEST_ACTIONS.get("withdraw").confirm_page
