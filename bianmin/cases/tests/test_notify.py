"""Leaders are told of what waits for their decision, and requesters of the decision (issue 12 item 6,
``cases.services.notify``): the right people, in the same transaction as the cause."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.accounts.roles import Role
from bianmin.cases import services as svc
from bianmin.cases.services import handlers, notify
from bianmin.core.errors import Conflict, DomainError
from bianmin.notifications.models import Channel, Message, MessageStatus
from bianmin.org.models import HeadOf, StaffProfile
from bianmin.testing.cases import receive
from bianmin.testing.factories import MON, at
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaders(cast, org, django_user_model):
    """Besides the cast's county-center ``leader``: a second center leader who heads the organ, one who heads the
    government, a town leader, a department leader, and two who may not decide (account or profile inactive)."""
    made = {
        "organ_head": make_user(django_user_model, "organ_head", Role.LEADER, org["center"]),
        "gov_head": make_user(django_user_model, "gov_head", Role.LEADER, org["center"]),
        "town_leader": make_user(django_user_model, "town_leader", Role.LEADER, org["town_center"]),
        "dept_leader": make_user(django_user_model, "dept_leader", Role.LEADER, org["dept"]),
        "gone": make_user(django_user_model, "gone", Role.LEADER, org["center"]),
        "moved": make_user(django_user_model, "moved", Role.LEADER, org["center"]),
    }
    StaffProfile.objects.filter(user=made["organ_head"]).update(head_of=HeadOf.ORGAN)
    StaffProfile.objects.filter(user=made["gov_head"]).update(head_of=HeadOf.GOVERNMENT)
    type(made["gone"]).objects.filter(pk=made["gone"].pk).update(is_active=False)
    StaffProfile.objects.filter(user=made["moved"]).update(is_active=False)
    return made


def told(kind: str) -> set[str]:
    """Return the usernames told with messages of ``kind``."""
    return set(Message.objects.filter(kind=kind, channel=Channel.INAPP).values_list("recipient__username", flat=True))


def accepted_case(cast, who: str = "window_a"):
    case = receive(cast, who=who)
    return svc.accept_case(actor=cast[who], number=case.number, now=at(MON))


def test_a_transfer_request_is_told_to_every_leader_who_may_approve_it(cast, item, leaders):
    case = accepted_case(cast)
    svc.request_transfer(actor=cast["window_a"], number=case.number, to_badge="B-window_b", reason="调岗",
                         now=at(MON, 10))

    # The county center's leaders see the case; the town's and the department's do not; nor the inactive.
    assert told("TRANSFER_REQUESTED") == {"leader", "organ_head", "gov_head"}
    message = Message.objects.get(kind="TRANSFER_REQUESTED", recipient=cast["leader"])
    assert message.subject == "待审批：办件移交" and message.link == "/staff/approvals/"
    assert case.number in message.body and "食品经营许可" in message.body
    assert "window_b姓名" in message.body and "调岗" in message.body
    assert message.status == MessageStatus.PENDING and message.cause == f"case:{case.number}"


def test_a_town_case_is_told_to_the_town_leader_and_the_leaders_above(cast, item, leaders):
    case = accepted_case(cast, "town_window")
    svc.request_transfer(actor=cast["town_window"], number=case.number, to_badge="B-window_a", reason="需县中心办理",
                         now=at(MON, 10))
    assert told("TRANSFER_REQUESTED") == {"leader", "organ_head", "gov_head", "town_leader"}


def test_the_receiver_and_the_requester_are_told_when_a_transfer_is_approved(cast, item, leaders):
    case = accepted_case(cast)
    transfer = svc.request_transfer(actor=cast["window_a"], number=case.number, to_badge="B-window_b", reason="调岗",
                                    now=at(MON, 10))
    svc.approve_transfer(actor=cast["leader"], transfer_id=transfer.pk, now=at(MON, 11))

    received = Message.objects.get(kind="TRANSFER_RECEIVED")
    assert received.recipient == cast["window_b"] and received.subject == "办件移交给您"
    assert case.number in received.body and "首办负责人" in received.body
    assert received.link == f"/staff/cases/{case.number}/"
    assert told("TRANSFER_DECIDED") == {"window_a"}
    assert Message.objects.get(kind="TRANSFER_DECIDED").subject == "移交申请已批准"
    assert not Message.objects.filter(recipient=cast["leader"]).exclude(kind="TRANSFER_REQUESTED").exists()


def test_a_rejected_transfer_is_told_to_the_requester_only(cast, item, leaders):
    case = accepted_case(cast)
    transfer = svc.request_transfer(actor=cast["window_a"], number=case.number, to_badge="B-window_b", reason="调岗",
                                    now=at(MON, 10))
    svc.reject_transfer(actor=cast["leader"], transfer_id=transfer.pk, now=at(MON, 11), note="仍由原窗口办理")

    assert not told("TRANSFER_RECEIVED")
    message = Message.objects.get(kind="TRANSFER_DECIDED")
    assert message.recipient == cast["window_a"] and message.subject == "移交申请被驳回"
    assert "仍由原窗口办理" in message.body and case.number in message.body


def test_a_refused_request_tells_nobody(cast, item, leaders):
    case = accepted_case(cast)
    svc.request_transfer(actor=cast["window_a"], number=case.number, to_badge="B-window_b", reason="调岗", now=at(MON))
    before = Message.objects.count()
    with pytest.raises(Conflict):  # a second transfer while one waits
        svc.request_transfer(actor=cast["window_a"], number=case.number, to_badge="B-window_b", reason="再次",
                             now=at(MON))
    with pytest.raises(DomainError):
        svc.request_return(actor=cast["window_a"], number=case.number, reason=" ", now=at(MON))
    transfer = case.transfers.get()
    with pytest.raises(DomainError):  # a rejection needs a reason
        svc.reject_transfer(actor=cast["leader"], transfer_id=transfer.pk, now=at(MON), note="")
    assert Message.objects.count() == before


def test_the_messages_are_written_in_the_transaction_of_their_cause(cast, item, leaders, monkeypatch):
    case = accepted_case(cast)
    before = Message.objects.count()

    def audit_fails(**_kwargs):
        raise RuntimeError("audit failed")

    monkeypatch.setattr(handlers, "record", audit_fails)  # fails after the messages were queued
    queued: list[int] = []
    real = notify.enqueue_inapp_many
    monkeypatch.setattr(notify, "enqueue_inapp_many", lambda rows, **kw: queued.append(real(rows, **kw)))
    with pytest.raises(RuntimeError):
        svc.request_transfer(actor=cast["window_a"], number=case.number, to_badge="B-window_b", reason="调岗",
                             now=at(MON))
    assert not case.transfers.exists()
    assert queued == [3]  # the three leaders' messages were written…
    assert Message.objects.count() == before  # …and rolled back with the request


FRIDAY = dt.date(2026, 9, 25)


def test_an_extension_request_is_told_to_the_heads_who_may_approve_it(cast, item, leaders):
    case = accepted_case(cast)
    extension = svc.request_extension(actor=cast["window_a"], number=case.number, reason="需现场核查",
                                      now=at(MON, 10))

    # Only a head of the organ or of the government decides an extension (policies.extension_deciders).
    assert told("EXTENSION_REQUESTED") == {"organ_head", "gov_head"}
    message = Message.objects.filter(kind="EXTENSION_REQUESTED").first()
    assert message is not None and message.subject == "待审批：办件延期" and message.link == "/staff/approvals/"
    assert case.number in message.body and f"{extension.days}个工作日" in message.body and "需现场核查" in message.body


def test_a_joint_items_extension_is_told_to_the_government_head_only(cast, item, leaders, org):
    case = accepted_case(cast)
    case.item_version.joint_units.add(org["dept"])
    svc.request_extension(actor=cast["window_a"], number=case.number, reason="联办", now=at(MON, 10))
    assert told("EXTENSION_REQUESTED") == {"gov_head"}


def test_the_requester_is_told_of_the_extension_decision(cast, item, leaders):
    case = accepted_case(cast)
    extension = svc.request_extension(actor=cast["window_a"], number=case.number, reason="复杂", now=at(MON, 10))
    svc.approve_extension(actor=leaders["organ_head"], extension_id=extension.pk, now=at(MON, 11))

    case.refresh_from_db()
    message = Message.objects.get(kind="EXTENSION_DECIDED")
    assert message.recipient == cast["window_a"] and message.subject == "延期申请已批准"
    assert f"{case.committed_deadline:%Y-%m-%d}" in message.body and message.link == f"/staff/cases/{case.number}/"


def test_the_requester_is_told_when_the_extension_is_refused(cast, item, leaders):
    case = accepted_case(cast)
    extension = svc.request_extension(actor=cast["window_a"], number=case.number, reason="复杂", now=at(MON, 10))
    with pytest.raises(DomainError):  # refused (no reason): nothing is sent
        svc.reject_extension(actor=leaders["organ_head"], extension_id=extension.pk, now=at(MON, 11), note="")
    assert not told("EXTENSION_DECIDED")
    svc.reject_extension(actor=leaders["organ_head"], extension_id=extension.pk, now=at(MON, 11), note="理由不足")
    message = Message.objects.get(kind="EXTENSION_DECIDED")
    assert message.recipient == cast["window_a"] and message.subject == "延期申请未获批准"
    assert "理由不足" in message.body


def test_an_approval_that_fails_on_the_deadline_tells_nobody(cast, item, leaders):
    case = accepted_case(cast)
    extension = svc.request_extension(actor=cast["window_a"], number=case.number, reason="复杂", now=at(MON, 10))
    case.refresh_from_db()
    late = at(case.committed_deadline + dt.timedelta(days=1), 10)
    with pytest.raises(Conflict):  # deadline_passed, raised after the extension row was changed: all rolled back
        svc.approve_extension(actor=leaders["organ_head"], extension_id=extension.pk, now=late)
    assert not told("EXTENSION_DECIDED")


def test_a_return_request_and_its_decision_are_told(cast, item, leaders):
    case = accepted_case(cast)
    request = svc.request_return(actor=cast["window_a"], number=case.number, reason="经核实不符合条件",
                                 now=at(MON, 10))
    assert told("RETURN_REQUESTED") == {"leader", "organ_head", "gov_head"}
    message = Message.objects.filter(kind="RETURN_REQUESTED").first()
    assert message is not None and message.subject == "待审批：退件申请" and "经核实不符合条件" in message.body
    assert case.number in message.body

    svc.approve_return(actor=cast["leader"], request_id=request.pk, now=at(MON, 11), note="同意")
    decided = Message.objects.get(kind="RETURN_DECIDED")
    assert decided.recipient == cast["window_a"] and decided.subject == "退件申请已同意"
    assert decided.link == f"/staff/cases/{case.number}/"


def test_a_refused_return_is_told_with_its_reason(cast, item, leaders):
    case = accepted_case(cast)
    request = svc.request_return(actor=cast["window_a"], number=case.number, reason="材料不实", now=at(MON, 10))
    svc.reject_return(actor=cast["leader"], request_id=request.pk, now=at(MON, 11), note="应继续办理")
    decided = Message.objects.get(kind="RETURN_DECIDED")
    assert decided.subject == "退件申请未获同意" and "应继续办理" in decided.body


def test_the_approvers_are_found_in_one_query(cast, leaders, django_assert_num_queries):
    with django_assert_num_queries(1):
        ids = notify.approver_ids("/C1/T1/V1/")
    assert set(ids) == {u.pk for u in (cast["leader"], leaders["organ_head"], leaders["gov_head"],
                                       leaders["town_leader"])}
    with django_assert_num_queries(1):
        heads = notify.approver_ids("/C1/", heads={HeadOf.ORGAN}, exclude=[leaders["gov_head"].pk])
    assert heads == [leaders["organ_head"].pk]
