"""Intake before acceptance (``cases.services.intake``): the checklist, 当场更正, the one-time 补正 notice,
resubmission, the intake timer and deemed acceptance (DOMAIN.md §2.4, Art. 32; decisions 0013, 0015 §5)."""
import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent, CaseMaterial
from bianmin.cases.workflow import Status
from bianmin.catalog.models import ItemKind, KindRule
from bianmin.core.errors import Conflict, DomainError, Forbidden
from bianmin.testing.cases import receive, receive_and_serve_supplement
from bianmin.testing.factories import ALL_GOOD, MONDAY, applicant, at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("copies", [-1, 100, "两份", "2份"])
def test_copies_out_of_range_name_the_material(cast, item, copies):
    with pytest.raises(DomainError) as exc:
        receive(cast, materials=[{"material": "申请书", "copies": copies}])
    assert "materials.0.copies" in exc.value.fields and "申请书" in exc.value.fields["materials.0.copies"][0]
    assert not Case.objects.exists()

def test_credit_code_override_skips_only_the_checksum(cast, item):
    org = {"kind": "ORGANISATION", "name": "某公司", "legal_rep": "李四", "phone": "13800138000",
           "credit_code_override_reason": "2015年试点代码，已电话核实"}
    with pytest.raises(DomainError) as exc:
        svc.receive_case(actor=cast["window_a"], item_code="SP-01", materials=ALL_GOOD, now=MONDAY,
                         applicant={**org, "credit_code": "I" * 18})
    assert "applicant.credit_code" in exc.value.fields
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", materials=ALL_GOOD, now=MONDAY,
                            applicant={**org, "credit_code": "91350100M000100Y44"})  # checksum wrong only
    assert case.applicant_credit_code == "91350100M000100Y44"

def test_travel_permits_and_agents_passports_are_checked_for_format_only(cast, item):
    case = receive(cast, id_type="HMT_TRAVEL", id_number="h01234567")
    assert case.applicant_id_number == "H01234567"
    with pytest.raises(DomainError) as exc:
        receive(cast, id_type="HMT_PERMIT", id_number="H01234567")  # residence permits keep the checksum
    assert "applicant.id_number" in exc.value.fields
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=MONDAY, agent={"name": "John Smith", "id_type": "PASSPORT",
                                               "id_number": "E1234567", "phone": "13800138001",
                                               "authorization": "授权委托书"})
    assert (case.agent_id_type, case.agent_id_number) == ("PASSPORT", "E1234567")
    with pytest.raises(DomainError) as exc:
        svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                         now=MONDAY, agent={"name": "王五", "id_number": "110105194912310021",
                                            "phone": "13800138001", "authorization": "授权委托书"})
    assert "agent.id_number" in exc.value.fields  # a resident ID (the default) keeps its checksum

def test_only_the_receiving_unit_updates_the_checklist(cast, item):
    case = receive(cast, who="town_window")
    with pytest.raises(Forbidden):
        svc.update_materials(actor=cast["window_a"], number=case.number, now=MONDAY,
                             materials=[{"material": "申请书", "acceptable": False}])
    assert CaseMaterial.objects.get(case=case, name="申请书").acceptable

def test_fixing_on_the_spot_makes_the_named_materials_acceptable(cast, item):
    w = cast["window_a"]
    case = receive(cast, materials=[{"material": "申请书", "acceptable": False, "problem": "日期笔误"},
                                    {"material": "场所平面图"}])
    with pytest.raises(Conflict):
        svc.accept_case(actor=w, number=case.number, now=MONDAY)
    with pytest.raises(DomainError) as exc:
        svc.fix_on_spot(actor=w, number=case.number, note="x", materials=["不存在的材料"], now=MONDAY)
    assert "materials" in exc.value.fields
    svc.fix_on_spot(actor=w, number=case.number, note="申请人当场更正日期", materials=["申请书"], now=MONDAY)
    line = CaseMaterial.objects.get(case=case, name="申请书")
    assert line.acceptable and line.problem == ""
    assert case.events.get(action="FIX_ON_SPOT").data["materials"] == ["申请书"]
    assert svc.accept_case(actor=w, number=case.number, now=MONDAY).status == Status.ACCEPTED

def test_the_supplement_notice_is_drafted_from_the_intake_checklist_in_one_go(cast, item):
    w = cast["window_a"]
    case = receive(cast, materials=[{"material": "申请书", "acceptable": False, "problem": "未签字"},
                                    {"material": "场所平面图", "received_as": "MISSING"}])  # 容缺: not listed
    svc.add_supplement_line(actor=w, number=case.number, material="申请书", problem="未签字", now=MONDAY)
    with pytest.raises(Conflict):  # the only deficient line is already on the draft
        svc.draft_supplement_from_checklist(actor=w, number=case.number, now=MONDAY)
    CaseMaterial.objects.filter(case=case, name="营业执照").update(acceptable=False, problem="已过期")
    assert svc.draft_supplement_from_checklist(actor=w, number=case.number, now=MONDAY) == 1
    notice = svc.serve_supplement_notice(actor=w, number=case.number, now=MONDAY)
    assert [(line["material"], line["problem"]) for line in notice.content["lines"]] == [
        ("申请书", "未签字"), ("营业执照", "已过期")]
    with pytest.raises(Forbidden):  # only the receiving unit, as for every intake step
        svc.draft_supplement_from_checklist(actor=w, number=receive(cast, who="town_window").number, now=MONDAY)

def test_a_resubmission_names_what_was_supplied(cast, item):
    w = cast["window_a"]
    case = receive(cast, materials=[{"material": "申请书", "acceptable": False, "problem": "未签字"},
                                    {"material": "场所平面图"}])
    svc.add_supplement_line(actor=w, number=case.number, material="申请书", problem="未签字", now=MONDAY)
    svc.serve_supplement_notice(actor=w, number=case.number, now=MONDAY)
    with pytest.raises(DomainError) as exc:
        svc.resubmit(actor=w, number=case.number, materials=[], now=MONDAY)
    assert "materials" in exc.value.fields
    assert Case.objects.get(pk=case.pk).status == Status.SUPPLEMENT

def test_a_refused_resubmission_leaves_the_checklist_untouched(cast, item):
    case = receive(cast)  # RECEIVED: never given a 补正 notice, so resubmission is refused
    with pytest.raises(Conflict):
        svc.resubmit(actor=cast["window_a"], number=case.number, now=MONDAY,
                     materials=[{"material": "场所平面图", "received_as": "MISSING", "acceptable": False}])
    line = CaseMaterial.objects.get(case=case, name="场所平面图")
    assert line.received_as == "PAPER" and not line.supplied_after_notice
    assert not CaseEvent.objects.filter(case=case, action="MATERIALS_UPDATED").exists()

def test_a_refused_resubmission_cannot_open_a_second_notice(cast, item):
    w = cast["window_a"]
    case = receive(cast, materials=[{"material": "申请书", "acceptable": False, "problem": "未签字"},
                                    {"material": "场所平面图", "acceptable": False, "problem": "无分区"}])
    svc.add_supplement_line(actor=w, number=case.number, material="申请书", problem="未签字", now=MONDAY)
    svc.serve_supplement_notice(actor=w, number=case.number, now=MONDAY)
    svc.resubmit(actor=w, number=case.number, materials=[{"material": "申请书", "acceptable": True}], now=MONDAY)
    with pytest.raises(Conflict):  # already RECEIVED again: this resubmission is refused ...
        svc.resubmit(actor=w, number=case.number, materials=[{"material": "场所平面图"}], now=MONDAY)
    with pytest.raises(Conflict) as exc:  # ... and so cannot have flagged the plan as newly supplied
        svc.add_supplement_line(actor=w, number=case.number, material="场所平面图", problem="无分区", now=MONDAY)
    assert exc.value.code == "supplement_refused"

def test_a_further_notice_after_the_restarted_deadline_is_refused(cast, item):
    case = receive_and_serve_supplement(cast)
    svc.resubmit(actor=cast["window_a"], number=case.number, materials=[{"material": "申请书"}],
                 now=at(dt.date(2026, 3, 4)))
    svc.add_supplement_line(actor=cast["window_a"], number=case.number, material="申请书", problem="新提交的仍未签字",
                            now=at(dt.date(2026, 3, 12)))
    with pytest.raises(Conflict) as exc:
        svc.serve_supplement_notice(actor=cast["window_a"], number=case.number, now=at(dt.date(2026, 3, 12)),
                                    justification="新提交材料有误")
    assert exc.value.code == "intake_deadline_passed"

def test_the_intake_timer_is_set_per_item_kind(cast, item):
    KindRule.objects.create(kind=ItemKind.LICENSE, intake_working_days=3)
    assert receive(cast).intake_deadline == dt.date(2026, 3, 5)

def test_the_database_refuses_an_application_under_review_without_a_deadline(cast, item):
    case = receive(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(intake_deadline=None)
    assert Case.objects.get(pk=case.pk).intake_deadline == dt.date(2026, 3, 9)

def test_recomputation_of_a_deemed_acceptance_counts_from_receipt(cast, item):
    case = receive(cast, day=dt.date(2026, 12, 21))
    svc.apply_deemed_acceptance(now=at(dt.date(2026, 12, 29)))
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.ACCEPTED and case.clock_start_date == dt.date(2026, 12, 21)
    assert case.committed_deadline == dt.date(2027, 1, 5)
