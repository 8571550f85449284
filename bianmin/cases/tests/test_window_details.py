"""Small window rules from issue 12 item 8: names too long are refused (never cut), an empty phone is named as
missing, each deadline carries its own provisional flag, the audit trail speaks words, a revealed landline is
written with its area code, and resubmission starts from the materials on the served notice."""
import datetime as dt

import pytest

from bianmin.audit.models import AuditEntry
from bianmin.cases import services as svc
from bianmin.cases.actions import CASE_ACTIONS, case_context
from bianmin.cases.models import Case
from bianmin.cases.selectors import public_lookup
from bianmin.core.errors import DomainError
from bianmin.testing.cases import receive, receive_and_serve_supplement
from bianmin.testing.factories import at

pytestmark = pytest.mark.django_db


def test_a_name_longer_than_the_field_is_refused_not_cut(cast, item):
    with pytest.raises(DomainError) as exc:
        receive(cast, name="云" * 129)
    assert "128" in exc.value.fields["applicant.name"][0]
    assert not Case.objects.exists()
    assert receive(cast, name="云" * 128).applicant_name == "云" * 128


def test_an_agent_name_and_a_material_problem_too_long_are_refused(cast, item):
    with pytest.raises(DomainError) as exc:
        svc.receive_case(actor=cast["window_a"], item_code="SP-01", now=at(dt.date(2026, 3, 2)),
                         applicant={"name": "张三", "id_number": "11010519491231002X", "phone": "13800138000"},
                         agent={"name": "李" * 65, "id_number": "11010519491231002X", "phone": "13800138000",
                                "authorization": "委托书"},
                         materials=[{"material": "申请书", "problem": "问" * 256}])
    assert set(exc.value.fields) >= {"agent.name", "materials.0.problem"}


def test_an_empty_phone_says_it_is_required(cast, item):
    with pytest.raises(DomainError) as exc:
        receive(cast, phone="")
    assert exc.value.fields["applicant.phone"] == ["请填写联系电话"]
    with pytest.raises(DomainError) as exc:
        receive(cast, phone="12345")
    assert "格式不正确" in exc.value.fields["applicant.phone"][0]


def test_each_deadline_carries_its_own_provisional_flag(cast, item):
    # Received and accepted Monday 2026-12-07: 3 working days → 12/10 (2026, published); 15 working days run into
    # 2027, whose holidays are provisional in the test calendar.
    case = receive(cast, day=dt.date(2026, 12, 7))
    case = svc.accept_case(actor=cast["window_a"], number=case.number, now=at(dt.date(2026, 12, 7)))
    assert case.committed_deadline.year == 2026 and case.legal_deadline.year == 2027
    assert (case.deadline_provisional, case.legal_deadline_provisional) == (False, True)
    notice = case.notices.get(kind="ACCEPTANCE")  # the tag sits on the date counted on the provisional calendar
    assert "暂定" not in notice.content["committed_deadline"] and notice.content["legal_deadline"].endswith("（暂定）")
    status = public_lookup(case.number, case.query_code)
    assert (status.provisional, status.legal_provisional) == (False, True)


def test_the_audit_summary_of_a_transition_names_the_statuses_in_words(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(case.received_at.date()))
    summary = AuditEntry.objects.filter(summary__contains=case.number).order_by("-seq").first().summary
    assert "（已收件→已受理）" in summary
    assert "RECEIVED" not in summary and "ACCEPTED" not in summary


def test_a_revealed_landline_is_written_with_its_area_code(cast, item):
    case = receive(cast, phone="07996667788")
    shown = svc.reveal_personal_data(actor=cast["window_a"], number=case.number, field="phone",
                                     reason="电话通知", now=at(case.received_at.date()))
    assert shown == "0799-6667788"
    mobile = receive(cast, phone="13800138000")
    assert svc.reveal_personal_data(actor=cast["window_a"], number=mobile.number, field="phone", reason="电话通知",
                                    now=at(mobile.received_at.date())) == "13800138000"


def test_resubmission_starts_with_the_materials_on_the_served_notice(cast, item):
    case = receive_and_serve_supplement(cast)
    spec = CASE_ACTIONS.actions["resubmit"]
    ctx = case_context(Case.objects.get(pk=case.pk), case.received_at.date())
    assert spec.initial["materials"](ctx) == ["申请书"]


def test_decision_and_delivery_values_longer_than_their_columns_are_refused(cast, item):
    case = receive(cast)
    day = case.received_at.date()
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(day))
    with pytest.raises(DomainError) as exc:
        svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", now=at(day),
                        reasons="符合条件", certificate_number="Z" * 65)
    assert "64" in exc.value.fields["certificate_number"][0]
    assert Case.objects.get(pk=case.pk).status == "ACCEPTED"
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", now=at(day),
                    reasons="符合条件", certificate_number="ZS-1")
    with pytest.raises(DomainError) as exc:
        svc.deliver_case(actor=cast["window_a"], number=case.number, method="PICKUP", received_by="张" * 65,
                         now=at(day))
    assert "received_by" in exc.value.fields
    assert Case.objects.get(pk=case.pk).status == "DECIDED"
