"""Leaders are told of sanction proposals awaiting their decision, and the supervisor of the decision (issue 12
item 6): every leader who may decide (``policies.decide_refusal`` over the record's scope), nobody else."""
import datetime as dt

import pytest

from bianmin.accountability import services as svc
from bianmin.accountability.models import Severity, ViolationKind
from bianmin.accounts.roles import Role
from bianmin.core.errors import DomainError
from bianmin.notifications.models import Message
from bianmin.org.models import StaffProfile
from conftest import make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 Beijing time
LATER = NOW + dt.timedelta(hours=2)


@pytest.fixture
def leaders(cast, org, django_user_model):
    made = {name: make_user(django_user_model, name, Role.LEADER, org[unit]) for name, unit in (
        ("leader2", "center"), ("town_leader", "town_center"), ("dept_leader", "dept"), ("moved", "center"))}
    StaffProfile.objects.filter(user=made["moved"]).update(is_active=False)
    return made


def record(cast, staff):
    """The supervisor records a violation about ``staff`` (a cast name or a user)."""
    user = cast[staff] if isinstance(staff, str) else staff
    return svc.record_violation(actor=cast["supervisor"], staff=user.staff_profile.badge_number,
                                kind=ViolationKind.ATTITUDE, occurred_on=dt.date(2026, 2, 27),
                                description="对群众态度生硬", now=NOW)


def propose(cast, violation):
    return svc.propose_sanction(actor=cast["supervisor"], pk=violation.pk, severity=Severity.MINOR,
                                sanction="书面告诫", reason="多次被投诉", now=LATER)


def told(kind: str) -> set[str]:
    return set(Message.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_a_proposal_is_told_to_every_leader_who_may_decide_it(cast, leaders):
    violation = propose(cast, record(cast, "town_window"))

    # Leaders whose scope holds the town center's record; not the department's leader, nor an inactive profile.
    assert told("SANCTION_PROPOSED") == {"leader", "leader2", "town_leader"}
    message = Message.objects.filter(kind="SANCTION_PROPOSED").first()
    assert message is not None and message.subject == "待审批：过错处理意见"
    assert message.link == f"/staff/accountability/{violation.pk}/"
    assert "town_window姓名" in message.body and "书面告诫" in message.body and "多次被投诉" in message.body


def test_a_leader_the_record_is_about_is_not_asked_to_decide_it(cast, leaders):
    propose(cast, record(cast, leaders["leader2"]))
    assert told("SANCTION_PROPOSED") == {"leader"}  # leader2 is told only as the person concerned
    assert Message.objects.filter(recipient=leaders["leader2"], kind="ACCOUNTABILITY").count() == 2


def test_the_supervisor_is_told_of_the_leaders_decision(cast, leaders):
    approved = propose(cast, record(cast, "window_a"))
    svc.decide_sanction(actor=cast["leader"], pk=approved.pk, approve=True, now=LATER)
    message = Message.objects.get(kind="SANCTION_DECIDED")
    assert message.recipient == cast["supervisor"] and message.subject == "处理意见已获批准"
    assert "书面告诫" in message.body

    sent_back = propose(cast, record(cast, "window_b"))
    with pytest.raises(DomainError):  # refused: nothing is sent
        svc.decide_sanction(actor=cast["leader"], pk=sent_back.pk, approve=False, note=" ", now=LATER)
    assert Message.objects.filter(kind="SANCTION_DECIDED").count() == 1
    svc.decide_sanction(actor=cast["leader"], pk=sent_back.pk, approve=False, note="情节认定过重", now=LATER)
    last = Message.objects.filter(kind="SANCTION_DECIDED").order_by("-id").first()
    assert last is not None and last.subject == "处理意见被退回" and "情节认定过重" in last.body
