"""Registration at the village station, hand-overs, signatures, refusals and the case opened at the deciding unit."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.audit.models import AuditEntry
from bianmin.cases.models import Case, CaseMaterial
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.relay import services as svc
from bianmin.relay.models import HandOver, RelayMaterial, RelayRequest, RelayStatus
from bianmin.relay.receipt import receipt_pdf
from bianmin.testing.factories import MON, applicant, at

from .helpers import GOOD, SENT, register

pytestmark = pytest.mark.django_db
TUE, WED, THU = MON + dt.timedelta(days=1), MON + dt.timedelta(days=2), MON + dt.timedelta(days=3)


def test_register_pins_the_item_and_routes_a_county_item_to_its_department(cast, org, item):
    relay = register(cast)
    assert relay.number.startswith(f"DBV1{MON.year}") and len(relay.query_code) == 8
    assert relay.item_version_id == item.pk and relay.status == RelayStatus.REGISTERED
    assert relay.origin_unit == org["station"] and relay.origin_path == org["station"].path
    assert relay.deciding_unit == org["dept"] and relay.deciding_path == org["dept"].path
    assert [stop["id"] for stop in relay.route] == [org["station"].pk, org["town_center"].pk, org["dept"].pk]
    assert relay.agent == cast["agent"].staff_profile and relay.responsible is None
    assert relay.mandate_signed_on_screen and relay.mandate_signed_at == at(MON)
    # personal data stored as on a case: encrypted, indexed, masked
    assert relay.applicant_phone_masked != "13800138000" and relay.applicant_id_index
    lines = {m.name: (m.copies, m.received_as) for m in RelayMaterial.objects.filter(relay=relay)}
    assert lines == {"申请书": (1, "PAPER"), "营业执照": (0, "SHARED"), "场所平面图": (2, "PAPER")}
    # two hops of 3 working days (Mon 2nd → Thu 5th → Tue 10th), then 10 committed working days (→ Tue 24th)
    assert relay.expected_on == dt.date(2026, 3, 24)
    assert AuditEntry.objects.filter(object_type="relay.RelayRequest", object_id=str(relay.pk)).exists()
    assert not any("fee" in f.name for f in RelayRequest._meta.get_fields())  # agency is free: no fee field


def test_the_receipt_names_route_limits_people_lookup_and_free_agency(cast, org, item):
    org["town_center"].phone = "0799-6100000"
    org["town_center"].save()
    cast["agent"].staff_profile.phone = "13900000001"
    cast["agent"].staff_profile.save()
    relay = register(cast)
    body = relay.receipt["body"]
    assert "测试村便民服务站 → 测试镇便民服务中心 → 测试县市场监督管理局" in body
    assert "3个工作日内送达（2026-03-05前）" in body and "3个工作日内送达（2026-03-10前）" in body
    assert "agent姓名，电话 13900000001" in body and "0799-6100000" in body
    assert "代办免费（仅收取法定费用）" in body and relay.number in body and relay.query_code in body
    assert relay.receipt["expected_end"] == "2026-03-24"
    pdf = receipt_pdf(relay, lookup_url="https://example.test/lookup/")
    assert pdf.startswith(b"%PDF")


def test_a_town_item_is_decided_at_the_town(cast, org, town_item):
    relay = register(cast, code="ZJ-01")
    assert relay.deciding_unit == org["town_center"]
    assert [stop["id"] for stop in relay.route] == [org["station"].pk, org["town_center"].pk]
    assert relay.expected_on == dt.date(2026, 3, 12)  # Thu 5th + 5 working days


def test_a_county_item_without_department_goes_to_the_county_center(cast, org, calendar):
    from bianmin.catalog.services import create_item
    from bianmin.testing.factories import MATERIALS, NOW, item_content

    create_item(actor=cast["sysadmin"], code="XJ-01", basic_code="XJ", content=item_content(name="县级事项"),
                materials=MATERIALS, fees=[], faqs=[], now=NOW, publish=True)
    assert register(cast, code="XJ-01").deciding_unit == org["center"]


def test_registration_refuses_bad_input_naming_each_field(cast, item, village_item):
    with pytest.raises(DomainError) as err:
        register(cast, applicant=applicant(id_number="110105194912310021", phone="12"),
                 materials=[{"material": "户口本", "copies": 1}, {"material": "申请书", "copies": 120},
                            {"material": "场所平面图", "copies": 1}], mandate="")
    assert set(err.value.fields) == {"applicant.id_number", "applicant.phone", "materials.0.material",
                                     "materials.1.copies", "mandate"}
    with pytest.raises(DomainError) as err:
        register(cast, code="CJ-01")
    assert "无需代办" in err.value.fields["item"][0]
    with pytest.raises(DomainError) as err:
        register(cast, code="NOPE")
    assert "item" in err.value.fields
    with pytest.raises(DomainError) as err:
        register(cast, materials=[])
    assert "materials" in err.value.fields
    assert not RelayRequest.objects.exists()


def test_only_an_agent_at_a_village_station_registers(cast, item, town_agent):
    for who in (cast["window_a"], cast["town_window"], town_agent):
        with pytest.raises(Forbidden):
            register(cast, actor=who)
    assert not RelayRequest.objects.exists()


def test_a_mandate_handed_in_is_a_material_line(cast, item):
    relay = register(cast, mandate="MATERIAL")
    assert relay.mandate_material and not relay.mandate_signed_on_screen
    assert RelayMaterial.objects.filter(relay=relay, name=svc.MANDATE_MATERIAL, copies=1).exists()
    hop = svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON))
    assert {"name": svc.MANDATE_MATERIAL, "copies": 1} in hop.materials


def test_the_route_village_town_department_opens_the_case_at_the_department(cast, org, item, dept_window):
    relay = register(cast)
    hop = svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON, 10))
    assert (hop.seq, hop.from_unit, hop.to_unit, hop.due_on, hop.yellow_on) == (
        1, org["station"], org["town_center"], THU, WED)
    assert hop.materials == SENT and hop.from_staff == cast["agent"].staff_profile
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(TUE))
    relay.refresh_from_db()
    assert relay.status == RelayStatus.AT_TOWN and relay.holder_unit == org["town_center"]
    assert relay.responsible == cast["town_window"].staff_profile  # the town's signer is the 代理责任人
    assert relay.case is None
    up = svc.hand_over(actor=cast["town_window"], number=relay.number, now=at(TUE, 11))
    assert (up.seq, up.to_unit, up.due_on) == (2, org["dept"], dt.date(2026, 3, 6))
    svc.sign_for(actor=dept_window, number=relay.number, materials=SENT, now=at(WED))
    relay.refresh_from_db()
    case = relay.case
    assert relay.status == RelayStatus.OPENED and isinstance(case, Case)
    assert case.unit == org["dept"] and case.received_at == at(WED) and case.status == "RECEIVED"
    assert case.applicant_name == "张三" and case.applicant_id_number == relay.applicant_id_number
    copies = dict(CaseMaterial.objects.filter(case=case).values_list("name", "copies"))
    assert copies["申请书"] == 1 and copies["场所平面图"] == 2
    assert relay.responsible == cast["town_window"].staff_profile  # unchanged by the department
    with pytest.raises(Conflict):
        svc.hand_over(actor=dept_window, number=relay.number, now=at(WED))


def test_a_town_item_opens_the_case_at_the_town_signature(cast, org, town_item):
    relay = register(cast, code="ZJ-01")
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON))
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(TUE))
    relay.refresh_from_db()
    assert relay.status == RelayStatus.OPENED and relay.case.unit == org["town_center"]
    assert relay.responsible == cast["town_window"].staff_profile


def test_a_count_that_differs_is_refused_naming_the_material_and_nothing_changes(cast, item):
    relay = register(cast)
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON))
    with pytest.raises(DomainError) as err:
        svc.sign_for(actor=cast["town_window"], number=relay.number,
                     materials=[{"name": "申请书", "copies": 1}, {"name": "场所平面图", "copies": 1}], now=at(TUE))
    assert list(err.value.fields) == ["materials.场所平面图"]
    assert HandOver.objects.get(relay=relay).status == "SENT"


def test_a_hop_is_signed_once(cast, item):
    relay = register(cast)
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON))
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(TUE))
    with pytest.raises(Conflict) as err:
        svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(TUE))
    assert err.value.code == "no_open_hand_over"
    with pytest.raises(Conflict):
        svc.refuse_hand_over(actor=cast["town_window"], number=relay.number, reason="x", now=at(TUE))


def test_a_refused_hop_returns_to_the_sender_who_sends_again(cast, item):
    relay = register(cast)
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON))
    with pytest.raises(DomainError) as err:
        svc.refuse_hand_over(actor=cast["town_window"], number=relay.number, reason=" ", now=at(TUE))
    assert "reason" in err.value.fields
    hop = svc.refuse_hand_over(actor=cast["town_window"], number=relay.number, reason="场所平面图少1份",
                               now=at(TUE))
    assert (hop.status, hop.refusal_reason, hop.refused_by) == ("REFUSED", "场所平面图少1份",
                                                                 cast["town_window"].staff_profile)
    relay.refresh_from_db()
    assert relay.status == RelayStatus.REGISTERED and relay.responsible is None
    again = svc.hand_over(actor=cast["agent"], number=relay.number, now=at(WED))
    assert again.seq == 2 and again.due_on == dt.date(2026, 3, 9)


def test_who_may_send_and_sign(cast, org, item, dept_window, town_agent):
    relay = register(cast)
    with pytest.raises(Forbidden):  # not the holder
        svc.hand_over(actor=cast["town_window"], number=relay.number, now=at(MON))
    with pytest.raises(Forbidden):  # the deciding department sees it, but does not hold it
        svc.hand_over(actor=dept_window, number=relay.number, now=at(MON))
    with pytest.raises(NotFound):  # no relay permission: out of sight, as if missing
        svc.hand_over(actor=cast["nobody"], number=relay.number, now=at(MON))
    with pytest.raises(DomainError) as err:
        svc.hand_over(actor=cast["agent"], number=relay.number, materials=[{"name": "户口本", "copies": 1}],
                      now=at(MON))
    assert "materials.0.name" in err.value.fields
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON))
    with pytest.raises(Conflict):  # one hop waits at a time
        svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON))
    with pytest.raises(Forbidden):  # the sender cannot sign its own hop
        svc.sign_for(actor=cast["agent"], number=relay.number, materials=SENT, now=at(TUE))
    svc.sign_for(actor=town_agent, number=relay.number, materials=SENT, now=at(TUE))  # a town agent may sign
    svc.hand_over(actor=town_agent, number=relay.number, now=at(TUE))
    with pytest.raises(Forbidden):  # an agent cannot open the case at the deciding unit
        svc.sign_for(actor=cast["window_a"], number=relay.number, materials=SENT, now=at(WED))


def test_materials_default_to_everything_received(cast, item):
    relay = register(cast, materials=GOOD[:1])
    hop = svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON))
    assert hop.materials == [{"name": "申请书", "copies": 1}]
