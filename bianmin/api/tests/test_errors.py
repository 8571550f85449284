"""No input produces a 500, and every API error is the one JSON body, with DEBUG off (issue 11 item 8)."""
import pytest

from bianmin.testing.factories import assert_error
from conftest import api_token_headers

pytestmark = pytest.mark.django_db
HUGE = "9" * 30


@pytest.mark.parametrize("path,field", [
    ("/api/v1/cases", "page"), ("/api/v1/cases", "page_size"),
    ("/api/v1/items", "page"), ("/api/v1/items", "page_size"),
    ("/api/v1/violations", "offset"), ("/api/v1/violations", "limit"),
    ("/api/v1/meetings", "offset"), ("/api/v1/meetings", "limit"),
])
@pytest.mark.parametrize("value", [HUGE, "999999999999999999", "-1"])
def test_absurd_paging_values_are_a_400_naming_the_field(client, cast, path, field, value):
    error = assert_error(client.get(path, {field: value}, headers=api_token_headers(client, "supervisor")), 400, field)
    assert field in error["message"] and "不能" in error["fields"][field][0]  # Chinese, not pydantic's English


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_are_a_400_not_an_overflow(client, cast, day):
    r = client.get("/api/v1/stats", {"from": day, "to": day}, headers=api_token_headers(client, "supervisor"))
    assert_error(r, 400, "from")


def test_a_meeting_dated_in_year_one_is_a_400_not_an_overflow(client, cast):
    body = {"held_on": "0001-01-03", "chair": "主任", "attendees": "全体", "period_end": "2026-03-02"}
    r = client.post("/api/v1/meetings", body, content_type="application/json",
                    headers=api_token_headers(client, "supervisor"))
    assert_error(r, 400, "held_on")


def test_the_meeting_service_refuses_dates_outside_the_century(cast):
    import datetime as dt

    from bianmin.core.errors import DomainError
    from bianmin.meetings.services import create_meeting

    with pytest.raises(DomainError) as exc:
        create_meeting(actor=cast["supervisor"], kind="JOINT", held_on=dt.date(1, 1, 3), chair="主任",
                       attendees="全体", now=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    assert "held_on" in exc.value.fields


def test_an_absurd_fee_amount_is_a_400_not_a_decimal_error(client, cast):
    r = client.post("/api/v1/cases/NOPE/fees", {"fee": 1, "amount": 5.2e156, "receipt_number": "R1"},
                    content_type="application/json", headers=api_token_headers(client, "window_a"))
    assert_error(r, 400, "amount")


def test_a_nul_character_is_a_400_naming_the_field_not_a_postgresql_500(client, cast):
    headers = api_token_headers(client, "supervisor")
    assert_error(client.get("/api/v1/violations", {"status": "A\x00B"}, headers=headers), 400, "status")
    r = client.post("/api/v1/public/case-lookup", '{"number": "C1\\u0000", "code": "X"}',
                    content_type="application/json")
    assert_error(r, 400, "body")
    assert_error(client.post("/api/v1/cases/C1%00/accept", {}, content_type="application/json",
                             headers=api_token_headers(client, "window_a")), 400, "path")
    client.logout()
    from conftest import sign_in

    sign_in(client, cast["window_a"])
    page = client.get("/staff/cases/", {"q": "\x00"})
    assert page.status_code == 400 and "q" in page.content.decode()


def test_a_method_the_path_does_not_allow_and_an_unknown_path_are_the_json_error_body(client, cast):
    r = client.delete("/api/v1/items")
    error = assert_error(r, 405)
    assert error["code"] == "method_not_allowed" and "DELETE" in error["message"] and r["Allow"] == "GET"
    assert assert_error(client.get("/api/v1/no-such-thing"), 404)["code"] == "not_found"


@pytest.mark.undocumented_status(500)
def test_a_server_error_is_the_json_error_body_and_is_logged(client, db, monkeypatch, caplog):
    from bianmin.api import routes_catalog

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(routes_catalog, "current_versions", broken)
    client.raise_request_exception = False
    error = assert_error(client.get("/api/v1/items"), 500)
    assert error["code"] == "server_error" and "boom" not in error["message"]
    assert any("boom" in str(record.exc_info) for record in caplog.records if record.exc_info)


def test_a_body_over_the_size_limit_is_the_json_error_body(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = client.post("/api/v1/public/case-lookup", {"number": "X" * 2000, "code": "Y"}, content_type="application/json")
    assert_error(r, r.status_code)
    assert r.status_code in (400, 413)
