"""The 工作台's counts (issue 12 item 7): what waits for each role, one COUNT per kind."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.accountability.selectors import desk_counts
from bianmin.cases import services as svc
from bianmin.testing.cases import receive
from bianmin.testing.desk import LATE_DAY, busy_center, make_head
from bianmin.testing.factories import MON, at

pytestmark = pytest.mark.django_db


def fresh(user):
    """A new user object, as a new request would have (per-request caches start empty)."""
    return type(user).objects.get(pk=user.pk)


def counted(user, today=LATE_DAY) -> dict[str, int]:
    return {c.key: c.count for c in desk_counts(fresh(user), today)}


@pytest.fixture
def busy(cast, org, item):
    return busy_center(cast, org)


def test_each_role_sees_the_counts_it_may_act_on(cast, busy):
    # window_a: the application, its three running cases all past 03-16 (none paused), its open inquiry.
    assert counted(cast["window_a"]) == {"intake": 1, "red": 3, "yellow": 0, "inquiries": 1, "relays": 0}
    assert counted(cast["window_b"]) == {"intake": 1, "red": 0, "yellow": 0, "inquiries": 0, "relays": 0}
    # An extension is counted only for a leader who may decide it: the head of the organ (or the government).
    assert counted(cast["leader"]) == {"inquiries": 0, "transfers": 1, "extensions": 0, "returns": 1,
                                       "deferred": 1, "sanctions": 1}
    make_head(cast["leader"])
    assert counted(cast["leader"])["extensions"] == 1
    assert counted(cast["supervisor"]) == {"violations": 1}
    for nobody in ("sysadmin", "secadmin", "auditor", "nobody"):
        assert counted(cast[nobody]) == {}


def test_yellow_before_red(cast, busy):
    assert counted(cast["window_a"], today=MON.replace(day=13))["yellow"] == 3
    assert counted(cast["window_a"], today=MON.replace(day=13))["red"] == 0


def test_a_leader_is_not_asked_to_decide_a_sanction_about_themselves(cast, busy):
    from bianmin.accountability import services as acc
    from bianmin.accountability.models import Severity, ViolationKind

    record = acc.record_violation(actor=cast["supervisor"], staff=cast["leader"].staff_profile.badge_number,
                                  kind=ViolationKind.ATTITUDE, occurred_on=MON, description="迟到", now=at(MON))
    acc.propose_sanction(actor=cast["supervisor"], pk=record.pk, severity=Severity.MINOR, sanction="书面告诫",
                         reason="情节较轻", now=at(MON))
    assert counted(cast["leader"])["sanctions"] == 1


def test_each_count_links_to_a_list_of_its_rows(cast, busy):
    pages = {c.key: (c.page, c.query) for c in desk_counts(fresh(cast["leader"]), LATE_DAY)}
    assert pages["transfers"] == ("backoffice:approvals", "#transfers")
    pages = {c.key: (c.page, c.query) for c in desk_counts(fresh(cast["window_a"]), LATE_DAY)}
    assert pages["red"] == ("backoffice:cases", "?desk=red")
    assert pages["inquiries"] == ("backoffice:inquiries", "?status=OPEN&mine=1")
    alarms = {c.key for c in desk_counts(fresh(cast["window_a"]), LATE_DAY) if c.alarm}
    assert alarms == {"red"}


@pytest.mark.parametrize("who", ["window_a", "leader", "supervisor"])
def test_counting_costs_the_same_queries_however_many_rows(cast, busy, who):
    make_head(cast["leader"])

    def queries() -> int:
        user = fresh(cast[who])
        desk_counts(user, LATE_DAY)  # the profile and roles, cached for the request
        with CaptureQueriesContext(connection) as q:
            desk_counts(user, LATE_DAY)
        return len(q.captured_queries)

    before = queries()
    kinds = len(desk_counts(fresh(cast[who]), LATE_DAY))
    assert before <= kinds + 2  # one COUNT per kind, plus whom window staff stand in for
    clerk = cast["window_a"]
    for _ in range(3):
        receive(cast)
        case = svc.accept_case(actor=clerk, number=receive(cast).number, now=at(MON))
        svc.request_extension(actor=clerk, number=case.number, reason="复杂", now=at(MON, 10))
    assert queries() == before
    assert counted(cast["leader"])["extensions"] == 4
