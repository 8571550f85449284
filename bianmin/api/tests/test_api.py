import pytest

from bianmin.testing.factories import assert_error
from bianmin.testing.factories import make_catalog_item as make
from conftest import PASSWORD

pytestmark = pytest.mark.django_db




@pytest.mark.endpoint("GET", "/api/v1/workdays/add")
def test_workdays_add_acceptance_example(client, calendar):
    r = client.get("/api/v1/workdays/add", {"start": "2026-02-13", "days": "5"})
    assert r.status_code == 200
    assert r.json() == {"start": "2026-02-13", "days": 5, "date": "2026-02-27", "provisional": False}


def test_workdays_add_into_provisional_year(client, calendar):
    r = client.get("/api/v1/workdays/add", {"start": "2026-12-20", "days": "20"})
    assert r.status_code == 200 and r.json()["provisional"] is True


def test_workdays_add_with_region_local_rest_day(client, calendar, cast, org, now):
    from bianmin.workdays.services import add_local_day

    add_local_day(actor=cast["sysadmin"], region=org["county"], date=__import__("datetime").date(2026, 3, 3),
                  kind="REST", name="三月三", now=now)
    plain = client.get("/api/v1/workdays/add", {"start": "2026-03-02", "days": "1"}).json()["date"]
    local = client.get("/api/v1/workdays/add", {"start": "2026-03-02", "days": "1", "region": "10101"}).json()
    assert plain == "2026-03-03" and local["date"] == "2026-03-04"


@pytest.mark.parametrize("params,field", [
    ({"start": "2026-02-30", "days": "5"}, "start"),
    ({"start": "yesterday", "days": "5"}, "start"),
    ({"start": "2026-02-13", "days": "-1"}, "days"),
    ({"start": "2026-02-13", "days": "3651"}, "days"),
    ({"start": "2026-02-13", "days": "five"}, "days"),
    ({"start": "2026-02-13", "days": "5", "region": "999"}, "region"),
    ({"days": "5"}, "start"),
    ({"start": "1999-01-01", "days": "5"}, "start"),
])
def test_workdays_add_errors_name_the_field(client, calendar, params, field):
    assert_error(client.get("/api/v1/workdays/add", params), 400, field)


@pytest.mark.endpoint("GET", "/api/v1/workdays/{year}")
def test_workdays_year(client, calendar):
    body = client.get("/api/v1/workdays/2026").json()
    assert body["provisional"] is False
    assert {"date": "2026-02-14", "kind": "WORK", "name": "春节调休", "source": "OFFICIAL",
            "reason": ""} in body["workdays"]
    assert any(d["date"] == "2026-10-01" and d["name"] == "国庆节" for d in body["rest_days"])
    body27 = client.get("/api/v1/workdays/2027").json()
    assert body27["provisional"] is True and body27["workdays"] == []
    assert any(d["date"] == "2027-01-01" for d in body27["rest_days"])
    assert_error(client.get("/api/v1/workdays/1900"), 400, "year")


@pytest.mark.endpoint("GET", "/api/v1/items")
@pytest.mark.endpoint("GET", "/api/v1/items/{code}")
def test_items_list_and_detail(client, cast, org):
    make(cast, code="YX-0001", implementing_unit=org["dept"])
    make(cast, code="YX-0002", name="犬只登记", level="TOWN")
    body = client.get("/api/v1/items", {"page_size": 1}).json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["results"][0]["code"] == "YX-0001"
    assert client.get("/api/v1/items", {"q": "犬只"}).json()["count"] == 1
    assert client.get("/api/v1/items", {"department": "D1"}).json()["count"] == 1
    assert_error(client.get("/api/v1/items", {"level": "MOON"}), 400, "level")
    assert_error(client.get("/api/v1/items", {"page_size": 1000}), 400, "page_size")
    detail = client.get("/api/v1/items/YX-0001").json()
    assert detail["materials"][0]["name"] == "身份证" and detail["fees"][0]["amount"] == "20.00"
    assert detail["department"] == "D1"
    assert_error(client.get("/api/v1/items/NOPE"), 404)


@pytest.mark.endpoint("POST", "/api/v1/auth/token")
@pytest.mark.endpoint("GET", "/api/v1/me")
def test_token_flow_and_bearer(client, cast):
    assert_error(client.get("/api/v1/me"), 401)
    bad = client.post("/api/v1/auth/token", {"username": "window_a", "password": "x"}, content_type="application/json")
    assert_error(bad, 401)
    r = client.post("/api/v1/auth/token", {"username": "window_a", "password": PASSWORD},
                    content_type="application/json")
    token = r.json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["username"] == "window_a" and me["roles"] == ["WINDOW"] and me["unit"] == "C1"
    assert_error(client.get("/api/v1/me", headers={"Authorization": "Bearer forged"}), 401)


@pytest.mark.invalid_request  # a body that is not JSON
def test_token_body_errors_name_the_field(client, db):
    err = assert_error(client.post("/api/v1/auth/token", {"username": "a"}, content_type="application/json"), 400)
    assert "password" in err["fields"]
    assert_error(client.post("/api/v1/auth/token", "not json", content_type="application/json"), 400)


def test_unknown_api_path_is_json_404(client, db):
    assert_error(client.get("/api/v1/nothing-here"), 404)


def test_openapi_document_and_docs(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/workdays/add", "/api/v1/workdays/{year}", "/api/v1/items", "/api/v1/items/{code}",
                 "/api/v1/auth/token"):
        assert path in doc["paths"], path
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b"cdn" not in page.content.lower() and b"//unpkg" not in page.content
