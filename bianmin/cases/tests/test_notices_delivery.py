"""A grant states its reasons and the certificate's number; delivery issues the 送达回证; the 特别程序告知书 and the
延期告知书 say how long and who approved (issue 12 item 3, decision 0022)."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.audit.models import AuditEntry
from bianmin.cases import services as svc
from bianmin.cases.models import Case, NoticeKind
from bianmin.cases.pdf import notice_rows
from bianmin.cases.workflow import Status
from bianmin.core.errors import DomainError
from bianmin.org.models import HeadOf
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, at, make_item

pytestmark = pytest.mark.django_db


def accepted(cast, code: str = "SP-01", **applicant):
    case = receive(cast, code=code, **applicant)
    return svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))


def test_a_grant_needs_its_reasons(cast, item):
    case = accepted(cast)
    with pytest.raises(DomainError) as exc:
        svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED",
                        certificate_number="JY1", now=at(MON))
    assert set(exc.value.fields) == {"reasons"} and "准予须写明理由" in exc.value.fields["reasons"][0]
    with pytest.raises(DomainError) as exc:  # blanks are not reasons
        svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", reasons="  ",
                        certificate_number="JY1", now=at(MON))
    assert "reasons" in exc.value.fields
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_a_grant_of_a_certificate_needs_its_number(cast, item):
    case = accepted(cast)  # SP-01 issues the 食品经营许可证
    assert case.item_version.issues_certificate
    with pytest.raises(DomainError) as exc:
        svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", reasons="符合条件",
                        now=at(MON))
    assert set(exc.value.fields) == {"certificate_number"}
    assert "食品经营许可证" in exc.value.fields["certificate_number"][0] and "证照编号" in exc.value.fields[
        "certificate_number"][0]
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    case = svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", reasons="符合条件",
                           certificate_number=" JY13501020000001 ", now=at(MON))
    assert (case.certificate_name, case.certificate_number, case.decision_reasons) == (
        "食品经营许可证", "JY13501020000001", "符合条件")


@pytest.mark.parametrize("result_type", ["RECORD", "APPROVAL", "OTHER"])
def test_results_without_a_certificate_need_no_number(cast, org, calendar, result_type):
    make_item(cast, org, "RG-01", name="登记事项", result_type=result_type, result_name="登记备案")
    case = accepted(cast, code="RG-01")
    assert not case.item_version.issues_certificate
    case = svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", reasons="符合条件",
                           now=at(MON))
    assert case.status == Status.DECIDED and case.certificate_number == ""


def test_a_card_is_a_certificate(cast, org, calendar):
    make_item(cast, org, "CD-01", name="残疾人证核发", result_type="CARD", result_name="残疾人证")
    case = accepted(cast, code="CD-01")
    with pytest.raises(DomainError) as exc:
        svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", reasons="符合条件",
                        now=at(MON))
    assert "certificate_number" in exc.value.fields


def test_a_denial_records_no_certificate(cast, item):
    case = accepted(cast)
    case = svc.decide_case(actor=cast["window_a"], number=case.number, outcome="DENIED", reasons="场所不符合要求",
                           certificate_number="JY1", now=at(MON))
    assert (case.certificate_name, case.certificate_number) == ("", "")


def test_delivery_issues_the_delivery_receipt(cast, item):
    case = accepted(cast)
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", now=at(MON), **GRANT)
    case = svc.deliver_case(actor=cast["window_a"], number=case.number, method="PICKUP", received_by="李四（代领）",
                            now=at(dt.date(2026, 3, 3), 10))
    assert (case.status, case.delivery_method, case.delivered_to) == (Status.DELIVERED, "PICKUP", "李四（代领）")
    notice = case.notices.get(kind=NoticeKind.DELIVERY)
    assert notice.number.startswith("SD-2026-") and notice.issued_at is not None
    content = notice.content
    assert content["title"] == "送达回证" and content["applicant"] == "张三"
    rows = dict(notice_rows(content))
    assert rows["送达文书"] == "食品经营许可证（编号：ZS-2026-0001）"
    assert rows["送达方式"] == "窗口领取"
    assert rows["送达地点"] == (case.unit.address or case.unit.name)
    assert rows["送达时间"] == "2026年03月03日 10:00"
    assert rows["签收人"] == "李四（代领）"
    assert rows["送达人"] == cast["window_a"].staff_profile.name
    assert content["signatures"] == ["受送达人（签收人）签名", "送达人签名"]
    assert content["date"] == "2026年03月03日"
    event = case.events.get(action="DELIVER")
    assert event.data == {"method": "PICKUP", "received_by": "李四（代领）", "place": rows["送达地点"]}
    assert case.events.filter(action="NOTICE_ISSUED", data__kind="DELIVERY").exists()
    assert AuditEntry.objects.filter(summary__contains=f"办件{case.number}：送达").exists()


def test_delivery_by_post_goes_to_the_applicants_address_or_the_place_given(cast, item):
    case = accepted(cast)
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", now=at(MON), **GRANT)
    case = svc.deliver_case(actor=cast["window_a"], number=case.number, method="POST", received_by="张三",
                            now=at(MON))
    assert case.notices.get(kind=NoticeKind.DELIVERY).content["delivery_place"] == "测试县测试路1号"
    other = accepted(cast)
    svc.decide_case(actor=cast["window_a"], number=other.number, outcome="GRANTED", now=at(MON), **GRANT)
    other = svc.deliver_case(actor=cast["window_a"], number=other.number, method="AGENT", received_by="张三",
                             place="测试村便民服务站", now=at(MON))
    content = other.notices.get(kind=NoticeKind.DELIVERY).content
    assert (content["delivery"], content["delivery_place"]) == ("代办员送达", "测试村便民服务站")


def test_post_without_an_address_names_the_place(cast, item):
    case = accepted(cast, address="")
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", now=at(MON), **GRANT)
    with pytest.raises(DomainError) as exc:
        svc.deliver_case(actor=cast["window_a"], number=case.number, method="POST", received_by="张三", now=at(MON))
    assert set(exc.value.fields) == {"place"}
    assert Case.objects.get(pk=case.pk).status == Status.DECIDED
    assert not case.notices.filter(kind=NoticeKind.DELIVERY).exists()


def test_delivering_a_denial_names_the_decision(cast, item):
    case = accepted(cast)
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="DENIED", reasons="场所不符合要求",
                    now=at(MON))
    denial = case.notices.get(kind=NoticeKind.DENIAL)
    case = svc.deliver_case(actor=cast["window_a"], number=case.number, method="PICKUP", received_by="张三",
                            now=at(MON))
    assert case.notices.get(kind=NoticeKind.DELIVERY).content["delivered_document"] == \
        f"不予许可决定书（{denial.number}）"


def test_the_special_procedure_notice_states_the_expected_duration(cast, item):
    case = accepted(cast)
    svc.start_pause(actor=cast["window_a"], number=case.number, kind="TESTING", basis="送检样品", expected_days=5,
                    now=at(dt.date(2026, 3, 4)))
    content = case.notices.get(kind=NoticeKind.SPECIAL).content
    rows = dict(notice_rows(content))
    assert rows["特别程序"] == "检测"
    assert rows["预计所需时间"] == "预计5个工作日（自2026年03月04日起算）"
    assert rows["预计结束日期"] == "2026年03月11日"  # Thu 3/5, Fri 3/6, Mon 3/9, Tue 3/10, Wed 3/11
    assert content["expected_days"] == 5 and "预计需要5个工作日" in content["body"]


def test_the_extension_notice_names_the_approver(cast, item):
    profile = cast["leader"].staff_profile
    profile.head_of, profile.title = HeadOf.ORGAN, "主任"
    profile.save()
    case = accepted(cast)
    extension = svc.request_extension(actor=cast["window_a"], number=case.number, reason="情况复杂",
                                      now=at(dt.date(2026, 3, 4)))
    svc.approve_extension(actor=cast["leader"], extension_id=extension.pk, now=at(dt.date(2026, 3, 5), 15))
    rows = dict(notice_rows(case.notices.get(kind=NoticeKind.EXTENSION).content))
    assert rows["批准人"] == f"{profile.name}（主任）"
    assert rows["批准时间"] == "2026年03月05日 15:00"
