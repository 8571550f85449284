"""GET /api/v1/workdays/…: provisional years carry the 补假 days of Art. 6 with their reason."""
import pytest

pytestmark = pytest.mark.django_db
ARTICLE_6 = "依《全国年节及纪念日放假办法》第六条补假"


@pytest.mark.parametrize(("start", "days", "expected"), [
    ("2027-02-05", "1", "2027-02-11"),  # 春节 2/6–2/8, 补假 Tue 2/9 + Wed 2/10
    ("2027-02-04", "2", "2027-02-12"),
    ("2027-04-30", "1", "2027-05-05"),  # 劳动节 Sat 5/1 + Sun 5/2, 补假 5/3–5/4
    ("2027-09-30", "1", "2027-10-06"),  # 国庆 Fri 10/1–Sun 10/3, 补假 10/4–10/5
    ("2027-12-31", "1", "2028-01-04"),  # 2028 元旦 Sat 1/1, 补假 Mon 1/3
])
def test_add_skips_the_provisional_makeup_days(client, calendar, start, days, expected):
    r = client.get("/api/v1/workdays/add", {"start": start, "days": days})
    assert r.status_code == 200
    assert r.json() == {"start": start, "days": int(days), "date": expected, "provisional": True}


def test_year_2027_lists_the_makeup_days_with_their_reason(client, calendar):
    body = client.get("/api/v1/workdays/2027").json()
    assert body["provisional"] is True and body["workdays"] == []
    made_up = [d for d in body["rest_days"] if d["reason"]]
    assert [(d["date"], d["name"]) for d in made_up] == [
        ("2027-02-09", "春节补假"), ("2027-02-10", "春节补假"), ("2027-05-03", "劳动节补假"),
        ("2027-05-04", "劳动节补假"), ("2027-10-04", "国庆节补假"), ("2027-10-05", "国庆节补假")]
    assert {d["source"] for d in body["rest_days"]} == {"PROVISIONAL"}
    assert {"date": "2027-02-09", "kind": "REST", "name": "春节补假", "source": "PROVISIONAL",
            "reason": f"春节2月6日、2月7日适逢周末，{ARTICLE_6}"} in body["rest_days"]
    assert len(body["rest_days"]) == 13 + 6
    assert {"date": "2027-02-06", "kind": "REST", "name": "春节", "source": "PROVISIONAL", "reason": ""} in \
        body["rest_days"]


def test_year_2028_lists_the_makeup_days_with_their_reason(client, calendar):
    body = client.get("/api/v1/workdays/2028").json()
    made_up = {d["date"]: d for d in body["rest_days"] if d["reason"]}
    assert list(made_up) == ["2028-01-03", "2028-05-29", "2028-10-04"]
    assert made_up["2028-01-03"]["reason"] == f"元旦1月1日适逢周末，{ARTICLE_6}"
    assert made_up["2028-05-29"]["name"] == "端午节补假" and made_up["2028-10-04"]["name"] == "国庆节补假"
    assert all(d["source"] == "PROVISIONAL" for d in made_up.values())


def test_official_years_have_no_makeup_reason(client, calendar):
    body = client.get("/api/v1/workdays/2026").json()
    assert body["provisional"] is False
    assert {d["reason"] for d in body["rest_days"] + body["workdays"]} == {""}
