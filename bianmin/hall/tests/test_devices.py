"""The hall's devices (decision 0025 §4): a supervisor issues a screen or a kiosk for a center in scope; the one-time
code is exchanged once for a device token; only digests are stored; a revoked device stops at once."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model

from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.cases.lookup import TooManyRequests
from bianmin.core.devicecodes import digest
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.hall.devices import (
    activate_device,
    device_for_token,
    devices_of,
    issue_device,
    manageable_units,
    revoke_device,
)
from bianmin.hall.models import DeviceKind, HallDevice
from bianmin.hall.state import bump
from conftest import make_user, sign_in

from .screen_helpers import NOON

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_supervisor(org):
    return make_user(get_user_model(), "town_sup", Role.SUPERVISOR, org["town_center"])


def test_issue_stores_only_digests_and_the_code_works_once(cast, org):
    device, code = issue_device(actor=cast["supervisor"], unit_id=org["center"].pk, kind=DeviceKind.SCREEN,
                                label=" 一楼大厅显示屏 ", now=NOON)
    assert device.label == "一楼大厅显示屏" and device.kind == DeviceKind.SCREEN and device.unit == org["center"]
    assert len(code) == 10 and code not in (device.activation_hash, device.token_hash)
    assert device.activation_hash == digest(code)
    assert device.activation_expires_at == NOON + dt.timedelta(hours=24)
    assert device_for_token(code, kind=DeviceKind.SCREEN, now=NOON) is None  # the code is not a token
    later = NOON + dt.timedelta(hours=1)
    activated, token = activate_device(code=code.lower()[:5] + "-" + code[5:], now=later)  # as typed
    assert activated.pk == device.pk and activated.activation_hash == "" and activated.token_hash == digest(token)
    assert activated.activated_at == later and activated.last_seen_at == later
    found = device_for_token(token, kind=DeviceKind.SCREEN, now=later)
    assert found is not None and found.pk == device.pk and found.unit == org["center"]
    assert device_for_token(token, kind=DeviceKind.KIOSK, now=later) is None  # a screen is no kiosk
    with pytest.raises(NotFound) as again:
        activate_device(code=code, now=later)
    assert "code" in again.value.fields


def test_the_token_lookup_reads_the_centers_version_in_the_same_query(cast, org, django_assert_num_queries):
    device, code = issue_device(actor=cast["supervisor"], unit_id=org["center"].pk, kind=DeviceKind.SCREEN,
                                label="屏", now=NOON)
    _, token = activate_device(code=code, now=NOON)
    with django_assert_num_queries(1):
        assert device_for_token(token, kind=DeviceKind.SCREEN, now=NOON).hall_version == 0
    bump(org["center"].pk, NOON)
    bump(org["center"].pk, NOON)
    with django_assert_num_queries(1):
        found = device_for_token(token, kind=DeviceKind.SCREEN, now=NOON)
        assert found.hall_version == 2 and found.unit.name == org["center"].name


def test_an_expired_code_and_a_wrong_code_are_refused_alike(cast, org):
    _, code = issue_device(actor=cast["supervisor"], unit_id=org["center"].pk, kind=DeviceKind.KIOSK, label="取号机",
                           now=NOON)
    with pytest.raises(NotFound) as late:
        activate_device(code=code, now=NOON + dt.timedelta(hours=24, seconds=1))
    with pytest.raises(NotFound) as wrong:
        activate_device(code="ABCDEFGHJK", now=NOON)
    with pytest.raises(NotFound) as empty:
        activate_device(code="  ", now=NOON)
    assert late.value.message == wrong.value.message == empty.value.message


def test_a_code_of_the_other_kind_is_refused_and_stays_usable(cast, org):
    _, code = issue_device(actor=cast["supervisor"], unit_id=org["center"].pk, kind=DeviceKind.KIOSK, label="取号机",
                           now=NOON)
    with pytest.raises(DomainError) as refused:
        activate_device(code=code, kind=DeviceKind.SCREEN, now=NOON)
    assert refused.value.status == 400 and "取号机" in refused.value.fields["code"][0]
    assert "/kiosk/activate/" in refused.value.fields["code"][0]
    device, _ = activate_device(code=code, kind=DeviceKind.KIOSK, now=NOON)
    assert device.kind == DeviceKind.KIOSK


def test_only_supervisors_of_the_scope_issue_and_revoke(cast, org, town_supervisor):
    for member in ("window_a", "leader", "sysadmin"):
        with pytest.raises(Forbidden):
            issue_device(actor=cast[member], unit_id=org["center"].pk, kind=DeviceKind.SCREEN, label="屏", now=NOON)
    with pytest.raises(NotFound) as out_of_scope:
        issue_device(actor=town_supervisor, unit_id=org["center"].pk, kind=DeviceKind.SCREEN, label="屏", now=NOON)
    assert "unit" in out_of_scope.value.fields
    with pytest.raises(NotFound) as department:  # a department has no hall
        issue_device(actor=cast["supervisor"], unit_id=org["dept"].pk, kind=DeviceKind.SCREEN, label="屏", now=NOON)
    assert "unit" in department.value.fields
    with pytest.raises(DomainError) as no_unit:
        issue_device(actor=cast["supervisor"], unit_id="abc", kind=DeviceKind.SCREEN, label="屏", now=NOON)
    assert "unit" in no_unit.value.fields
    town, _ = issue_device(actor=cast["supervisor"], unit_id=org["town_center"].pk, kind=DeviceKind.SCREEN,
                           label="镇中心屏", now=NOON)  # a center below the county
    county, _ = issue_device(actor=cast["supervisor"], unit_id=org["center"].pk, kind=DeviceKind.SCREEN,
                             label="县中心屏", now=NOON)
    with pytest.raises(NotFound):
        revoke_device(actor=town_supervisor, device_id=county.pk, now=NOON)
    with pytest.raises(Forbidden):
        revoke_device(actor=cast["window_a"], device_id=county.pk, now=NOON)
    with pytest.raises(NotFound):
        revoke_device(actor=cast["supervisor"], device_id="x", now=NOON)
    assert HallDevice.objects.get(pk=county.pk).revoked_at is None
    assert [u.code for u in manageable_units(town_supervisor)] == ["T1", "V1"]  # the town and its villages
    assert {u.code for u in manageable_units(cast["supervisor"])} == {"C1", "T1", "V1"}
    assert [d.pk for d in devices_of(town_supervisor)] == [town.pk]
    assert {d.pk for d in devices_of(cast["supervisor"])} == {town.pk, county.pk}
    assert devices_of(cast["window_a"]) == []


@pytest.mark.parametrize(("kind", "label", "field"), [
    ("PAD", "屏", "kind"), ("", "屏", "kind"), (DeviceKind.SCREEN, "  ", "label"),
    (DeviceKind.SCREEN, "屏" * 65, "label"),
])
def test_bad_input_names_the_field(cast, org, kind, label, field):
    with pytest.raises(DomainError) as refused:
        issue_device(actor=cast["supervisor"], unit_id=org["center"].pk, kind=kind, label=label, now=NOON)
    assert field in refused.value.fields and refused.value.status == 400
    assert not HallDevice.objects.exists()


def test_a_revoked_device_stops_at_once_and_its_unused_code_too(cast, org):
    device, code = issue_device(actor=cast["supervisor"], unit_id=org["center"].pk, kind=DeviceKind.SCREEN,
                                label="屏", now=NOON)
    _, token = activate_device(code=code, now=NOON)
    revoke_device(actor=cast["supervisor"], device_id=device.pk, now=NOON)
    assert device_for_token(token, kind=DeviceKind.SCREEN, now=NOON) is None
    with pytest.raises(Conflict) as twice:
        revoke_device(actor=cast["supervisor"], device_id=device.pk, now=NOON)
    assert twice.value.code == "already_revoked"
    unused, code = issue_device(actor=cast["supervisor"], unit_id=org["center"].pk, kind=DeviceKind.KIOSK,
                                label="取号机", now=NOON)
    revoke_device(actor=cast["supervisor"], device_id=unused.pk, now=NOON)
    with pytest.raises(NotFound):
        activate_device(code=code, now=NOON)


def test_last_seen_is_written_at_most_once_a_minute(cast, org, django_assert_num_queries):
    device, code = issue_device(actor=cast["supervisor"], unit_id=org["center"].pk, kind=DeviceKind.SCREEN,
                                label="屏", now=NOON)
    _, token = activate_device(code=code, now=NOON)
    with django_assert_num_queries(1):  # a poll 30 s later: no write
        device_for_token(token, kind=DeviceKind.SCREEN, now=NOON + dt.timedelta(seconds=30))
    assert HallDevice.objects.get(pk=device.pk).last_seen_at == NOON
    with django_assert_num_queries(2):  # a minute later: one UPDATE
        device_for_token(token, kind=DeviceKind.SCREEN, now=NOON + dt.timedelta(minutes=1))
    assert HallDevice.objects.get(pk=device.pk).last_seen_at == NOON + dt.timedelta(minutes=1)
    assert device_for_token("x" * 129, kind=DeviceKind.SCREEN, now=NOON) is None
    assert device_for_token(None, kind=DeviceKind.SCREEN, now=NOON) is None


def test_every_change_is_audited(cast, org):
    device, code = issue_device(actor=cast["supervisor"], unit_id=org["center"].pk, kind=DeviceKind.SCREEN,
                                label="屏", now=NOON)
    activate_device(code=code, ip="192.0.2.7", now=NOON)
    revoke_device(actor=cast["supervisor"], device_id=device.pk, now=NOON)
    rows = list(AuditEntry.objects.filter(object_id=str(device.pk), object_type="hall.HallDevice").order_by("seq"))
    assert [r.action for r in rows] == [AuditAction.CONFIG_CREATE, AuditAction.CONFIG_UPDATE,
                                        AuditAction.CONFIG_UPDATE]
    assert "发放大厅显示屏" in rows[0].summary and rows[0].actor_username == "supervisor"
    assert "启用大厅显示屏" in rows[1].summary and rows[1].actor_username == "screen"
    assert "吊销大厅显示屏" in rows[2].summary
    assert all(code not in r.summary for r in rows)


def test_activation_is_throttled_per_address(db):
    for _ in range(10):
        with pytest.raises(NotFound):
            activate_device(code="GUESS12345", ip="198.51.100.9", now=NOON)
    with pytest.raises(TooManyRequests):
        activate_device(code="GUESS12345", ip="198.51.100.9", now=NOON)
    with pytest.raises(NotFound):  # another address is not held back
        activate_device(code="GUESS12345", ip="198.51.100.10", now=NOON)


# --- the supervisor's page ----------------------------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_the_supervisor_issues_and_revokes_on_the_devices_page(client, cast, org, town_supervisor):
    sign_in(client, cast["supervisor"])
    page = client.get("/staff/devices/").content.decode()
    assert "测试县政务服务中心" in page and "测试镇便民服务中心" in page and "测试县市场监督管理局" not in page
    r = client.post("/staff/devices/", {"action": "issue", "unit": org["center"].pk, "kind": "SCREEN",
                                        "label": "县中心大屏甲"})
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    text = r.content.decode()
    code = re.search(r'id="activation-code">([A-Z0-9]+)<', text).group(1)
    assert "/screen/activate/" in text
    device = HallDevice.objects.get()
    assert activate_device(code=code, now=NOON)[0] == device
    listing = client.get("/staff/devices/").content.decode()
    assert code not in listing and "县中心大屏甲" in listing and "使用中" in listing  # the code is shown once
    assert 'data-confirm="吊销后该设备立即失效，确定吊销吗？"' in listing  # revoking asks first
    r = client.post("/staff/devices/", {"action": "issue", "unit": org["center"].pk, "kind": "KIOSK", "label": ""})
    assert r.status_code == 400 and "设备名称" in r.content.decode()
    r = client.post("/staff/devices/", {"action": "issue", "unit": org["dept"].pk, "kind": "KIOSK", "label": "取号机"})
    assert r.status_code == 404 and "不在您的管辖范围内" in r.content.decode()
    sign_in(client, town_supervisor)
    assert client.post("/staff/devices/", {"action": "revoke", "device": device.pk}).status_code == 404
    assert "县中心大屏甲" not in client.get("/staff/devices/").content.decode()
    sign_in(client, cast["window_a"])
    assert client.post("/staff/devices/", {"action": "revoke", "device": device.pk}).status_code == 403
    sign_in(client, cast["supervisor"])
    r = client.post("/staff/devices/", {"action": "revoke", "device": device.pk})
    assert r.status_code == 302 and r["Location"] == "/staff/devices/"
    assert HallDevice.objects.get().revoked_at == NOON
    assert "已吊销" in client.get("/staff/devices/").content.decode()
    r = client.post("/staff/devices/", {"action": "revoke", "device": device.pk})
    assert r.status_code == 409 and "已吊销" in r.content.decode()
