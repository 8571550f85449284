"""好差评 staff endpoints (issue 17): list, detail, the follow-up steps, appeal, decision, confirmation and the
supervisor's audited reveal — and no answer to anyone else carries the evaluator's name or phone."""
from __future__ import annotations

import pytest

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.ratings import services as rs
from bianmin.ratings.models import Channel
from bianmin.ratings.tests.helpers import EVALUATOR_NAME, EVALUATOR_PHONE, bad_rating
from bianmin.testing.factories import MON, at
from conftest import api_token_headers

pytestmark = pytest.mark.django_db


def _clean(body: bytes) -> None:
    text = body.decode()
    assert EVALUATOR_NAME not in text and EVALUATOR_PHONE not in text and "1391234" not in text


@pytest.mark.endpoint("GET", "/api/v1/ratings")
@pytest.mark.endpoint("GET", "/api/v1/ratings/{rating_id}")
@pytest.mark.endpoint("POST", "/api/v1/ratings/{rating_id}/visit")
@pytest.mark.endpoint("POST", "/api/v1/ratings/{rating_id}/rectification")
@pytest.mark.endpoint("POST", "/api/v1/ratings/{rating_id}/tell")
def test_follow_up_through_the_api_never_shows_the_evaluator(client, cast, item):
    rating = bad_rating(cast)
    leader = api_token_headers(client, "leader")
    rated = api_token_headers(client, "window_a")
    other = api_token_headers(client, "window_b")
    listed = client.get("/api/v1/ratings?bad=true", headers=leader)
    assert listed.status_code == 200 and [r["id"] for r in listed.json()] == [rating.pk]
    assert listed.json()[0]["real_name"] is True and listed.json()[0]["follow_up_status"] == "VISIT"
    _clean(listed.content)
    assert [r["id"] for r in client.get("/api/v1/ratings", headers=rated).json()] == [rating.pk]
    assert client.get("/api/v1/ratings", headers=other).json() == []
    assert client.get(f"/api/v1/ratings/{rating.pk}", headers=other).status_code == 404
    for headers in (leader, rated):
        r = client.get(f"/api/v1/ratings/{rating.pk}", headers=headers)
        assert r.status_code == 200
        _clean(r.content)
    r = client.post(f"/api/v1/ratings/{rating.pk}/visit", {}, content_type="application/json", headers=leader)
    assert r.status_code == 400 and "note" in r.json()["error"]["fields"]
    r = client.post(f"/api/v1/ratings/{rating.pk}/visit", {"note": "已回访"}, content_type="application/json",
                    headers=rated)
    assert r.status_code == 403
    steps = [("visit", {"note": "已回访"}), ("rectification", {"rectification": "增开窗口"}),
             ("tell", {"note": "已电话告知"})]
    for path, body in steps:
        r = client.post(f"/api/v1/ratings/{rating.pk}/{path}", body, content_type="application/json", headers=leader)
        assert r.status_code == 200, r.content.decode()
        _clean(r.content)
    assert r.json()["follow_up"]["status"] == "TOLD"
    r = client.post(f"/api/v1/ratings/{rating.pk}/tell", {"note": "再次"}, content_type="application/json",
                    headers=leader)
    assert r.status_code == 409
    again = rs.rate_again(parent=rating, level=4, channel=Channel.QR, now=at(MON, 18))
    body = client.get(f"/api/v1/ratings/{rating.pk}", headers=leader).json()
    assert body["again"] == again.pk and body["follow_up"]["status"] == "CLOSED"


@pytest.mark.endpoint("POST", "/api/v1/ratings/{rating_id}/appeal")
@pytest.mark.endpoint("POST", "/api/v1/ratings/{rating_id}/appeal-decision")
def test_appeal_and_decision(client, cast, item):
    rating = bad_rating(cast)
    rated, supervisor = api_token_headers(client, "window_a"), api_token_headers(client, "supervisor")
    r = client.post(f"/api/v1/ratings/{rating.pk}/appeal", {"reason_kind": "WRONG", "reason": "x"},
                    content_type="application/json", headers=rated)
    assert r.status_code == 400 and "reason_kind" in r.json()["error"]["fields"]
    r = client.post(f"/api/v1/ratings/{rating.pk}/appeal", {"reason_kind": "MISTAKEN", "reason": "评价人点错"},
                    content_type="application/json", headers=rated)
    assert r.status_code == 200 and r.json()["appeals"][0]["status"] == "PENDING"
    _clean(r.content)
    r = client.post(f"/api/v1/ratings/{rating.pk}/appeal", {"reason_kind": "MISTAKEN", "reason": "再次"},
                    content_type="application/json", headers=rated)
    assert r.status_code == 409
    r = client.post(f"/api/v1/ratings/{rating.pk}/appeal-decision", {"decision": "UPHELD", "note": "属实"},
                    content_type="application/json", headers=supervisor)
    assert r.status_code == 200 and r.json()["excluded"] is True and "属实" in r.json()["excluded_reason"]


@pytest.mark.endpoint("POST", "/api/v1/ratings/{rating_id}/confirm")
def test_confirm_records_one_violation(client, cast, item):
    rating = bad_rating(cast)
    supervisor = api_token_headers(client, "supervisor")
    url = f"/api/v1/ratings/{rating.pk}/confirm"
    r = client.post(url, {"description": "调阅录像查实"}, content_type="application/json", headers=supervisor)
    assert r.status_code == 200 and r.json()["follow_up"]["confirmed_at"]
    r = client.post(url, {"description": "再次"}, content_type="application/json", headers=supervisor)
    assert r.status_code == 409
    assert Violation.objects.filter(kind=ViolationKind.BAD_RATING, staff=cast["window_a"].staff_profile).count() == 1


@pytest.mark.endpoint("POST", "/api/v1/ratings/{rating_id}/reveal-evaluator")
def test_only_a_supervisor_reveals_the_evaluator_and_it_is_audited(client, cast, item):
    rating = bad_rating(cast)
    url = f"/api/v1/ratings/{rating.pk}/reveal-evaluator"
    for member in ("window_a", "leader", "window_b"):
        r = client.post(url, {"reason": "核实"}, content_type="application/json",
                        headers=api_token_headers(client, member))
        assert r.status_code in (403, 404), member
        _clean(r.content)
    assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).exists()
    supervisor = api_token_headers(client, "supervisor")
    r = client.post(url, {"reason": "x"}, content_type="application/json", headers=supervisor)
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    r = client.post(url, {"reason": "核实差评情况"}, content_type="application/json",
                    headers={**supervisor, "Idempotency-Key": "reveal-1"})
    assert r.status_code == 200 and r.json() == {"name": EVALUATOR_NAME, "phone": EVALUATOR_PHONE}
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).count() == 1
    r = client.post(url, {"reason": "核实差评情况"}, content_type="application/json",
                    headers={**supervisor, "Idempotency-Key": "reveal-1"})
    assert r.status_code == 200 and "Idempotent-Replayed" not in r  # each showing is its own audited view
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).count() == 2


def test_the_documented_channels_are_the_models():
    import typing

    from bianmin.api.routes_ratings import ChannelCode

    assert set(typing.get_args(ChannelCode)) == set(Channel.values)
