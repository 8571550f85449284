"""Acceptance, refusal and decision (``cases.services.lifecycle``): limits where the case is accepted, 急办,
late acceptance counted from receipt, refusal notices, and 上报件 decided only by a higher organ (decision 0015 §4)."""
import datetime as dt

import pytest

from bianmin.cases import services as svc
from bianmin.cases.models import Case, Notice, NoticeKind
from bianmin.cases.selectors import class_counts
from bianmin.cases.workflow import Action, CaseClass, Status
from bianmin.core.errors import Conflict, DomainError
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import ALL_GOOD, MON, MONDAY, at, make_item

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days", [-5, 10, 11])
def test_urgent_days_must_shorten_the_limit_and_not_be_negative(cast, item, days):
    case = receive(cast)
    with pytest.raises(DomainError) as exc:
        svc.accept_case(actor=cast["window_a"], number=case.number, now=MONDAY, urgent=True, urgent_days=days)
    assert "urgent_days" in exc.value.fields
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED

def test_a_late_manual_acceptance_counts_from_receipt(cast, item):
    case = receive(cast)  # Monday 2026-03-02; the 5th working day is 03-09
    late = dt.datetime(2026, 3, 16, 1, 0, tzinfo=dt.UTC)
    case = svc.accept_case(actor=cast["window_a"], number=case.number, now=late)
    assert case.committed_deadline == dt.date(2026, 3, 16)  # 10 working days after 03-02, not after 03-16
    assert case.events.get(action="ACCEPT").data["counted_from_receipt"] == "2026-03-02"
    on_time = svc.accept_case(actor=cast["window_a"], number=receive(cast).number,
                              now=dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.UTC))
    assert on_time.committed_deadline == dt.date(2026, 3, 23)

def test_town_and_village_committed_limits_apply_where_the_case_is_accepted(cast, org, calendar):
    make_item(cast, org, "LV-01", name="分级时限事项", committed_limit=10, committed_limit_town=5)
    county = receive(cast, code="LV-01")
    county = svc.accept_case(actor=cast["window_a"], number=county.number, now=at(MON))
    town = receive(cast, who="town_window", code="LV-01")
    town = svc.accept_case(actor=cast["town_window"], number=town.number, now=at(MON))
    assert (county.committed_days, county.committed_deadline) == (10, dt.date(2026, 3, 16))
    assert (town.committed_days, town.committed_deadline) == (5, dt.date(2026, 3, 9))

def test_notices_print_the_limit_the_case_was_accepted_under(cast, org, calendar):
    make_item(cast, org, "TL-09", committed_limit=10, committed_limit_town=4)
    case = receive(cast, who="town_window", code="TL-09")
    case = svc.accept_case(actor=cast["town_window"], number=case.number, now=at(MON))
    for kind in (NoticeKind.ACCEPTANCE, NoticeKind.RECEIPT):
        assert Notice.objects.get(case=case, kind=kind).content["committed_limit"] == "4个工作日"

def test_refusal_outside_powers_names_organ_and_contact_on_the_notice(cast, item):
    case = receive(cast)
    svc.refuse_case(actor=cast["window_a"], number=case.number, action=Action.OUTSIDE_POWERS, reason="省级事项",
                    competent_organ="省市场监督管理局", competent_organ_contact="0591-87654321", now=at(MON))
    from bianmin.cases.pdf import notice_rows

    notice = Notice.objects.get(case=case, kind=NoticeKind.REJECTION)
    assert ("有权机关联系方式", "0591-87654321") in notice_rows(notice.content)

@pytest.fixture
def reported_item(cast, org, calendar):
    return make_item(cast, org, "SB-01", name="最低生活保障审核确认", kind="BENEFIT", default_class="REPORTED",
                     special_procedures=[])

@pytest.mark.parametrize("who", ["window_a", "town_window"])
def test_a_reported_item_is_a_reported_case_at_county_and_town(cast, reported_item, who):
    case = receive(cast, who=who, code="SB-01")
    case = svc.accept_case(actor=cast[who], number=case.number, now=at(MON))
    assert case.reported and case.case_class == CaseClass.REPORTED
    # with a 容缺 material missing it is still counted as 上报件 (what decides it matters more)
    other = receive(cast, who=who, code="SB-01", materials=ALL_GOOD[:1])
    other = svc.accept_case(actor=cast[who], number=other.number, now=at(MON))
    assert other.deferred_materials and other.case_class == CaseClass.REPORTED
    assert class_counts(cast[who])[CaseClass.REPORTED] == 2

def test_a_reported_case_cannot_be_decided_locally(cast, reported_item):
    case = receive(cast, who="town_window", code="SB-01")
    svc.accept_case(actor=cast["town_window"], number=case.number, now=at(MON))
    with pytest.raises(DomainError) as exc:
        svc.decide_case(actor=cast["town_window"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON))
    assert exc.value.code == "reported_case"
    assert set(exc.value.fields) == {"decided_by_organ", "decision_document"}
    with pytest.raises(DomainError) as exc:  # its own unit is not a higher organ
        svc.decide_case(actor=cast["town_window"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON),
                        decided_by_organ="测试镇便民服务中心", decision_document="青民〔2026〕1号")
    assert "decided_by_organ" in exc.value.fields
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    for organ in ("测试镇人民政府", "随便写的机关", "T1", "V1"):  # typed freely, its own level or below: refused
        with pytest.raises(DomainError) as exc:
            svc.decide_case(actor=cast["town_window"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON),
                            decided_by_organ=organ, decision_document="1号")
        assert "decided_by_organ" in exc.value.fields
    svc.decide_case(actor=cast["town_window"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON),
                    decided_by_organ="D1", decision_document="测市监〔2026〕12号")
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.DECIDED and case.case_class == CaseClass.REPORTED
    assert (case.decided_by_organ, case.decision_document) == ("测试县市场监督管理局", "测市监〔2026〕12号")

def test_a_reported_case_is_never_done_on_the_spot(cast, org, calendar):
    make_item(cast, org, "SB-02", name="上报即办", default_class="REPORTED", committed_limit=1, legal_limit=1,
              special_procedures=[], extension_allowed=False, extension_days=0)
    case = receive(cast, code="SB-02")
    with pytest.raises(Conflict):
        svc.accept_immediately(actor=cast["window_a"], number=case.number, now=at(MON))
