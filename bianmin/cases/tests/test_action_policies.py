"""The rules outside the transition table, asked by the case page (the action catalogue) and by the services:
a button shows exactly when the service would take the step, and whoever may not take it cannot leave a trace
of it (a review found the 补正 steps open to leaders and supervisors, and extension buttons shown to leaders the
service refuses)."""
import datetime as dt

import pytest

from bianmin.audit.models import AuditEntry
from bianmin.cases import services as svc
from bianmin.cases.actions import CASE_ACTIONS, EXTENSION_ACTIONS, case_context
from bianmin.cases.models import RefusedSupplement
from bianmin.cases.selectors import case_detail_for
from bianmin.core.errors import Conflict, Forbidden
from bianmin.org.models import HeadOf
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, at

pytestmark = pytest.mark.django_db


def allowed(user, case, day=MON) -> set[str]:
    ctx = case_context(case_detail_for(user, case.number, day), day)
    return {spec.name for spec in CASE_ACTIONS.available(user, ctx)}


def test_only_the_window_drafts_and_serves_a_supplement_notice(cast, item):
    case = receive(cast)
    for who in ("leader", "supervisor"):
        assert not {"supplement_line", "supplement_serve", "supplement_from_checklist"} & allowed(cast[who], case)
        with pytest.raises(Forbidden):
            svc.add_supplement_line(actor=cast[who], number=case.number, material="申请书", problem="未签字",
                                    now=at(MON))
        with pytest.raises(Forbidden):
            svc.draft_supplement_from_checklist(actor=cast[who], number=case.number, now=at(MON))
        with pytest.raises(Forbidden):  # refused before anything is recorded against them
            svc.serve_supplement_notice(actor=cast[who], number=case.number, now=at(MON))
    assert not RefusedSupplement.objects.exists()


def test_serving_shows_only_with_a_drafted_line_and_within_the_intake_limit(cast, item):
    case = receive(cast)
    assert "supplement_serve" not in allowed(cast["window_a"], case)
    svc.add_supplement_line(actor=cast["window_a"], number=case.number, material="申请书", problem="未签字",
                            now=at(MON))
    assert "supplement_serve" in allowed(cast["window_a"], case)
    late = MON + dt.timedelta(days=30)
    assert "supplement_serve" not in allowed(cast["window_a"], case, late)
    with pytest.raises(Conflict) as refused:
        svc.serve_supplement_notice(actor=cast["window_a"], number=case.number, now=at(late))
    assert refused.value.code == "intake_deadline_passed"


def test_no_decision_button_while_a_special_procedure_runs(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    assert "decide" in allowed(cast["window_a"], case)
    svc.start_pause(actor=cast["window_a"], number=case.number, kind="TESTING", basis="送检", expected_days=5,
                    now=at(MON))
    assert "decide" not in allowed(cast["window_a"], case)
    with pytest.raises(Conflict) as refused:
        svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON))
    assert refused.value.code == "paused"


def test_no_delivery_button_while_a_deferred_material_is_due(cast, deferred_case):
    case = svc.decide_case(actor=cast["window_a"], number=deferred_case.number, outcome="GRANTED",
                           reasons=GRANT["reasons"], certificate_number="JY1", now=at(MON))
    assert "deliver" not in allowed(cast["window_a"], case)
    with pytest.raises(Conflict) as refused:
        svc.deliver_case(actor=cast["window_a"], number=case.number, method="PICKUP", received_by="张三", now=at(MON))
    assert refused.value.code == "deferred_outstanding"
    svc.supply_deferred_materials(actor=cast["window_a"], number=case.number, materials=["场所平面图"], now=at(MON))
    assert "deliver" in allowed(cast["window_a"], case)


def test_extension_buttons_only_for_the_head_of_the_organ(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    extension = svc.request_extension(actor=cast["window_a"], number=case.number, reason="需现场核查", now=at(MON))
    leader = cast["leader"]
    assert EXTENSION_ACTIONS.available(leader, extension) == []
    with pytest.raises(Forbidden):
        svc.approve_extension(actor=leader, extension_id=extension.pk, now=at(MON))
    profile = leader.staff_profile
    profile.head_of = HeadOf.ORGAN
    profile.save()
    leader = type(leader).objects.get(pk=leader.pk)  # fresh: roles and profile are cached per user object
    assert {s.name for s in EXTENSION_ACTIONS.available(leader, extension)} == {"approve", "reject"}


def test_comments_uploads_and_supplement_drafts_are_audited(cast, item):
    case = receive(cast)
    before = AuditEntry.objects.count()
    svc.add_comment(actor=cast["window_a"], number=case.number, text="申请人下午补交", now=at(MON))
    svc.add_supplement_line(actor=cast["window_a"], number=case.number, material="申请书", problem="未签字",
                            now=at(MON))
    assert AuditEntry.objects.count() == before + 2
