"""The auditor can write nothing; VIEW_FULL_PERSONAL_DATA is what reveals a full ID or phone (issue 11 item 10)."""
import pytest

from bianmin.accounts.policies import can
from bianmin.accounts.roles import ROLE_PERMS, Perm, Role
from bianmin.cases import services as svc
from bianmin.core.errors import Forbidden
from bianmin.inquiries import services as inq
from bianmin.org.models import Absence
from bianmin.org.services import register_absence
from bianmin.testing.factories import ALL_GOOD, ID, MONDAY, applicant
from conftest import NOW, sign_in

pytestmark = pytest.mark.django_db


def test_the_auditor_holds_only_the_read_audit_permission(cast):
    assert ROLE_PERMS[Role.AUDITOR] == {Perm.VIEW_AUDIT}
    assert [p for p in Perm if can(cast["auditor"], p)] == [Perm.VIEW_AUDIT]


def test_the_auditor_cannot_register_an_absence(client, cast):
    auditor = cast["auditor"]
    day = {"kind": "LEAVE", "start_date": "2026-03-02", "end_date": "2026-03-03"}
    sign_in(client, auditor)
    assert client.post("/staff/acting/", {**day, "staff": auditor.staff_profile.pk}).status_code == 403
    with pytest.raises(Forbidden):
        register_absence(actor=auditor, staff=auditor.staff_profile, kind="LEAVE", start_date=NOW.date(),
                         end_date=NOW.date(), now=NOW)
    assert not Absence.objects.exists()
    assert client.get("/staff/").status_code == 200 and client.get("/staff/audit/").status_code == 200


def test_view_full_personal_data_is_held_by_window_staff_agents_and_supervisors_only(cast):
    holders = {role for role, perms in ROLE_PERMS.items() if Perm.VIEW_FULL_PERSONAL_DATA in perms}
    assert holders == {Role.WINDOW, Role.AGENT, Role.SUPERVISOR}


@pytest.mark.usefixtures("item")  # the published item SP-01
def test_revealing_a_case_applicants_id_needs_view_full_personal_data(cast):
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=MONDAY)
    for name in ("leader", "sysadmin", "secadmin", "auditor"):
        with pytest.raises(Forbidden):
            svc.reveal_personal_data(actor=cast[name], number=case.number, field="id_number", reason="核对",
                                     now=MONDAY)
    for name in ("window_a", "supervisor"):
        assert svc.reveal_personal_data(actor=cast[name], number=case.number, field="id_number", reason="核对",
                                        now=MONDAY) == ID


def test_revealing_an_inquiry_callers_phone_needs_view_full_personal_data(cast):
    inquiry = inq.register_inquiry(actor=cast["leader"], channel="PHONE", matter="咨询", visitor_name="李四",
                                   phone="13911112222", now=NOW)
    with pytest.raises(Forbidden):  # the leader took the call, but may not reveal
        inq.reveal_phone(actor=cast["leader"], number=inquiry.number, reason="回电", now=NOW)
    inquiry = inq.register_inquiry(actor=cast["window_a"], channel="PHONE", matter="咨询", visitor_name="李四",
                                   phone="13911112222", now=NOW)
    assert inq.reveal_phone(actor=cast["window_a"], number=inquiry.number, reason="回电", now=NOW) == "13911112222"
