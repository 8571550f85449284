"""涉及科室 through the API (issue 14 item 4, decision 0026 §8): the public rating and complaint, the 监督投诉台's
registration, and the staff lists filtered by department, scoped as before."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bianmin.accounts.roles import Role
from bianmin.complaints.models import Complaint
from bianmin.ratings.models import Rating
from bianmin.testing.opinions import delivered_hospital_case, hospital_opinions
from conftest import api_token_headers, make_user

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)  # Monday 15:00 in Beijing, after the deliveries
NAME, PHONE = "李四", "13700001111"


@pytest.fixture
def h(org, cast, calendar, django_user_model):
    return hospital_opinions(org, cast, django_user_model, make_user)


def post(client, url, body, headers=None):
    return client.post(url, body, content_type="application/json", headers=headers or {})


@pytest.mark.endpoint("POST", "/api/v1/public/rate")
@pytest.mark.endpoint("GET", "/api/v1/ratings")
@pytest.mark.endpoint("GET", "/api/v1/ratings/{rating_id}")
@time_machine.travel(FROZEN, tick=False)
def test_a_family_rates_a_department_and_the_leader_filters_by_it(client, h, cast, org, django_user_model):
    first, second = delivered_hospital_case(h, hour=8), delivered_hospital_case(h, hour=11)
    wrong = post(client, "/api/v1/public/rate", {"number": first.number, "code": first.query_code, "level": 4,
                                                 "department": "YY2K9"})
    assert wrong.status_code == 400 and wrong.json()["error"]["fields"] == {"department": ["所选科室不属于该医院"]}
    assert not Rating.objects.exists()
    r = post(client, "/api/v1/public/rate", {"number": first.number, "code": first.query_code, "level": 4,
                                             "department": "YY1K1"})
    assert r.status_code == 200, r.content
    assert r.json()["department"] == "心内科"
    r = post(client, "/api/v1/public/rate", {"number": second.number, "code": second.query_code, "level": 5,
                                             "department": str(h["k2"].pk)})
    assert r.status_code == 200 and r.json()["department"] == "医务科"
    leader = api_token_headers(client, "desk_leader")
    rows = client.get("/api/v1/ratings?department=YY1K1", headers=leader).json()
    k1 = Rating.objects.get(department=h["k1"])
    assert [row["id"] for row in rows] == [k1.pk] and rows[0]["department"] == "心内科"
    assert len(client.get("/api/v1/ratings", headers=leader).json()) == 2
    got = client.get(f"/api/v1/ratings/{k1.pk}", headers=leader).json()
    assert (got["department"], got["department_code"]) == ("心内科", "YY1K1")
    assert NAME not in str(got) and PHONE not in str(got)
    make_user(django_user_model, "town_leader", Role.LEADER, org["town_center"])
    town = api_token_headers(client, "town_leader")
    assert client.get("/api/v1/ratings?department=YY1K1", headers=town).json() == []


@pytest.mark.endpoint("POST", "/api/v1/public/complaints")
@pytest.mark.endpoint("POST", "/api/v1/complaints")
@pytest.mark.endpoint("GET", "/api/v1/complaints")
@pytest.mark.endpoint("GET", "/api/v1/complaints/{number}")
@time_machine.travel(FROZEN, tick=False)
def test_complaints_name_the_department_through_the_api(client, h, cast, org, django_user_model):
    body = {"unit": "YY1", "kind": "ATTITUDE", "subject_type": "UNIT", "matter": "导诊态度差", "name": NAME,
            "phone": PHONE}
    wrong = post(client, "/api/v1/public/complaints", body | {"department": "YY2K9"})
    assert wrong.status_code == 400 and "department" in wrong.json()["error"]["fields"]
    government = post(client, "/api/v1/public/complaints", body | {"unit": "C1", "department": "YY1K1"})
    assert government.json()["error"]["fields"] == {"department": ["只有医院便民服务中心的评价和投诉可以选择科室"]}
    assert not Complaint.objects.exists()
    r = post(client, "/api/v1/public/complaints", body | {"department": "YY1K1"})
    assert r.status_code == 201, r.content
    online = Complaint.objects.get(number=r.json()["number"])
    assert online.department == h["k1"]
    sup = api_token_headers(client, "desk_supervisor")
    desk = {"channel": "DESK", "kind": "DELAY", "subject_type": "UNIT", "matter": "入院登记拖延", "anonymous": True}
    refused = post(client, "/api/v1/complaints", desk | {"department": "YY2K9"}, sup)
    assert refused.status_code == 400 and refused.json()["error"]["fields"]["department"] == ["所选科室不属于该医院"]
    assert Complaint.objects.count() == 1
    r = post(client, "/api/v1/complaints", desk | {"department": "YY1K2"}, sup)
    assert r.status_code == 201, r.content
    assert (r.json()["department"], r.json()["department_code"]) == ("医务科", "YY1K2")
    rows = client.get("/api/v1/complaints?department=YY1K1", headers=sup).json()
    assert [row["number"] for row in rows] == [online.number] and rows[0]["department"] == "心内科"
    assert len(client.get("/api/v1/complaints", headers=sup).json()) == 2
    got = client.get(f"/api/v1/complaints/{online.number}", headers=sup).json()
    assert got["department_code"] == "YY1K1" and NAME not in str(got) and PHONE not in str(got)
    make_user(django_user_model, "town_supervisor", Role.SUPERVISOR, org["town_center"])
    town = api_token_headers(client, "town_supervisor")
    assert client.get("/api/v1/complaints?department=YY1K1", headers=town).json() == []  # out of scope
