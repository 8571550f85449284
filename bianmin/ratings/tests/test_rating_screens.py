"""好差评 staff pages: 评价管理, one rating with its follow-up forms, 我的评价 with the appeal, and 查看评价人 — the
only page that shows who rated, to a supervisor, audited."""
from __future__ import annotations

import pytest

from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.ratings.models import BadRatingFollowUp, FollowUpStatus, RatingAppeal
from conftest import sign_in

from .helpers import EVALUATOR_NAME, EVALUATOR_PHONE, bad_rating

pytestmark = pytest.mark.django_db


def _clean(response) -> str:
    html = response.content.decode()
    assert EVALUATOR_NAME not in html and EVALUATOR_PHONE not in html and "1391234" not in html
    return html


def test_no_page_shows_the_evaluator_to_a_non_supervisor(client, cast, item):
    rating = bad_rating(cast)
    pages = {"leader": ["/staff/ratings/", "/staff/ratings/?bad=1&follow_up=VISIT&from=2026-03-01&to=2026-03-31",
                        f"/staff/ratings/{rating.pk}/"],
             "window_a": ["/staff/ratings/mine/", f"/staff/ratings/{rating.pk}/"],
             "window_b": ["/staff/ratings/mine/"],
             "supervisor": ["/staff/ratings/", f"/staff/ratings/{rating.pk}/"]}
    for member, urls in pages.items():
        sign_in(client, cast[member])
        for url in urls:
            r = client.get(url)
            assert r.status_code == 200, (member, url)
            html = _clean(r)
            if url.endswith(f"/{rating.pk}/"):
                assert "已实名" in html
                assert ("查看评价人" in html) == (member == "supervisor")
        client.logout()
    sign_in(client, cast["window_b"])
    assert client.get(f"/staff/ratings/{rating.pk}/").status_code == 404
    for member in ("leader", "window_a"):
        sign_in(client, cast[member])
        r = client.post(f"/staff/ratings/{rating.pk}/evaluator/", {"reason": "核实"})
        assert r.status_code == 403
        _clean(r)
    assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).exists()


def test_a_supervisor_reveals_with_a_reason_and_it_is_audited(client, cast, item):
    rating = bad_rating(cast)
    sign_in(client, cast["supervisor"])
    r = client.post(f"/staff/ratings/{rating.pk}/evaluator/", {"reason": ""})
    assert r.status_code == 400
    _clean(r)
    r = client.post(f"/staff/ratings/{rating.pk}/evaluator/", {"reason": "核实差评情况"})
    html = r.content.decode()
    assert r.status_code == 200 and EVALUATOR_NAME in html and EVALUATOR_PHONE in html
    assert r["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).count() == 1
    _clean(client.get(f"/staff/ratings/{rating.pk}/"))  # shown once, not kept


def test_the_leader_runs_the_follow_up_from_the_page(client, cast, item):
    rating = bad_rating(cast)
    url = f"/staff/ratings/{rating.pk}/"
    sign_in(client, cast["leader"])
    assert "登记回访" in client.get(url).content.decode()
    r = client.post(url, {"action": "visit", "note": ""})
    assert r.status_code == 400
    assert client.post(url, {"action": "visit", "note": "已回访"}).status_code == 302
    assert client.post(url, {"action": "rectify", "rectification": "增开窗口"}).status_code == 302
    assert client.post(url, {"action": "tell", "note": "已告知"}).status_code == 302
    assert BadRatingFollowUp.objects.get(rating=rating).status == FollowUpStatus.TOLD
    _clean(client.get(url))


def test_the_rated_staff_appeals_from_my_ratings(client, cast, item):
    rating = bad_rating(cast)
    sign_in(client, cast["window_a"])
    assert f"/staff/ratings/{rating.pk}/" in client.get("/staff/ratings/mine/").content.decode()
    html = client.get(f"/staff/ratings/{rating.pk}/").content.decode()
    assert "申诉" in html and "登记回访" not in html
    r = client.post(f"/staff/ratings/{rating.pk}/", {"action": "appeal", "reason_kind": "MALICIOUS",
                                                     "reason": "评价人当天未来办事"})
    assert r.status_code == 302 and RatingAppeal.objects.filter(rating=rating, status="PENDING").count() == 1
    sign_in(client, cast["supervisor"])
    r = client.post(f"/staff/ratings/{rating.pk}/", {"action": "decide_appeal", "decision": "UPHELD",
                                                     "note": "属实"})
    assert r.status_code == 302
    rating.refresh_from_db()
    assert rating.excluded


def test_a_bad_date_filter_names_the_field(client, cast, item):
    sign_in(client, cast["leader"])
    r = client.get("/staff/ratings/?from=2026-13-01")
    assert r.status_code == 400
