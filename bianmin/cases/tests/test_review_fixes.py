"""Rules found broken by the session-4 review of issue 3 (each test failed before its fix)."""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent, CaseMaterial, NoticeKind
from bianmin.cases.workflow import Action, CaseClass, Status
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound

from .conftest import ALL_GOOD, MONDAY, applicant

pytestmark = pytest.mark.django_db


def receive(cast, who="window_a", materials=ALL_GOOD, code="SP-01", now=MONDAY, **kw):
    return svc.receive_case(actor=cast[who], item_code=code, applicant=applicant(**kw), materials=materials,
                            now=now)


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


@pytest.mark.parametrize("after_acceptance", [False, True])
def test_a_returned_case_stays_a_returned_case_when_archived(cast, item, after_acceptance):
    case = receive(cast)
    if after_acceptance:
        svc.accept_case(actor=cast["window_a"], number=case.number, now=MONDAY)
        request = svc.request_return(actor=cast["window_a"], number=case.number, reason="申请人要求退回", now=MONDAY)
        svc.approve_return(actor=cast["leader"], request_id=request.pk, now=MONDAY)
    else:
        svc.refuse_case(actor=cast["window_a"], number=case.number, action=Action.REJECT, reason="不符合条件",
                        now=MONDAY)
    case = svc.archive_case(actor=cast["window_a"], number=case.number, now=MONDAY)
    assert case.status == Status.ARCHIVED and case.case_class == CaseClass.RETURNED


@pytest.mark.parametrize("copies", [-1, 100, "两份", "2份"])
def test_copies_out_of_range_name_the_material(cast, item, copies):
    with pytest.raises(DomainError) as exc:
        receive(cast, materials=[{"material": "申请书", "copies": copies}])
    assert "materials.0.copies" in exc.value.fields and "申请书" in exc.value.fields["materials.0.copies"][0]
    assert not Case.objects.exists()


@pytest.mark.parametrize("days", [-5, 10, 11])
def test_urgent_days_must_shorten_the_limit_and_not_be_negative(cast, item, days):
    case = receive(cast)
    with pytest.raises(DomainError) as exc:
        svc.accept_case(actor=cast["window_a"], number=case.number, now=MONDAY, urgent=True, urgent_days=days)
    assert "urgent_days" in exc.value.fields
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED


def test_a_decompression_bomb_is_refused_naming_the_file(cast, item):
    from PIL import Image

    case = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=MONDAY)
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")  # ~50 KB on disk, 400 megapixels decoded
    upload = SimpleUploadedFile("scan.png", buffer.getvalue(), content_type="image/png")
    with pytest.raises(DomainError) as exc:
        svc.upload_file(actor=cast["window_a"], number=case.number, upload=upload, now=MONDAY)
    assert "file" in exc.value.fields and "像素" in exc.value.message


@pytest.mark.parametrize("amount", ["10.004", "9.995", "10.", "-10", "NaN", "Infinity", "10元"])
def test_fee_amounts_are_never_rounded_to_the_standard(cast, item, amount):
    case = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=MONDAY)
    fee = item.fees.get()
    if amount == "10.":  # a trailing point is still exactly 10 yuan
        svc.record_fee(actor=cast["window_a"], number=case.number, fee_id=fee.pk, amount=amount,
                       receipt_number="R1", now=MONDAY)
        return
    with pytest.raises(DomainError) as exc:
        svc.record_fee(actor=cast["window_a"], number=case.number, fee_id=fee.pk, amount=amount,
                       receipt_number="R1", now=MONDAY)
    assert "amount" in exc.value.fields
    assert not case.payments.exists()


def test_only_the_handler_side_records_fees_and_uploads(cast, item):
    case = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=MONDAY)
    fee = item.fees.get()
    with pytest.raises(Forbidden):
        svc.record_fee(actor=cast["window_b"], number=case.number, fee_id=fee.pk, amount="10",
                       receipt_number="R1", now=MONDAY)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    with pytest.raises(Forbidden):
        svc.upload_file(actor=cast["window_b"], number=case.number, upload=upload, now=MONDAY)
    svc.record_fee(actor=cast["window_a"], number=case.number, fee_id=fee.pk, amount=10, receipt_number="R1",
                   now=MONDAY)


def test_uploads_are_refused_on_closed_cases(cast, item):
    case = receive(cast)
    svc.refuse_case(actor=cast["window_a"], number=case.number, action=Action.REJECT, reason="不符合条件", now=MONDAY)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    with pytest.raises(Conflict):
        svc.upload_file(actor=cast["window_a"], number=case.number, upload=upload, now=MONDAY)


def test_only_the_receiving_unit_reviews_an_application(cast, item):
    case = receive(cast, who="town_window")  # received at the town center, inside the county center's scope
    for action in (lambda who: svc.accept_case(actor=who, number=case.number, now=MONDAY),
                   lambda who: svc.fix_on_spot(actor=who, number=case.number, note="更正", now=MONDAY)):
        with pytest.raises(Forbidden):
            action(cast["window_a"])
    assert svc.accept_case(actor=cast["town_window"], number=case.number, now=MONDAY).status == Status.ACCEPTED


def test_transfer_and_extension_ids_out_of_scope_answer_like_missing_ones(cast, item, django_user_model):
    from bianmin.accounts.roles import Role
    from conftest import make_user

    case = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=MONDAY)
    transfer = svc.request_transfer(actor=cast["window_a"], number=case.number, to_badge="B-window_b",
                                    reason="调岗", now=MONDAY)
    extension = svc.request_extension(actor=cast["window_a"], number=case.number, reason="需要现场核查",
                                      now=MONDAY)
    town_leader = make_user(django_user_model, "town_leader", Role.LEADER, cast["town_window"].staff_profile.unit)
    for approve, pk, message in ((svc.approve_transfer, {"transfer_id": transfer.pk}, "移交申请不存在"),
                                 (svc.approve_extension, {"extension_id": extension.pk}, "延期申请不存在")):
        answers = []
        for ids in (pk, dict.fromkeys(pk, 999999)):  # another unit's id, then one that does not exist
            with pytest.raises(NotFound) as exc:
                approve(actor=town_leader, now=MONDAY, **ids)
            answers.append(exc.value.message)
        assert answers == [message, message]


def test_immediate_with_a_missing_deferrable_material_gets_its_deferred_notice(cast, calendar):
    from bianmin.catalog.services import create_item
    from conftest import NOW

    from .conftest import MATERIALS, _content

    create_item(actor=cast["sysadmin"], code="JB-02", basic_code="3", content=_content(
        name="即办测试", committed_limit=0, legal_limit=0, default_class="IMMEDIATE", special_procedures=[],
        extension_allowed=False, extension_days=0), materials=[MATERIALS[0], MATERIALS[2]], fees=[], faqs=[],
        now=NOW, publish=True)
    case = receive(cast, code="JB-02", materials=[{"material": "申请书"}, {"material": "场所平面图",
                                                                          "received_as": "MISSING"}])
    case = svc.accept_immediately(actor=cast["window_a"], number=case.number, now=MONDAY)
    assert case.status == Status.DECIDED and case.case_class == CaseClass.IMMEDIATE and case.deferred_materials
    kinds = set(case.notices.values_list("kind", flat=True))
    assert kinds == {NoticeKind.ACCEPTANCE, NoticeKind.RECEIPT, NoticeKind.DEFERRED}
    assert case.notices.get(kind=NoticeKind.DEFERRED).content["materials"] == ["场所平面图"]


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


def test_a_late_manual_acceptance_counts_from_receipt(cast, item):
    case = receive(cast)  # Monday 2026-03-02; the 5th working day is 03-09
    late = dt.datetime(2026, 3, 16, 1, 0, tzinfo=dt.UTC)
    case = svc.accept_case(actor=cast["window_a"], number=case.number, now=late)
    assert case.committed_deadline == dt.date(2026, 3, 16)  # 10 working days after 03-02, not after 03-16
    assert case.events.get(action="ACCEPT").data["counted_from_receipt"] == "2026-03-02"
    on_time = svc.accept_case(actor=cast["window_a"], number=receive(cast).number,
                              now=dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.UTC))
    assert on_time.committed_deadline == dt.date(2026, 3, 23)


def test_a_case_is_transferred_only_to_staff_who_can_see_it(cast, item):
    case = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=MONDAY)
    with pytest.raises(DomainError) as exc:  # a town clerk cannot see a county-center case
        svc.request_transfer(actor=cast["window_a"], number=case.number, to_badge="B-town_window", reason="调岗",
                             now=MONDAY)
    assert "to_badge" in exc.value.fields
    town_case = svc.accept_case(actor=cast["town_window"], number=receive(cast, who="town_window").number,
                                now=MONDAY)
    transfer = svc.request_transfer(actor=cast["town_window"], number=town_case.number, to_badge="B-window_a",
                                    reason="需县中心办理", now=MONDAY)  # the county center sees the town's cases
    assert transfer.to_handler == cast["window_a"].staff_profile


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


def test_only_the_receiving_unit_updates_the_checklist(cast, item):
    case = receive(cast, who="town_window")
    with pytest.raises(Forbidden):
        svc.update_materials(actor=cast["window_a"], number=case.number, now=MONDAY,
                             materials=[{"material": "申请书", "acceptable": False}])
    assert CaseMaterial.objects.get(case=case, name="申请书").acceptable
