"""补办件 (容缺受理, ``cases.services.deferred``): the due date from the item, the notice, delivery held until the
material arrives or a leader lets the result go (decision 0015 §6)."""
import datetime as dt

import pytest

from bianmin.cases import services as svc
from bianmin.cases.models import Case, Notice, NoticeKind
from bianmin.cases.workflow import CaseClass, Status
from bianmin.core.errors import Conflict, DomainError, Forbidden
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, MONDAY, at

pytestmark = pytest.mark.django_db


def test_the_deferred_due_date_comes_from_the_item(deferred_case):
    assert deferred_case.case_class == CaseClass.DEFERRED
    assert deferred_case.deferred_due_date == dt.date(2026, 3, 5)  # 3 working days after Monday
    notice = Notice.objects.get(case=deferred_case, kind=NoticeKind.DEFERRED)
    assert notice.content["due_date"] == "2026年03月05日" or "2026" in notice.content["due_date"]

def test_delivery_waits_for_the_deferred_material(cast, deferred_case):
    n = deferred_case.number
    svc.start_case(actor=cast["window_a"], number=n, now=at(MON))
    svc.decide_case(actor=cast["window_a"], number=n, outcome="GRANTED", **GRANT, now=at(MON))
    with pytest.raises(Conflict) as exc:
        svc.deliver_case(actor=cast["window_a"], number=n, method="PICKUP", received_by="张三", now=at(MON))
    assert exc.value.code == "deferred_outstanding"
    assert Case.objects.get(pk=deferred_case.pk).status == Status.DECIDED
    with pytest.raises(DomainError) as bad:
        svc.supply_deferred_materials(actor=cast["window_a"], number=n, materials=["申请书"], now=at(MON))
    assert "materials" in bad.value.fields
    svc.supply_deferred_materials(actor=cast["window_a"], number=n, materials=["场所平面图"], now=at(MON, 10))
    assert Case.objects.get(pk=deferred_case.pk).deferred_supplied_at == at(MON, 10)
    svc.deliver_case(actor=cast["window_a"], number=n, method="PICKUP", received_by="张三", now=at(MON, 11))
    assert Case.objects.get(pk=deferred_case.pk).status == Status.DELIVERED

def test_a_leader_may_let_the_result_go_before_the_material(cast, deferred_case):
    n = deferred_case.number
    svc.decide_case(actor=cast["window_a"], number=n, outcome="GRANTED", **GRANT, now=at(MON))
    with pytest.raises(Forbidden):
        svc.allow_delivery_before_deferred(actor=cast["window_a"], number=n, reason="急需", now=at(MON))
    with pytest.raises(DomainError) as exc:
        svc.allow_delivery_before_deferred(actor=cast["leader"], number=n, reason="", now=at(MON))
    assert "reason" in exc.value.fields
    svc.allow_delivery_before_deferred(actor=cast["leader"], number=n, reason="申请人住院，家属代领", now=at(MON))
    svc.deliver_case(actor=cast["window_a"], number=n, method="PICKUP", received_by="张三", now=at(MON, 10))
    assert Case.objects.get(pk=deferred_case.pk).status == Status.DELIVERED

def test_immediate_with_a_missing_deferrable_material_gets_its_deferred_notice(cast, calendar):
    from bianmin.catalog.services import create_item
    from bianmin.testing.factories import MATERIALS, item_content
    from conftest import NOW

    create_item(actor=cast["sysadmin"], code="JB-02", basic_code="3", content=item_content(
        name="即办测试", committed_limit=0, legal_limit=0, default_class="IMMEDIATE", special_procedures=[],
        extension_allowed=False, extension_days=0), materials=[MATERIALS[0], MATERIALS[2]], fees=[], faqs=[],
        now=NOW, publish=True)
    case = receive(cast, code="JB-02", materials=[{"material": "申请书"}, {"material": "场所平面图",
                                                                          "received_as": "MISSING"}])
    case = svc.accept_immediately(actor=cast["window_a"], number=case.number, now=MONDAY, certificate_number="JY-1")
    assert case.status == Status.DECIDED and case.case_class == CaseClass.IMMEDIATE and case.deferred_materials
    kinds = set(case.notices.values_list("kind", flat=True))
    assert kinds == {NoticeKind.ACCEPTANCE, NoticeKind.RECEIPT, NoticeKind.DEFERRED}
    assert case.notices.get(kind=NoticeKind.DEFERRED).content["materials"] == ["场所平面图"]
