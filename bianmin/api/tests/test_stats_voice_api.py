"""GET /api/v1/stats carries the 好差评 and 监督投诉 blocks (issue 17 item 4), and no identity."""
import pytest

from bianmin.stats.tests.voice_scenario import (
    COMPLAINANT,
    COMPLAINANT_PHONE,
    EVALUATOR,
    EVALUATOR_PHONE,
    october_complaints,
    october_ratings,
)
from conftest import api_token_headers

pytestmark = pytest.mark.django_db


@pytest.mark.endpoint("GET", "/api/v1/stats")
def test_stats_api_has_the_ratings_and_complaints(client, cast, org, immediate_item, time_machine):
    october_ratings(cast)
    october_complaints(cast, org)
    time_machine.move_to("2026-11-02T10:00:00+08:00", tick=False)
    h = api_token_headers(client, "leader")
    r = client.get("/api/v1/stats", {"from": "2026-10-01", "to": "2026-10-31", "group": "staff"}, headers=h)
    assert r.status_code == 200, r.content
    body = r.json()
    t = body["ratings"]
    assert (t["bad"], t["follow_ups"], t["visited_on_time"], t["visit_late"], t["closed_unrectified"]) == (
        2, 2, 1, 1, 1)
    assert (t["rated"], t["good_rate"], t["active_good_rate"], t["unrated_rate"], t["excluded"]) == (
        5, 0.6, 0.5, 0.2857, 1)
    assert sum(row["rated"] for row in body["rating_rows"]) == 5
    c = body["complaints"]
    assert (c["received"], c["replied_on_time"], c["reply_late"], c["confirmed"], c["transferred"]) == (
        5, 1, 3, 1, 1)
    assert body["complaints_by_kind"]["乱收费"] == 1
    assert len(body["complaint_rows"]) == 3  # window_a, window_b, and 未指定 (k3 names the window, no one)
    assert body["total"]["decided"] == 7  # the case indicators are still there, unchanged
    for secret in (EVALUATOR, EVALUATOR_PHONE, COMPLAINANT, COMPLAINANT_PHONE):
        assert secret not in r.content.decode()
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["RatingStatsRow"]["properties"]["good_rate"]["description"] == "好评率＝good÷rated"
    assert "closed_unrectified" in schema["RatingStatsRow"]["required"]
