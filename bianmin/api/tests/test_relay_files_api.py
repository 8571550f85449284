"""材料照片 through the API (issue 13 item 7): ``POST /relays/{number}/files`` as multipart, generated from
``relay.actions_files`` like the case's upload; a retry with the same Idempotency-Key stores one file."""
import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.relay.models import RelayFile
from bianmin.relay.tests.helpers import register
from bianmin.relay.tests.test_files import MAKE, photo
from conftest import api_token_headers

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


@pytest.mark.endpoint("POST", "/api/v1/relays/{number}/files")
@time_machine.travel(FROZEN, tick=False)
def test_the_agent_uploads_a_photo_once_however_often_the_phone_retries(client, cast, item):
    relay = register(cast)
    agent = {**api_token_headers(client, "agent"), "Idempotency-Key": "photo-1"}
    url = f"/api/v1/relays/{relay.number}/files"
    first = client.post(url, {"file": photo(), "material_name": "申请书"}, headers=agent)
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["relay"], body["material_name"], body["original_name"]) == (relay.number, "申请书", "IMG_0001.jpg")
    again = client.post(url, {"file": photo(), "material_name": "申请书"}, headers=agent)
    assert again.status_code == 201 and again.json() == body and again["Idempotent-Replayed"] == "true"
    stored = RelayFile.objects.get()
    assert stored.size == body["size"] and MAKE.encode() not in stored.file.open("rb").read()


@time_machine.travel(FROZEN, tick=False)
def test_bad_uploads_name_the_field_and_store_nothing(client, cast, item):
    relay = register(cast)
    url = f"/api/v1/relays/{relay.number}/files"
    agent, town = api_token_headers(client, "agent"), api_token_headers(client, "town_window")
    r = client.post(url, {"file": SimpleUploadedFile("a.txt", b"x", content_type="text/plain")}, headers=agent)
    assert r.status_code == 400 and list(r.json()["error"]["fields"]) == ["file"]
    r = client.post(url, {"material_name": "申请书"}, headers=agent)
    assert r.status_code == 400 and r.json()["error"]["fields"] == {"file": ["请选择要上传的文件或拍照"]}
    r = client.post(url, {"file": photo(), "material_name": "户口簿"}, headers=agent)
    assert r.status_code == 400 and list(r.json()["error"]["fields"]) == ["material_name"]
    r = client.post(url, {"file": photo()}, headers=town)  # the station holds the materials, not the town
    assert r.status_code == 403
    r = client.post("/api/v1/relays/DBX/files", {"file": photo()}, headers=agent)
    assert r.status_code == 404
    assert not RelayFile.objects.exists()
