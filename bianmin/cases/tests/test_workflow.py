"""The lifecycle table against a table written out by hand from DOMAIN.md, then the same rules through the services.

Nothing here derives an expectation from ``workflow.TRANSITIONS``: ``EXPECTED`` below is the specification as
/work/shared/DOMAIN.md (and the reference documents it points to) states it, and the code must agree with it.
"""
import datetime as dt
import itertools

import pytest

from bianmin.accounts.roles import ROLE_PERMS, Perm, Role
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.workflow import (
    CLOSED,
    RUNNING,
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
from bianmin.testing.cases import GRANT
from bianmin.testing.factories import ALL_GOOD, MONDAY, applicant

# --- the expected table, by hand ----------------------------------------------------------------------------------
# (status, action) -> status after it. Section numbers are DOMAIN.md's; "ref." is the seed collection
# (reference/000_f610e4203aee5dd8.txt) DOMAIN.md summarises. Where DOMAIN.md says nothing, the row names the
# decision (docs/decisions/) that chose it. Every pair not listed here must be refused.
EXPECTED: dict[tuple[str, str], str] = {
    # Intake (受理审查) of received materials: the five outcomes of Art. 32 and nothing else.
    ("RECEIVED", "NOT_LICENSED"): "NOT_ACCEPTED",  # §2.4 Art. 32 (1): not a licensed matter, told at once, not accepted
    ("RECEIVED", "OUTSIDE_POWERS"): "NOT_ACCEPTED",  # §2.4 Art. 32 (2): 不予受理, naming the competent organ
    ("RECEIVED", "FIX_ON_SPOT"): "RECEIVED",  # §2.4 Art. 32 (3): fixed on the spot, still under review
    ("RECEIVED", "SERVE_SUPPLEMENT"): "SUPPLEMENT",  # §2.4 Art. 32 (4): one 补正 notice listing every correction
    ("RECEIVED", "DEEM_ACCEPTED"): "ACCEPTED",  # §2.4 Art. 32 (4): no notice within 5 working days → deemed accepted
    ("RECEIVED", "ACCEPT"): "ACCEPTED",  # §2.4 Art. 32 (5): complete → 受理, the decision timer starts
    ("RECEIVED", "ACCEPT_IMMEDIATE"): "DECIDED",  # §2.6 即办件: done on the spot (ref. 汤道河 第五条(一) 当场办理)
    ("RECEIVED", "REJECT"): "NOT_ACCEPTED",  # §2.4 refusal is a written outcome; §4 不予受理通知书 (organ "if any")
    ("RECEIVED", "RETURN"): "RETURNED",  # §2.6 退办件: materials returned with a notice (ref. 退回件通知单)
    # After a served 补正 notice: the applicant supplies, or the application is refused or returned.
    ("SUPPLEMENT", "RESUBMIT"): "RECEIVED",  # §2.4 a later notice only for newly supplied material: reviewed again
    ("SUPPLEMENT", "REJECT"): "NOT_ACCEPTED",  # §2.4 / §4 不予受理通知书 (ref. 汤道河 第五条(四): 不符合法定条件)
    ("SUPPLEMENT", "RETURN"): "RETURNED",  # §2.6 退办件, as from RECEIVED
    # The decision timer runs (§2.4 "decision timer from acceptance"; §2.5).
    ("ACCEPTED", "START"): "IN_PROGRESS",  # §2.7 steps 受理 → 办理 (decision 0015 §9: handed over within the limit)
    ("ACCEPTED", "DECIDE"): "DECIDED",  # §2.5 decided within the limit from acceptance; DOMAIN.md needs no start first
    ("IN_PROGRESS", "DECIDE"): "DECIDED",  # §2.5 / §4 result: 准予 or 不予, reasons, certificate
    ("ACCEPTED", "RETURN"): "RETURNED",  # §2.6 退办件 after acceptance: ref. "经请示领导研究后确认为退回件"
    ("IN_PROGRESS", "RETURN"): "RETURNED",  # the same (ref. 便民服务中心工作管理制度 (二)5; decision 0015 §3)
    # After the decision.
    ("DECIDED", "DELIVER"): "DELIVERED",  # §2.5 Art. 44 result served within 10 working days; §2.7 送达
    ("DELIVERED", "ARCHIVE"): "ARCHIVED",  # §2.7 steps 送达 → 归档
    # Closed without a decision: only archived (§2.6 a 退办件 stays countable as one; decision 0013 §6).
    ("NOT_ACCEPTED", "ARCHIVE"): "ARCHIVED",  # §2.6 / §2.7 归档
    ("RETURNED", "ARCHIVE"): "ARCHIVED",  # §2.6 / §2.7 归档
    ("WITHDRAWN", "ARCHIVE"): "ARCHIVED",  # §2.7 归档 (withdrawal itself: see below)
    # Withdrawal by the applicant (撤回): DOMAIN.md does not name it; the product allows it on any open case until
    # the decision (decision 0004 §3, decision 0015 follow-up 4: a pending 退件 request lapses on withdrawal).
    ("RECEIVED", "WITHDRAW"): "WITHDRAWN",
    ("SUPPLEMENT", "WITHDRAW"): "WITHDRAWN",
    ("ACCEPTED", "WITHDRAW"): "WITHDRAWN",
    ("IN_PROGRESS", "WITHDRAW"): "WITHDRAWN",
}
# RECEIVE creates the case (§2.4 "receipt"); it is no transition of an existing case.
NOT_A_TRANSITION = {"RECEIVE"}

# The permission DOMAIN.md dictates for a row; the other rows only need a real permission (the lead sets them).
# 退件 after acceptance is a leader's decision: ref. "经请示领导研究后确认为退回件的，再以退回件通知单退回"; the
# leader is who approves (§1), i.e. holds APPROVE (decision 0015 §3).
EXPECTED_PERMISSION: dict[tuple[str, str], Perm | str] = {
    ("ACCEPTED", "RETURN"): Perm.APPROVE,
    ("IN_PROGRESS", "RETURN"): Perm.APPROVE,
    # §2.4 Art. 32 (4): the law accepts an application not reviewed in time; no clerk can choose to (the sweep).
    ("RECEIVED", "DEEM_ACCEPTED"): "SYSTEM",
}

# §2.4: the decision timer runs from acceptance (or deemed acceptance) until the decision; §2.5 pauses do not
# change the status. Everything decided, delivered, refused, returned, withdrawn or archived is closed.
EXPECTED_RUNNING = {"ACCEPTED", "IN_PROGRESS"}
EXPECTED_CLOSED = {"DECIDED", "DELIVERED", "ARCHIVED", "NOT_ACCEPTED", "WITHDRAWN", "RETURNED"}

# Where workflow.py disagrees with DOMAIN.md, EXPECTED keeps DOMAIN.md's rule and the failing case below is given
# ``marks=pytest.mark.xfail(strict=True, reason=<the rule and its section>)``, so it turns red once the code is
# fixed. Today the code agrees on every pair and every dictated permission: there is none.


def _rows(pairs):
    return [pytest.param(s, a, id=f"{s}-{a}") for s, a in pairs]


ALLOWED = sorted(EXPECTED)
REFUSED = sorted(set(itertools.product(Status.values, Action.values)) - set(EXPECTED))


# --- the hand-written table is coherent ----------------------------------------------------------------------------

def test_the_expected_table_uses_the_workflows_words():
    """A renamed status or action must be renamed here on purpose, not silently dropped from the comparison."""
    named = {s for s, _ in EXPECTED} | set(EXPECTED.values()) | EXPECTED_RUNNING | EXPECTED_CLOSED
    assert named <= set(Status.values)
    assert {a for _, a in EXPECTED} | NOT_A_TRANSITION <= set(Action.values)


def test_the_expected_table_reaches_every_status_from_receipt_and_closed_cases_only_go_to_archive():
    reached, frontier = {"RECEIVED"}, ["RECEIVED"]
    while frontier:
        here = frontier.pop()
        for (status, _), target in EXPECTED.items():
            if status == here and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(Status.values)
    for (status, action), target in EXPECTED.items():
        if status in EXPECTED_CLOSED:
            assert target in EXPECTED_CLOSED, (status, action)
            assert (status, action, target) in {("DECIDED", "DELIVER", "DELIVERED")} or action == "ARCHIVE"
    assert not [pair for pair in EXPECTED if pair[0] == "ARCHIVED"]


# --- the code against it -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status,action", _rows(ALLOWED))
def test_each_allowed_pair_leads_where_domain_md_says(status, action):
    target = EXPECTED[(status, action)]
    assert next_status(status, action) == target
    assert next_status(Status(status), Action(action)) == target  # enums and stored strings alike
    assert Action(action) in actions_from(status) and Action(action) in actions_from(Status(status))
    assert permission_for(status, action) is not None


@pytest.mark.parametrize("status", Status.values)
def test_every_other_action_is_refused(status):
    refused = [action for s, action in REFUSED if s == status]
    assert [a for a in refused if next_status(status, a) is not None or permission_for(status, a) is not None
            or a in actions_from(status)] == []
    assert len(refused) + len([a for s, a in EXPECTED if s == status]) == len(Action)


def test_the_transition_table_has_exactly_the_expected_rows():
    """The same comparison on the table itself, for a readable difference when it fails."""
    assert {(s.value, a.value): t.value for (s, a), (t, _perm) in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize("status", Status.values)
def test_actions_from_lists_the_expected_actions_once_in_the_tables_order(status):
    listed = actions_from(status)
    assert sorted(listed) == sorted(a for s, a in EXPECTED if s == status)
    assert len(set(listed)) == len(listed)
    # The case page shows its buttons in the order the table declares them.
    declared = [a for (s, a) in TRANSITIONS if s == status]
    assert listed == declared


@pytest.mark.parametrize("status,action", _rows(ALLOWED))
def test_each_rows_permission(status, action):
    perm = permission_for(status, action)
    assert isinstance(perm, Perm) or perm == "SYSTEM"
    assert TRANSITIONS[(Status(status), Action(action))][1] is perm
    if (status, action) in EXPECTED_PERMISSION:
        assert perm == EXPECTED_PERMISSION[(status, action)]


def test_the_permission_of_a_return_after_acceptance_is_a_leaders_not_a_windows():
    assert {EXPECTED_PERMISSION[(s, "RETURN")] for s in ("ACCEPTED", "IN_PROGRESS")} == {Perm.APPROVE}
    assert Perm.APPROVE in ROLE_PERMS[Role.LEADER]
    assert Perm.APPROVE not in ROLE_PERMS[Role.WINDOW] and Perm.APPROVE not in ROLE_PERMS[Role.AGENT]


def test_running_and_closed_statuses_are_the_expected_ones():
    assert set(RUNNING) == EXPECTED_RUNNING
    assert set(CLOSED) == EXPECTED_CLOSED


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
    Action.ACCEPT_IMMEDIATE: lambda c, n: svc.accept_immediately(actor=c[u], number=n, now=MONDAY,
                                                                  certificate_number="JY-1"),
    Action.DEEM_ACCEPTED: lambda c, n: svc.apply_deemed_acceptance(now=MONDAY + dt.timedelta(days=30)),
    Action.NOT_LICENSED: _refuse(Action.NOT_LICENSED),
    Action.OUTSIDE_POWERS: _refuse(Action.OUTSIDE_POWERS),
    Action.REJECT: _refuse(Action.REJECT),
    Action.START: lambda c, n: svc.start_case(actor=c[u], number=n, now=MONDAY),
    Action.DECIDE: lambda c, n: svc.decide_case(actor=c[u], number=n, outcome="GRANTED", **GRANT, now=MONDAY),
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


def test_every_allowed_pair_is_covered():
    assert set(DO) == set(Action) - {Action.RECEIVE}
    assert set(PATH) == set(Status)


@pytest.mark.django_db
@pytest.mark.parametrize("status,action", _rows(ALLOWED))
def test_service_applies_each_allowed_transition(request, cast, item, status, action):
    status, action = Status(status), Action(action)
    code = "SP-01"
    if action == Action.ACCEPT_IMMEDIATE:
        request.getfixturevalue("immediate_item")
        code = "JB-01"
    number = drive(cast, status, code)
    before = CaseEvent.objects.filter(case__number=number, action=action.value).count()
    DO[action](cast, number)
    case = Case.objects.get(number=number)
    assert case.status == EXPECTED[(status.value, action.value)]
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


def test_the_forbidden_sample_is_refused_by_domain_md():
    assert all((s.value, a.value) in REFUSED for s, a in FORBIDDEN)


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


@pytest.mark.django_db
def test_no_user_can_deem_an_application_accepted(cast, org):
    """The SYSTEM row: even a window clerk of the receiving unit cannot apply 逾期视为受理 by hand."""
    from bianmin.cases.models import Case
    from bianmin.cases.policies import can_transition

    case = Case(status="RECEIVED", unit=org["center"], unit_path=org["center"].path)
    assert not can_transition(cast["window_a"], case, Action.DEEM_ACCEPTED)
    assert can_transition(cast["window_a"], case, Action.ACCEPT)
