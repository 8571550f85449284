"""POST /api/v1/auth/token with the second factor (otp), POST /api/v1/auth/logout, the per-address limit (issue 11)."""
import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from bianmin.accounts.models import ApiToken
from conftest import PASSWORD, api_token_headers, otp_code

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token"


def post(client, body, **extra):
    return client.post(TOKEN, body, content_type="application/json", **extra)


@pytest.mark.parametrize("username", ["leader", "supervisor", "sysadmin", "secadmin", "auditor"])
def test_the_roles_with_a_second_factor_must_give_otp(client, cast, username):
    r = post(client, {"username": username, "password": PASSWORD})
    assert r.status_code == 401
    error = r.json()["error"]
    assert error["code"] == "otp_required" and "otp" in error["fields"] and "otp" in error["message"]
    r = post(client, {"username": username, "password": PASSWORD, "otp": "12345"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "otp_invalid" and "otp" in r.json()["error"]["fields"]
    r = post(client, {"username": username, "password": PASSWORD, "otp": otp_code(cast[username])})
    assert r.status_code == 200 and r.json()["token"]


def test_a_wrong_password_says_nothing_about_otp(client, cast):
    r = post(client, {"username": "leader", "password": "wrong", "otp": otp_code(cast["leader"])})
    assert r.status_code == 401 and r.json()["error"]["code"] == "login_failed" and not r.json()["error"]["fields"]


def test_window_staff_and_agents_need_no_otp(client, cast):
    for username in ("window_a", "agent"):
        assert post(client, {"username": username, "password": PASSWORD}).status_code == 200


def test_a_recovery_code_gives_a_token_once(client, cast):
    device = StaticDevice.objects.create(user=cast["supervisor"], name="恢复码")
    StaticToken.objects.create(device=device, token="abcd2345")
    body = {"username": "supervisor", "password": PASSWORD, "otp": "ABCD-2345"}
    assert post(client, body).status_code == 200
    assert post(client, body).status_code == 401


@pytest.mark.endpoint("POST", "/api/v1/auth/logout")
def test_logout_ends_the_token(client, cast):
    headers = api_token_headers(client, "leader")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    r = client.post("/api/v1/auth/logout", headers=headers)
    assert r.status_code == 204 and not ApiToken.objects.exists()
    r = client.get("/api/v1/me", headers=headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 401


def test_a_password_change_ends_the_token(client, cast):
    from bianmin.accounts.services import change_password
    from conftest import NOW

    headers = api_token_headers(client, "window_a")
    change_password(user=cast["window_a"], old_password=PASSWORD, new_password="Qingshi#Xiao-9261", now=NOW)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_an_address_with_twenty_failures_gets_429(client, cast):
    for i in range(20):
        assert post(client, {"username": f"guess{i}", "password": "x"}, REMOTE_ADDR="10.1.2.3").status_code == 401
    r = post(client, {"username": "window_a", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert r.status_code == 429 and r.json()["error"]["code"] == "login_throttled"
    assert post(client, {"username": "window_a", "password": PASSWORD}, REMOTE_ADDR="10.1.2.4").status_code == 200


def test_the_openapi_document_names_otp_and_logout(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/auth/logout" in doc["paths"]
    schema = doc["components"]["schemas"]["TokenIn"]
    assert "otp" in schema["properties"] and "otp" not in schema.get("required", [])
