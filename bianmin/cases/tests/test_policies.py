"""Role × action × scope: who sees a case, who receives, who acts on it, who approves transfers."""
import datetime as dt

import pytest

from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent, Transfer, TransferStatus
from bianmin.cases.policies import can_transition, get_case_for, require_transition, visible_cases
from bianmin.cases.services.core import acting_ids_for
from bianmin.cases.workflow import Action, Status
from bianmin.core.errors import Conflict, Forbidden, NotFound
from bianmin.org.models import Absence
from bianmin.testing.cases import GRANT
from bianmin.testing.factories import ALL_GOOD, MONDAY, applicant

pytestmark = pytest.mark.django_db

MEMBERS = ["window_a", "window_b", "town_window", "agent", "leader", "supervisor", "sysadmin", "secadmin",
           "auditor", "nobody"]
# A case at the county center C1 is seen by case roles at C1; not by T1/V1 staff nor by non-case roles.
SEES_C1_CASE = {"window_a", "window_b", "leader", "supervisor"}
RECEIVERS = {"window_a", "window_b", "town_window"}
OK = "ok"
# Who may START / DECIDE a case accepted by window_a (no absence registered). Leaders approve, not handle.
ACTS = {"window_a": OK, "window_b": Forbidden, "town_window": NotFound, "agent": NotFound, "leader": Forbidden,
        "supervisor": Forbidden, "sysadmin": NotFound, "secadmin": NotFound, "auditor": NotFound,
        "nobody": NotFound}


def receive(cast, who="window_a"):
    return svc.receive_case(actor=cast[who], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=MONDAY)


@pytest.fixture
def case(cast, item):
    """A case received and accepted by window_a at C1."""
    return svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=MONDAY)


def missing_message(user):
    with pytest.raises(NotFound) as exc:
        get_case_for(user, "C1209901010001")
    return exc.value.message


# --- seeing -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("member", MEMBERS)
def test_who_sees_the_case(cast, case, member):
    user = cast[member]
    visible = visible_cases(user).filter(number=case.number).exists()
    assert visible == (member in SEES_C1_CASE)
    if visible:
        assert get_case_for(user, case.number) == case
        assert get_case_for(user, case.number, for_update=True) == case
    else:
        with pytest.raises(NotFound) as exc:
            get_case_for(user, case.number)
        # A forbidden case is reported exactly like a missing one.
        assert exc.value.message == missing_message(user)
        assert type(exc.value) is NotFound


@pytest.mark.parametrize("member", ["town_window", "agent", "nobody"])
def test_services_report_forbidden_and_missing_cases_alike(cast, case, member):
    with pytest.raises(NotFound) as forbidden:
        svc.start_case(actor=cast[member], number=case.number, now=MONDAY)
    with pytest.raises(NotFound) as missing:
        svc.start_case(actor=cast[member], number="C1209901010001", now=MONDAY)
    assert forbidden.value.message == missing.value.message
    assert Case.objects.get(number=case.number).status == Status.ACCEPTED


def test_anonymous_sees_nothing(case):
    from django.contrib.auth.models import AnonymousUser

    assert not visible_cases(AnonymousUser()).exists()
    with pytest.raises(NotFound):
        get_case_for(AnonymousUser(), case.number)


def test_scope_includes_the_units_below(cast, item):
    town_case = receive(cast, who="town_window")
    assert town_case.unit_path.startswith(cast["window_a"].staff_profile.unit.path)
    for member in ["town_window", "window_a", "window_b", "leader", "supervisor"]:
        assert get_case_for(cast[member], town_case.number) == town_case, member
    for member in ["agent", "sysadmin", "auditor", "nobody"]:  # V1 is below T1; the case is at T1
        assert not visible_cases(cast[member]).filter(pk=town_case.pk).exists(), member
        with pytest.raises(NotFound):
            get_case_for(cast[member], town_case.number)


# --- receiving --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("member", MEMBERS)
def test_who_may_receive(cast, item, member):
    if member in RECEIVERS:
        received = receive(cast, who=member)
        assert received.status == Status.RECEIVED
        assert received.unit == cast[member].staff_profile.unit
    else:
        with pytest.raises(Forbidden):
            receive(cast, who=member)
        assert not Case.objects.exists()


# --- acting on an accepted case ---------------------------------------------------------------------------

def act(cast, member, action, number):
    if action == Action.START:
        return svc.start_case(actor=cast[member], number=number, now=MONDAY)
    return svc.decide_case(actor=cast[member], number=number, outcome="GRANTED", **GRANT, now=MONDAY)


@pytest.mark.parametrize("action", [Action.START, Action.DECIDE])
@pytest.mark.parametrize("member", MEMBERS)
def test_who_may_start_or_decide(cast, case, member, action):
    expected = ACTS[member]
    events = CaseEvent.objects.filter(case=case).count()
    if expected == OK:
        assert act(cast, member, action, case.number).status == {Action.START: Status.IN_PROGRESS,
                                                                 Action.DECIDE: Status.DECIDED}[action]
        return
    with pytest.raises(expected):
        act(cast, member, action, case.number)
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.status == Status.ACCEPTED and fresh.version == case.version
    assert CaseEvent.objects.filter(case=case).count() == events


@pytest.mark.parametrize("member", MEMBERS)
def test_policy_answers_match_the_services(cast, case, member):
    user = cast[member]
    allowed = can_transition(user, case, Action.START, acting_ids=acting_ids_for(case, MONDAY.date()))
    assert allowed == (ACTS[member] == OK)
    # The table is checked first: a forbidden pair is a Conflict for everyone, whoever asks.
    with pytest.raises(Conflict):
        require_transition(user, case, Action.ACCEPT)


@pytest.mark.parametrize("action", [Action.START, Action.DECIDE])
def test_b_acts_for_a_only_on_days_a_is_away(cast, case, action):
    a = cast["window_a"].staff_profile
    Absence.objects.create(staff=a, kind="LEAVE", start_date=dt.date(2026, 3, 3), end_date=dt.date(2026, 3, 4))
    with pytest.raises(Forbidden):  # the absence does not cover Monday 3/2
        act(cast, "window_b", action, case.number)
    Absence.objects.create(staff=a, kind="MEETING", start_date=dt.date(2026, 3, 2), end_date=dt.date(2026, 3, 2))
    assert acting_ids_for(case, dt.date(2026, 3, 2)) == {cast["window_b"].staff_profile.pk}
    done = act(cast, "window_b", action, case.number)
    assert done.status in (Status.IN_PROGRESS, Status.DECIDED)
    assert done.first_handler == a  # B acts for A; A stays first handler
    # Covering A does not widen scope: town staff still cannot find the case.
    with pytest.raises(NotFound):
        act(cast, "town_window", Action.DECIDE, case.number)


def test_before_acceptance_any_window_of_the_unit_may_review(cast, item):
    number = receive(cast).number
    case = Case.objects.get(number=number)
    assert can_transition(cast["window_b"], case, Action.ACCEPT)
    assert not can_transition(cast["supervisor"], case, Action.ACCEPT)
    accepted = svc.accept_case(actor=cast["window_b"], number=number, now=MONDAY)
    assert accepted.first_handler == cast["window_b"].staff_profile


# --- transfers --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("member", MEMBERS)
def test_only_a_leader_approves_transfers(cast, case, member):
    transfer = svc.request_transfer(actor=cast["window_a"], number=case.number, to_badge="B-window_b",
                                    reason="调岗", now=MONDAY)
    if member == "leader":
        svc.approve_transfer(actor=cast[member], transfer_id=transfer.pk, now=MONDAY, note="同意")
        assert Case.objects.get(pk=case.pk).first_handler == cast["window_b"].staff_profile
        assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.APPROVED
        return
    with pytest.raises(Forbidden):
        svc.approve_transfer(actor=cast[member], transfer_id=transfer.pk, now=MONDAY, note="同意")
    with pytest.raises(Forbidden):
        svc.reject_transfer(actor=cast[member], transfer_id=transfer.pk, now=MONDAY, note="不同意")
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.PENDING
    assert Case.objects.get(pk=case.pk).first_handler == cast["window_a"].staff_profile


@pytest.mark.parametrize("member", ["window_b", "supervisor", "town_window", "leader"])
def test_only_the_handler_side_requests_transfers(cast, case, member):
    expected = {"window_b": Forbidden, "supervisor": Forbidden, "town_window": NotFound, "leader": Forbidden}
    with pytest.raises(expected[member]):
        svc.request_transfer(actor=cast[member], number=case.number, to_badge="B-window_b", reason="调岗",
                             now=MONDAY)
    assert not Transfer.objects.exists()


# --- scope answers ------------------------------------------------------------------------------------------------

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
