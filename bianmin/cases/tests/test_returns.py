"""退件 (``cases.services.returns`` and ``lifecycle.return_case``): the window alone before acceptance, a leader's
approval after it (decision 0015 §3); a 退办件 stays one."""

import pytest

from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent, Notice, NoticeKind, ReturnRequest
from bianmin.cases.workflow import Action, CaseClass, Status
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, MONDAY, at

pytestmark = pytest.mark.django_db


def test_before_acceptance_the_window_still_returns_alone(cast, item):
    case = receive(cast)
    svc.return_case(actor=cast["window_a"], number=case.number, reason="申请人要求退回", now=at(MON))
    assert Case.objects.get(pk=case.pk).status == Status.RETURNED

def test_after_acceptance_the_window_cannot_return_alone(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    with pytest.raises(Conflict) as exc:
        svc.return_case(actor=cast["window_a"], number=case.number, reason="材料不实", now=at(MON))
    assert exc.value.code == "return_needs_approval"
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    assert not Notice.objects.filter(case=case, kind=NoticeKind.RETURN).exists()

def test_return_request_approved_by_a_leader_issues_the_notice(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    request = svc.request_return(actor=cast["window_a"], number=case.number, reason="经核实不符合条件",
                                 now=at(MON, 10))
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED  # nothing is returned before the decision
    assert not Notice.objects.filter(case=case, kind=NoticeKind.RETURN).exists()
    with pytest.raises(Conflict):  # one pending request at a time
        svc.request_return(actor=cast["window_a"], number=case.number, reason="再次", now=at(MON, 10))
    with pytest.raises(Forbidden):  # the handler cannot approve their own request
        svc.approve_return(actor=cast["window_a"], request_id=request.pk, now=at(MON, 11))
    svc.approve_return(actor=cast["leader"], request_id=request.pk, now=at(MON, 11), note="同意")
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.RETURNED and case.case_class == CaseClass.RETURNED
    notice = Notice.objects.get(case=case, kind=NoticeKind.RETURN)
    assert notice.number and notice.content["reason"] == "经核实不符合条件"
    assert ReturnRequest.objects.get(pk=request.pk).decided_by == cast["leader"]
    assert AuditEntry.objects.filter(action=AuditAction.CASE_TRANSITION, summary__contains="退件").exists()

def test_refused_return_request_keeps_the_case_running(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    request = svc.request_return(actor=cast["window_a"], number=case.number, reason="材料不实", now=at(MON))
    with pytest.raises(DomainError) as exc:
        svc.reject_return(actor=cast["leader"], request_id=request.pk, now=at(MON), note=" ")
    assert "note" in exc.value.fields
    svc.reject_return(actor=cast["leader"], request_id=request.pk, now=at(MON), note="应继续办理")
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    assert CaseEvent.objects.filter(case=case, action="RETURN_REJECTED").count() == 1

def test_a_leader_outside_the_scope_gets_not_found(cast, item, org, django_user_model):
    from bianmin.accounts.roles import Role
    from conftest import make_user

    town_leader = make_user(django_user_model, "town_leader", Role.LEADER, org["town_center"])
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    request = svc.request_return(actor=cast["window_a"], number=case.number, reason="材料不实", now=at(MON))
    with pytest.raises(NotFound) as missing:
        svc.approve_return(actor=town_leader, request_id=request.pk + 999, now=at(MON))
    with pytest.raises(NotFound) as forbidden:
        svc.approve_return(actor=town_leader, request_id=request.pk, now=at(MON))
    assert str(missing.value) == str(forbidden.value)

def test_a_pending_return_request_holds_the_decision_and_lapses_on_withdrawal(cast, item):
    from bianmin.cases.selectors import pending_returns

    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    request = svc.request_return(actor=cast["window_a"], number=case.number, reason="不符合", now=at(MON, 10))
    with pytest.raises(Conflict) as exc:
        svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON, 11))
    assert exc.value.code == "return_pending"
    svc.withdraw_case(actor=cast["window_a"], number=case.number, reason="申请人撤回", now=at(MON, 12))
    assert ReturnRequest.objects.get(pk=request.pk).status == "REJECTED"
    assert list(pending_returns(cast["leader"])) == []

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
