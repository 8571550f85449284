"""The system administrator edits 会议制度 and 首席责任人 in the admin; each change is validated and audited."""

import pytest

from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.org.models import Cadence, MeetingCadence, Unit, UnitKind
from conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, cast):
    sign_in(client, cast["sysadmin"])
    return client


def config_entries(label):
    return AuditEntry.objects.filter(action=AuditAction.CONFIG_UPDATE, object_type=label)


def test_changing_a_cadence_is_audited(admin_client, cast):
    row = MeetingCadence.objects.get(unit_kind=UnitKind.COUNTY_CENTER)
    url = f"/admin/org/meetingcadence/{row.pk}/change/"
    assert "联席会议周期" in admin_client.get(url).content.decode()
    r = admin_client.post(url, {"unit_kind": "COUNTY_CENTER", "joint_cadence": "QUARTERLY",
                                "regular_cadence": "MONTHLY"})
    assert r.status_code == 302
    row.refresh_from_db()
    assert (row.joint_cadence, row.regular_cadence) == (Cadence.QUARTERLY, Cadence.MONTHLY)
    entry = config_entries("org.MeetingCadence").get()
    assert entry.actor == cast["sysadmin"] and entry.object_id == str(row.pk)
    assert entry.summary == "修改会议制度：县政务服务中心" and "联席会议周期" in entry.data["change"]


@pytest.mark.parametrize(("joint", "regular", "field", "message"), [
    ("MONTHLY", "QUARTERLY", "regular_cadence", "工作例会周期不能长于联席会议周期"),
    ("DAILY", "", "joint_cadence", "DAILY 不在可用的选项中"),
])
def test_an_invalid_cadence_is_refused_on_its_field(admin_client, joint, regular, field, message):
    row = MeetingCadence.objects.get(unit_kind=UnitKind.TOWN_CENTER)
    r = admin_client.post(f"/admin/org/meetingcadence/{row.pk}/change/",
                          {"unit_kind": "TOWN_CENTER", "joint_cadence": joint, "regular_cadence": regular})
    assert r.status_code == 200
    errors = r.context["adminform"].form.errors
    assert list(errors) == [field] and message in errors[field][0]
    row.refresh_from_db()
    assert (row.joint_cadence, row.regular_cadence) == (Cadence.MONTHLY, Cadence.WEEKLY)
    assert not config_entries("org.MeetingCadence").exists()


def unit_form(unit: Unit, **changes) -> dict:
    data = {"code": unit.code, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
            "region": unit.region_id, "parent": unit.parent_id or "", "address": unit.address, "phone": unit.phone,
            "complaint_phone": unit.complaint_phone, "hours": unit.hours, "is_active": "on",
            "chief_responsible": ""}
    return data | changes


def test_naming_a_chief_is_validated_and_audited(admin_client, cast, org):
    town = org["town_center"]
    url = f"/admin/org/unit/{town.pk}/change/"
    assert "首席责任人" in admin_client.get(url).content.decode()
    r = admin_client.post(url, unit_form(town, chief_responsible=cast["agent"].staff_profile.pk))
    assert r.status_code == 200
    errors = r.context["adminform"].form.errors
    assert list(errors) == ["chief_responsible"] and "首席责任人须为本单位或上级单位的工作人员" in errors[
        "chief_responsible"][0]
    assert Unit.objects.get(pk=town.pk).chief_responsible is None and not config_entries("org.Unit").exists()
    leader = cast["leader"].staff_profile
    r = admin_client.post(url, unit_form(town, chief_responsible=leader.pk))
    assert r.status_code == 302 and Unit.objects.get(pk=town.pk).chief_responsible == leader
    entry = config_entries("org.Unit").get()
    assert entry.object_id == str(town.pk) and "首席责任人" in entry.data["change"]
