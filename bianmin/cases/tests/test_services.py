import datetime as dt

import pytest

from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent, Notice, NoticeKind, RefusedSupplement, TransferStatus
from bianmin.cases.selectors import class_counts, public_lookup, workbench
from bianmin.cases.workflow import Action, CaseClass, Status
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.org.models import Absence
from bianmin.testing.factories import ALL_GOOD, MONDAY, applicant

pytestmark = pytest.mark.django_db


def receive(cast, who="window_a", materials=ALL_GOOD, code="SP-01", now=MONDAY, **kw):
    return svc.receive_case(actor=cast[who], item_code=code, applicant=applicant(**kw), materials=materials,
                            now=now)


def test_receive_pins_version_numbers_and_builds_checklist(cast, item):
    case = receive(cast)
    assert case.number == "C1202603020001" and len(case.query_code) == 8
    assert case.status == Status.RECEIVED and case.item_version == item
    lines = {m.name: m for m in case.materials.all()}
    assert lines["申请书"].received_as == "PAPER" and lines["营业执照"].received_as == "SHARED"
    assert case.intake_deadline == dt.date(2026, 3, 9)  # receipt + 5 working days
    assert receive(cast).number == "C1202603020002"
    assert AuditEntry.objects.filter(action=AuditAction.CASE_TRANSITION).count() == 2


@pytest.mark.parametrize("overrides,field", [
    ({"id_number": "110105194912310021"}, "applicant.id_number"),
    ({"id_number": ""}, "applicant.id_number"),
    ({"phone": "12345"}, "applicant.phone"),
    ({"name": ""}, "applicant.name"),
])
def test_receive_rejects_bad_applicant_naming_the_field(cast, item, overrides, field):
    with pytest.raises(DomainError) as exc:
        receive(cast, **overrides)
    assert field in exc.value.fields
    assert not Case.objects.exists()


def test_receive_organisation_checks_credit_code(cast, item):
    with pytest.raises(DomainError) as exc:
        svc.receive_case(actor=cast["window_a"], item_code="SP-01", now=MONDAY, materials=ALL_GOOD, applicant={
            "kind": "ORGANISATION", "name": "某公司", "credit_code": "91350100M000100Y44", "legal_rep": "李四",
            "phone": "0799-6123456"})
    assert "applicant.credit_code" in exc.value.fields
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", now=MONDAY, materials=ALL_GOOD, applicant={
        "kind": "ORGANISATION", "name": "某公司", "credit_code": "91350100m000100y43", "legal_rep": "李四",
        "phone": "0799-6123456"})
    assert case.applicant_credit_code == "91350100M000100Y43"
    # A 2015 pilot code that fails the checksum passes only with an audited reason.
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", now=MONDAY, materials=ALL_GOOD, applicant={
        "kind": "ORGANISATION", "name": "试点公司", "credit_code": "91350100M000100Y44", "legal_rep": "王五",
        "phone": "0799-6123456", "credit_code_override_reason": "2015年试点代码，已核验营业执照原件"})
    assert case.events.get().data["credit_code_override"]


def test_unknown_item_and_bad_material_named(cast, item):
    with pytest.raises(DomainError) as exc:
        receive(cast, code="NOPE")
    assert "item" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        receive(cast, materials=[{"material": "不存在的材料"}])
    assert "materials.0.material" in exc.value.fields


def test_receive_requires_the_window_role(cast, item):
    with pytest.raises(Forbidden):
        receive(cast, who="supervisor")


def test_accept_computes_deadlines_and_makes_first_handler(cast, item):
    case = receive(cast)
    case = svc.accept_case(actor=cast["window_a"], number=case.number, now=MONDAY)
    assert case.status == Status.ACCEPTED and case.first_handler == cast["window_a"].staff_profile
    assert case.committed_deadline == dt.date(2026, 3, 16)  # 10 working days after Mon 3/2
    assert case.legal_deadline == dt.date(2026, 3, 30)
    assert not case.deadline_provisional and case.case_class == CaseClass.PROMISED
    assert case.intake_deadline is None  # the intake timer stops at acceptance
    kinds = set(case.notices.values_list("kind", flat=True))
    assert kinds == {NoticeKind.ACCEPTANCE, NoticeKind.RECEIPT}
    assert all(n.number and n.issued_at for n in case.notices.all())


def test_accept_with_missing_required_material_is_refused(cast, item):
    case = receive(cast, materials=[{"material": "场所平面图", "received_as": "PAPER"}])
    with pytest.raises(Conflict) as exc:
        svc.accept_case(actor=cast["window_a"], number=case.number, now=MONDAY)
    assert "申请书" in exc.value.message


def test_accept_under_rongque_issues_deferred_notice(cast, item):
    case = receive(cast, materials=[{"material": "申请书", "received_as": "PAPER"}])
    case = svc.accept_case(actor=cast["window_a"], number=case.number, now=MONDAY)
    assert case.deferred_materials and case.case_class == CaseClass.DEFERRED
    notice = case.notices.get(kind=NoticeKind.DEFERRED)
    assert notice.content["materials"] == ["场所平面图"]


def test_urgent_acceptance_shortens_committed_limit(cast, item):
    case = receive(cast)
    case = svc.accept_case(actor=cast["window_a"], number=case.number, now=MONDAY, urgent=True, urgent_days=3)
    assert case.committed_deadline == dt.date(2026, 3, 5) and case.case_class == CaseClass.URGENT
    other = receive(cast)
    with pytest.raises(DomainError) as exc:
        svc.accept_case(actor=cast["window_a"], number=other.number, now=MONDAY, urgent=True, urgent_days=30)
    assert "urgent_days" in exc.value.fields


def test_deadline_into_provisional_2027(cast, item):
    december = dt.datetime(2026, 12, 21, 2, 0, tzinfo=dt.UTC)
    case = receive(cast, now=december)
    case = svc.accept_case(actor=cast["window_a"], number=case.number, now=december)
    assert case.deadline_provisional and case.committed_deadline.year == 2027
    assert case.notices.get(kind=NoticeKind.ACCEPTANCE).content["provisional"] is True


def test_immediate_item(cast, immediate_item):
    case = receive(cast, code="JB-01", materials=[{"material": "申请书", "received_as": "PAPER"}])
    with pytest.raises(DomainError) as exc:  # a grant of a 证照 item records the certificate's number
        svc.accept_immediately(actor=cast["window_a"], number=case.number, now=MONDAY)
    assert "certificate_number" in exc.value.fields
    case = svc.accept_immediately(actor=cast["window_a"], number=case.number, now=MONDAY, certificate_number="JY-1")
    assert case.status == Status.DECIDED and case.case_class == CaseClass.IMMEDIATE and case.outcome == "GRANTED"
    assert case.certificate_number == "JY-1" and "当场" in case.decision_reasons


def test_immediate_refused_for_promised_item(cast, item):
    case = receive(cast)
    with pytest.raises(Conflict):
        svc.accept_immediately(actor=cast["window_a"], number=case.number, now=MONDAY)


# --- Art. 32 outcomes -----------------------------------------------------------------------------------

def test_not_licensed(cast, item):
    case = svc.refuse_case(actor=cast["window_a"], number=receive(cast).number, action=Action.NOT_LICENSED,
                           reason="咨询类事项，不属于行政许可", now=MONDAY)
    assert case.status == Status.NOT_ACCEPTED and case.intake_outcome == "NOT_LICENSED"
    assert case.case_class == CaseClass.RETURNED and not case.notices.exists()


def test_outside_powers_names_the_competent_organ(cast, item):
    number = receive(cast).number
    with pytest.raises(DomainError) as exc:
        svc.refuse_case(actor=cast["window_a"], number=number, action=Action.OUTSIDE_POWERS, reason="省级事项",
                        now=MONDAY)
    assert "competent_organ" in exc.value.fields and "competent_organ_contact" in exc.value.fields
    with pytest.raises(DomainError) as exc:  # "告知其主管机关的名称和联系方式": the name alone is not enough
        svc.refuse_case(actor=cast["window_a"], number=number, action=Action.OUTSIDE_POWERS, reason="省级事项",
                        competent_organ="省市场监督管理局", now=MONDAY)
    assert list(exc.value.fields) == ["competent_organ_contact"]
    assert Case.objects.get(number=number).status == "RECEIVED"
    case = svc.refuse_case(actor=cast["window_a"], number=number, action=Action.OUTSIDE_POWERS, reason="省级事项",
                           competent_organ="省市场监督管理局", competent_organ_contact="0591-87654321", now=MONDAY)
    content = case.notices.get(kind=NoticeKind.REJECTION).content
    assert content["competent_organ"] == "省市场监督管理局" and "六十日" in content["remedy"]
    assert content["competent_organ_contact"] == "0591-87654321"
    assert case.competent_organ_contact == "0591-87654321"
    assert "六个月" in content["remedy"]


def test_fix_on_spot(cast, item):
    case = svc.fix_on_spot(actor=cast["window_a"], number=receive(cast).number, note="申请书日期笔误，当场更正",
                           now=MONDAY)
    assert case.status == Status.RECEIVED and case.intake_outcome == "FIXED_ON_SPOT"


# --- one-time notice rule --------------------------------------------------------------------------------

def test_supplement_notice_is_additive_until_served_then_frozen(cast, item):
    number = receive(cast, materials=[{"material": "申请书", "received_as": "PAPER", "acceptable": False,
                                       "problem": "未签字"}]).number
    svc.add_supplement_line(actor=cast["window_a"], number=number, material="申请书", problem="未签字", now=MONDAY)
    svc.add_supplement_line(actor=cast["window_a"], number=number, material="场所平面图", problem="未提交",
                            now=MONDAY)
    notice = svc.serve_supplement_notice(actor=cast["window_a"], number=number, now=MONDAY)
    assert notice.number.startswith("BZ-2026-") and notice.served_at
    assert [line["material"] for line in notice.content["lines"]] == ["申请书", "场所平面图"]
    case = Case.objects.get(number=number)
    assert case.status == Status.SUPPLEMENT and case.intake_deadline is None
    # Frozen: nothing can be added now (the case waits for the applicant).
    with pytest.raises(Conflict):
        svc.add_supplement_line(actor=cast["window_a"], number=number, material="申请书", problem="x", now=MONDAY)
    svc.resubmit(actor=cast["window_a"], number=number, now=MONDAY, materials=[
        {"material": "申请书", "received_as": "PAPER", "acceptable": True}])
    # A further notice for material that was already deficient is refused and recorded.
    with pytest.raises(Conflict) as exc:
        svc.add_supplement_line(actor=cast["window_a"], number=number, material="营业执照", problem="过期",
                                now=MONDAY)
    assert exc.value.code == "supplement_refused"
    assert RefusedSupplement.objects.filter(case__number=number).count() == 1
    # Newly supplied material may be listed, but serving needs a written justification.
    svc.add_supplement_line(actor=cast["window_a"], number=number, material="申请书", problem="新申请书缺页",
                            now=MONDAY)
    with pytest.raises(Conflict):
        svc.serve_supplement_notice(actor=cast["window_a"], number=number, now=MONDAY)
    assert RefusedSupplement.objects.filter(case__number=number).count() == 2
    second = svc.serve_supplement_notice(actor=cast["window_a"], number=number, now=MONDAY,
                                         justification="补正后新提交的申请书缺第2页")
    assert second.justification and second.number != notice.number


def test_serving_an_empty_notice_is_refused(cast, item):
    with pytest.raises(DomainError) as exc:
        svc.serve_supplement_notice(actor=cast["window_a"], number=receive(cast).number, now=MONDAY)
    assert "lines" in exc.value.fields


def test_deemed_acceptance_on_the_fifth_working_day_with_a_holiday(cast, item):
    # Received Thu 2026-04-30; 5/1–5/5 are off and Sat 5/9 is a 调休 workday: 5/6, 5/7, 5/8, 5/9, 5/11.
    received = dt.datetime(2026, 4, 30, 2, 0, tzinfo=dt.UTC)
    case = receive(cast, now=received)
    assert case.intake_deadline == dt.date(2026, 5, 11)
    assert svc.apply_deemed_acceptance(now=dt.datetime(2026, 5, 11, 9, 0, tzinfo=dt.UTC)) == []
    done = svc.apply_deemed_acceptance(now=dt.datetime(2026, 5, 12, 1, 0, tzinfo=dt.UTC))
    assert done == [case.number]
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.accepted_at == received and case.intake_outcome == "DEEMED"
    assert case.committed_deadline == dt.date(2026, 5, 18)  # 10 working days from the receipt date
    assert svc.apply_deemed_acceptance(now=dt.datetime(2026, 5, 13, 1, 0, tzinfo=dt.UTC)) == []  # idempotent
    assert case.events.filter(action=Action.DEEM_ACCEPTED).count() == 1


def test_served_notice_stops_deemed_acceptance(cast, item):
    number = receive(cast).number
    svc.add_supplement_line(actor=cast["window_a"], number=number, material="申请书", problem="x", now=MONDAY)
    svc.serve_supplement_notice(actor=cast["window_a"], number=number, now=MONDAY)
    assert svc.apply_deemed_acceptance(now=MONDAY + dt.timedelta(days=30)) == []


# --- lifecycle, handlers, scope --------------------------------------------------------------------------

def accepted(cast, who="window_a"):
    case = receive(cast, who=who)
    return svc.accept_case(actor=cast[who], number=case.number, now=MONDAY)


def test_full_lifecycle_events(cast, item):
    number = accepted(cast).number
    svc.start_case(actor=cast["window_a"], number=number, now=MONDAY)
    svc.decide_case(actor=cast["window_a"], number=number, outcome="GRANTED", reasons="符合法定条件",
                    certificate_number="JY123", now=MONDAY)
    svc.deliver_case(actor=cast["window_a"], number=number, method="PICKUP", received_by="张三", now=MONDAY)
    case = svc.archive_case(actor=cast["window_a"], number=number, now=MONDAY)
    assert case.status == Status.ARCHIVED
    steps = list(case.events.exclude(to_status="").values_list("to_status", flat=True))
    assert steps == ["RECEIVED", "ACCEPTED", "IN_PROGRESS", "DECIDED", "DELIVERED", "ARCHIVED"]


def test_denial_needs_reasons_and_issues_decision(cast, item):
    number = accepted(cast).number
    with pytest.raises(DomainError):
        svc.decide_case(actor=cast["window_a"], number=number, outcome="DENIED", now=MONDAY)
    case = svc.decide_case(actor=cast["window_a"], number=number, outcome="DENIED", reasons="场所不符合要求",
                           now=MONDAY)
    assert case.notices.get(kind=NoticeKind.DENIAL).content["reason"] == "场所不符合要求"


def test_other_unit_cannot_see_the_case(cast, item):
    number = accepted(cast).number
    with pytest.raises(NotFound):
        svc.start_case(actor=cast["town_window"], number=number, now=MONDAY)


def test_only_handler_side_acts_after_acceptance(cast, item):
    number = accepted(cast).number
    with pytest.raises(Forbidden):
        svc.start_case(actor=cast["window_b"], number=number, now=MONDAY)
    # When A is away, B acts for A.
    Absence.objects.create(staff=cast["window_a"].staff_profile, kind="LEAVE", start_date=dt.date(2026, 3, 2),
                           end_date=dt.date(2026, 3, 3))
    svc.start_case(actor=cast["window_b"], number=number, now=MONDAY)
    assert [c.number for c in workbench(cast["window_b"], dt.date(2026, 3, 2))] == [number]


def test_transfer_needs_leader_approval(cast, item):
    number = accepted(cast).number
    transfer = svc.request_transfer(actor=cast["window_a"], number=number, to_badge="B-window_b", reason="调岗",
                                    now=MONDAY)
    with pytest.raises(Forbidden):
        svc.approve_transfer(actor=cast["window_a"], transfer_id=transfer.pk, now=MONDAY)
    svc.approve_transfer(actor=cast["leader"], transfer_id=transfer.pk, now=MONDAY, note="同意")
    case = Case.objects.get(number=number)
    assert case.first_handler == cast["window_b"].staff_profile
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.APPROVED and transfer.decided_by == cast["leader"]


def test_transfer_to_absent_a_goes_to_b(cast, item, django_user_model):
    from conftest import make_user

    make_user(django_user_model, "window_c", Role.WINDOW, cast["window_a"].staff_profile.unit)
    number = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=MONDAY).number
    # transfer from A to a third clerk; then the reverse: to A while A is away goes to B
    Absence.objects.create(staff=cast["window_a"].staff_profile, kind="LEAVE", start_date=dt.date(2026, 3, 2),
                           end_date=dt.date(2026, 3, 2))
    t = svc.request_transfer(actor=cast["window_b"], number=number, to_badge="B-window_c", reason="A请假",
                             now=MONDAY)
    svc.approve_transfer(actor=cast["leader"], transfer_id=t.pk, now=MONDAY)
    t2 = svc.request_transfer(actor=django_user_model.objects.get(username="window_c"), number=number,
                              to_badge="B-window_a", reason="交回", now=MONDAY)
    assert t2.to_handler == cast["window_b"].staff_profile


def test_reject_transfer_needs_a_reason(cast, item):
    number = accepted(cast).number
    t = svc.request_transfer(actor=cast["window_a"], number=number, to_badge="B-window_b", reason="调岗", now=MONDAY)
    with pytest.raises(DomainError):
        svc.reject_transfer(actor=cast["leader"], transfer_id=t.pk, now=MONDAY, note="")
    svc.reject_transfer(actor=cast["leader"], transfer_id=t.pk, now=MONDAY, note="继续办理")
    assert Case.objects.get(number=number).first_handler == cast["window_a"].staff_profile


def test_fees_only_from_the_pinned_version(cast, item):
    case = accepted(cast)
    fee = item.fees.get()
    with pytest.raises(DomainError) as exc:
        svc.record_fee(actor=cast["window_a"], number=case.number, fee_id=fee.pk, amount="15.00",
                       receipt_number="R1", now=MONDAY)
    assert "amount" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        svc.record_fee(actor=cast["window_a"], number=case.number, fee_id=999999, amount="10.00",
                       receipt_number="R1", now=MONDAY)
    assert "fee" in exc.value.fields
    payment = svc.record_fee(actor=cast["window_a"], number=case.number, fee_id=fee.pk, amount="10",
                             receipt_number="R1", now=MONDAY)
    assert payment.amount == fee.amount
    with pytest.raises(Conflict):
        svc.record_fee(actor=cast["window_a"], number=case.number, fee_id=fee.pk, amount="10",
                       receipt_number="R2", now=MONDAY)


def test_class_counts_and_public_lookup(cast, item):
    case = accepted(cast)
    counts = class_counts(cast["window_a"])
    assert counts["PROMISED"] == 1
    status = public_lookup(case.number, case.query_code.lower())
    assert status.status == "ACCEPTED" and status.handler_badge == "B-window_a"
    assert status.committed_deadline == case.committed_deadline
    assert public_lookup(case.number, "WRONGCOD") is None
    assert public_lookup("NOPE", case.query_code) is None


def test_notice_content_survives_item_changes(cast, item):
    from bianmin.catalog.services import new_draft, publish_version

    case = accepted(cast)
    notice = Notice.objects.get(case=case, kind=NoticeKind.ACCEPTANCE)
    before = dict(notice.content)
    draft = new_draft(actor=cast["sysadmin"], item=item.item, now=MONDAY)
    draft.name = "改名后的事项"
    draft.save()
    publish_version(actor=cast["sysadmin"], version=draft, now=MONDAY)
    notice.refresh_from_db()
    assert notice.content == before and before["item_name"] == "食品经营许可"


def test_every_transition_writes_event_and_audit(cast, item):
    number = accepted(cast).number
    events = CaseEvent.objects.filter(case__number=number).exclude(to_status="").count()
    audits = AuditEntry.objects.filter(action=AuditAction.CASE_TRANSITION, object_id__isnull=False).count()
    assert events == 2 and audits == 2
