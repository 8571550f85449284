"""The lifecycle table: every status × action pair, pure look-ups, then the same table through the services."""
import datetime as dt
import itertools

import pytest

from bianmin.accounts.roles import Perm
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.workflow import (
    CLOSED,
    TRANSITIONS,
    Action,
    CaseClass,
    Status,
    actions_from,
    derive_class,
    next_status,
    permission_for,
)
from bianmin.core.errors import Conflict

from .conftest import ALL_GOOD, MONDAY, applicant

ALL_PAIRS = list(itertools.product(Status, Action))
TERMINAL = {Status.DELIVERED, Status.NOT_ACCEPTED, Status.WITHDRAWN, Status.RETURNED}


# --- pure look-ups ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("status,action", ALL_PAIRS, ids=[f"{s.value}-{a.value}" for s, a in ALL_PAIRS])
def test_lookups_agree_with_the_table(status, action):
    entry = TRANSITIONS.get((status, action))
    if entry is None:
        assert next_status(status, action) is None
        assert permission_for(status, action) is None
        assert action not in actions_from(status)
    else:
        assert next_status(status, action) == entry[0]
        assert permission_for(status, action) == entry[1]
        assert isinstance(entry[1], Perm)
        assert action in actions_from(status)
    # Plain strings (as stored in the database and posted by forms) give the same answers.
    assert next_status(status.value, action.value) == next_status(status, action)
    assert permission_for(status.value, action.value) == permission_for(status, action)


def test_table_uses_only_known_statuses_and_actions():
    assert len(ALL_PAIRS) == 160
    for (status, action), (target, perm) in TRANSITIONS.items():
        assert status in Status.values and action in Action.values and target in Status.values
        assert perm in list(Perm)


@pytest.mark.parametrize("status", list(Status))
def test_actions_from_lists_exactly_the_tables_actions_in_order(status):
    expected = [a for (s, a) in TRANSITIONS if s == status]
    assert actions_from(status) == expected
    assert actions_from(status.value) == expected
    assert len(set(expected)) == len(expected)


def test_closed_statuses_never_reopen():
    for (status, action), (target, _) in TRANSITIONS.items():
        if status in CLOSED:
            assert target in CLOSED, (status, action, target)
            if status == Status.DECIDED:
                assert action == Action.DELIVER  # a decided case only waits for delivery of the result
            else:
                assert status in TERMINAL and action == Action.ARCHIVE, (status, action)


def test_terminal_statuses_can_only_be_archived():
    for status in TERMINAL:
        assert actions_from(status) == [Action.ARCHIVE]
        assert next_status(status, Action.ARCHIVE) == Status.ARCHIVED


def test_archived_has_no_outgoing_actions():
    assert actions_from(Status.ARCHIVED) == []
    assert all(next_status(Status.ARCHIVED, a) is None for a in Action)


def test_every_status_is_reachable_and_every_action_but_receive_is_used():
    reached, frontier = {Status.RECEIVED}, [Status.RECEIVED]
    while frontier:
        here = frontier.pop()
        for action in actions_from(here):
            target = next_status(here, action)
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(Status)
    used = {a for (_, a) in TRANSITIONS}
    assert set(Action) - used == {Action.RECEIVE}  # receipt creates the case, it is not a transition


FACTS = {"immediate": False, "urgent": False, "deferred_materials": False, "accepted": True}


@pytest.mark.parametrize("status,facts,expected", [
    (Status.NOT_ACCEPTED, {}, CaseClass.RETURNED),
    (Status.RETURNED, {}, CaseClass.RETURNED),
    (Status.RETURNED, {"immediate": True, "urgent": True}, CaseClass.RETURNED),
    (Status.NOT_ACCEPTED, {"accepted": False}, CaseClass.RETURNED),
    (Status.DECIDED, {"immediate": True}, CaseClass.IMMEDIATE),
    (Status.DECIDED, {"immediate": True, "urgent": True, "deferred_materials": True}, CaseClass.IMMEDIATE),
    (Status.RECEIVED, {"accepted": False}, CaseClass.PENDING),
    (Status.SUPPLEMENT, {"accepted": False}, CaseClass.PENDING),
    (Status.WITHDRAWN, {"accepted": False}, CaseClass.PENDING),
    (Status.ACCEPTED, {"urgent": True}, CaseClass.URGENT),
    (Status.ACCEPTED, {"urgent": True, "deferred_materials": True}, CaseClass.URGENT),
    (Status.IN_PROGRESS, {"deferred_materials": True}, CaseClass.DEFERRED),
    (Status.ACCEPTED, {}, CaseClass.PROMISED),
    (Status.DELIVERED, {}, CaseClass.PROMISED),
    (Status.ACCEPTED, {"reported": True}, CaseClass.REPORTED),
    (Status.ACCEPTED, {"reported": True, "urgent": True, "deferred_materials": True}, CaseClass.REPORTED),
    (Status.DELIVERED, {"reported": True}, CaseClass.REPORTED),
    (Status.RECEIVED, {"reported": True, "accepted": False}, CaseClass.PENDING),
    (Status.RETURNED, {"reported": True}, CaseClass.RETURNED),
])
def test_derive_class(status, facts, expected):
    assert derive_class(status=status, **{**FACTS, **facts}) == expected


# --- the same table through the services ------------------------------------------------------------------

def _receive(cast, code="SP-01"):
    materials = ALL_GOOD if code == "SP-01" else [{"material": "申请书", "received_as": "PAPER"}]
    return svc.receive_case(actor=cast["window_a"], item_code=code, applicant=applicant(), materials=materials,
                            now=MONDAY).number


def _supplement(cast, n):
    svc.add_supplement_line(actor=cast["window_a"], number=n, material="申请书", problem="未签字", now=MONDAY)
    svc.serve_supplement_notice(actor=cast["window_a"], number=n, now=MONDAY)


def _refuse(action):
    return lambda cast, n: svc.refuse_case(actor=cast["window_a"], number=n, action=action, reason="理由",
                                           competent_organ="省市场监督管理局",
                                           competent_organ_contact="0591-12345678", now=MONDAY)


def _return(cast, n):
    """退件: the window's own before acceptance; after it the handler asks and a leader approves."""
    if Case.objects.get(number=n).accepted_at is None:
        svc.return_case(actor=cast[u], number=n, reason="材料退回", now=MONDAY)
        return
    request = svc.request_return(actor=cast[u], number=n, reason="经研究确认为退回件", now=MONDAY)
    svc.approve_return(actor=cast["leader"], request_id=request.pk, now=MONDAY)


u = "window_a"  # every service call below acts as the first handler
DO = {
    Action.FIX_ON_SPOT: lambda c, n: svc.fix_on_spot(actor=c[u], number=n, note="日期笔误", now=MONDAY),
    Action.SERVE_SUPPLEMENT: _supplement,
    Action.RESUBMIT: lambda c, n: svc.resubmit(actor=c[u], number=n, materials=[{"material": "申请书"}],
                                               now=MONDAY),
    Action.ACCEPT: lambda c, n: svc.accept_case(actor=c[u], number=n, now=MONDAY),
    Action.ACCEPT_IMMEDIATE: lambda c, n: svc.accept_immediately(actor=c[u], number=n, now=MONDAY),
    Action.DEEM_ACCEPTED: lambda c, n: svc.apply_deemed_acceptance(now=MONDAY + dt.timedelta(days=30)),
    Action.NOT_LICENSED: _refuse(Action.NOT_LICENSED),
    Action.OUTSIDE_POWERS: _refuse(Action.OUTSIDE_POWERS),
    Action.REJECT: _refuse(Action.REJECT),
    Action.START: lambda c, n: svc.start_case(actor=c[u], number=n, now=MONDAY),
    Action.DECIDE: lambda c, n: svc.decide_case(actor=c[u], number=n, outcome="GRANTED", now=MONDAY),
    Action.DELIVER: lambda c, n: svc.deliver_case(actor=c[u], number=n, method="PICKUP", received_by="张三",
                                                  now=MONDAY),
    Action.ARCHIVE: lambda c, n: svc.archive_case(actor=c[u], number=n, now=MONDAY),
    Action.WITHDRAW: lambda c, n: svc.withdraw_case(actor=c[u], number=n, reason="申请人撤回", now=MONDAY),
    Action.RETURN: _return,
}

# How to bring a freshly received case into each status, through the services only.
PATH = {
    Status.RECEIVED: [],
    Status.SUPPLEMENT: [Action.SERVE_SUPPLEMENT],
    Status.ACCEPTED: [Action.ACCEPT],
    Status.IN_PROGRESS: [Action.ACCEPT, Action.START],
    Status.DECIDED: [Action.ACCEPT, Action.START, Action.DECIDE],
    Status.DELIVERED: [Action.ACCEPT, Action.START, Action.DECIDE, Action.DELIVER],
    Status.ARCHIVED: [Action.ACCEPT, Action.START, Action.DECIDE, Action.DELIVER, Action.ARCHIVE],
    Status.NOT_ACCEPTED: [Action.REJECT],
    Status.WITHDRAWN: [Action.WITHDRAW],
    Status.RETURNED: [Action.RETURN],
}


def drive(cast, status, code="SP-01"):
    number = _receive(cast, code)
    for action in PATH[status]:
        DO[action](cast, number)
    assert Case.objects.get(number=number).status == status
    return number


ALLOWED = sorted(TRANSITIONS, key=lambda p: (list(Status).index(p[0]), list(Action).index(p[1])))


def test_every_allowed_pair_is_covered():
    assert set(DO) == set(Action) - {Action.RECEIVE}
    assert set(PATH) == set(Status)


@pytest.mark.django_db
@pytest.mark.parametrize("status,action", ALLOWED, ids=[f"{s.value}-{a.value}" for s, a in ALLOWED])
def test_service_applies_each_allowed_transition(request, cast, item, status, action):
    code = "SP-01"
    if action == Action.ACCEPT_IMMEDIATE:
        request.getfixturevalue("immediate_item")
        code = "JB-01"
    number = drive(cast, status, code)
    before = CaseEvent.objects.filter(case__number=number, action=action.value).count()
    DO[action](cast, number)
    case = Case.objects.get(number=number)
    assert case.status == TRANSITIONS[(status, action)][0]
    event = CaseEvent.objects.filter(case__number=number, action=action.value).order_by("pk").last()
    assert CaseEvent.objects.filter(case__number=number, action=action.value).count() == before + 1
    assert (event.from_status, event.to_status) == (status, case.status)


FORBIDDEN = [
    (Status.RECEIVED, Action.DECIDE), (Status.RECEIVED, Action.START), (Status.RECEIVED, Action.RESUBMIT),
    (Status.RECEIVED, Action.DELIVER), (Status.RECEIVED, Action.ARCHIVE),
    (Status.SUPPLEMENT, Action.ACCEPT), (Status.SUPPLEMENT, Action.FIX_ON_SPOT),
    (Status.SUPPLEMENT, Action.NOT_LICENSED),
    (Status.ACCEPTED, Action.ACCEPT), (Status.ACCEPTED, Action.REJECT), (Status.ACCEPTED, Action.DELIVER),
    (Status.ACCEPTED, Action.SERVE_SUPPLEMENT),
    (Status.IN_PROGRESS, Action.DELIVER), (Status.IN_PROGRESS, Action.ARCHIVE), (Status.IN_PROGRESS, Action.START),
    (Status.DECIDED, Action.DECIDE), (Status.DECIDED, Action.WITHDRAW), (Status.DECIDED, Action.RETURN),
    (Status.DECIDED, Action.ARCHIVE),
    (Status.DELIVERED, Action.RETURN), (Status.DELIVERED, Action.DELIVER),
    (Status.ARCHIVED, Action.ARCHIVE), (Status.ARCHIVED, Action.WITHDRAW),
    (Status.NOT_ACCEPTED, Action.ACCEPT), (Status.WITHDRAWN, Action.RESUBMIT), (Status.RETURNED, Action.START),
]


def test_forbidden_sample_is_forbidden_by_the_table():
    assert all(pair not in TRANSITIONS for pair in FORBIDDEN)


@pytest.mark.django_db
@pytest.mark.parametrize("status,action", FORBIDDEN, ids=[f"{s.value}-{a.value}" for s, a in FORBIDDEN])
def test_service_refuses_each_forbidden_pair_with_conflict(cast, item, status, action):
    number = drive(cast, status)
    before = Case.objects.get(number=number)
    events = CaseEvent.objects.filter(case__number=number).count()
    with pytest.raises(Conflict):
        DO[action](cast, number)
    after = Case.objects.get(number=number)
    assert (after.status, after.version, after.case_class) == (before.status, before.version, before.case_class)
    assert CaseEvent.objects.filter(case__number=number).count() == events
