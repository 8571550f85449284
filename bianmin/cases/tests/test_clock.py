"""Special-procedure pauses and the one extension (issue 4 items 2–3)."""
import datetime as dt

import pytest

from bianmin.cases import services as svc
from bianmin.cases.models import Case, ExtensionStatus, NoticeKind
from bianmin.core.errors import Conflict, DomainError, Forbidden
from bianmin.org.models import HeadOf
from bianmin.testing.cases import GRANT
from bianmin.testing.factories import ALL_GOOD, applicant

pytestmark = pytest.mark.django_db


def fresh(user):
    """A new user object, as a new request would have (per-request caches start empty)."""
    return type(user).objects.get(pk=user.pk)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour - 8, 0, tzinfo=dt.UTC)  # Beijing time


FRIDAY = dt.date(2026, 9, 25)  # the Friday before the 2026 National Day holiday (10/1–10/7; Sat 10/10 works)


@pytest.fixture
def accepted(cast, item):
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=at(FRIDAY))
    return svc.accept_case(actor=cast["window_a"], number=case.number, now=at(FRIDAY))


@pytest.fixture
def organ_head(cast):
    profile = cast["leader"].staff_profile
    profile.head_of = HeadOf.ORGAN
    profile.save()
    return cast["leader"]


def test_pause_then_extension_move_the_deadline(cast, accepted, organ_head):
    # 10 working days after Fri 9/25 skip 10/1–10/7 and count Sat 10/10: 9/28, 9/29, 9/30, 10/8, 10/9, 10/10,
    # 10/12, 10/13, 10/14, 10/15.
    assert accepted.committed_deadline == dt.date(2026, 10, 15)
    svc.start_pause(actor=cast["window_a"], number=accepted.number, kind="TESTING", basis="送检样品",
                    expected_days=3, now=at(dt.date(2026, 10, 12)))
    notice = accepted.notices.get(kind=NoticeKind.SPECIAL)
    assert notice.content["procedure"] == "检测" and "预计3个工作日" in notice.content["expected"]
    with pytest.raises(Conflict) as exc:
        svc.decide_case(actor=cast["window_a"], number=accepted.number, outcome="GRANTED", **GRANT,
                        now=at(dt.date(2026, 10, 13)))
    assert exc.value.code == "paused"
    pause = svc.end_pause(actor=cast["window_a"], number=accepted.number, result="检测合格",
                          now=at(dt.date(2026, 10, 15)))
    assert pause.paused_working_days == 3
    case = Case.objects.get(pk=accepted.pk)
    assert case.committed_deadline == dt.date(2026, 10, 20)  # +3 working days: 10/16, 10/19, 10/20
    assert case.legal_deadline == dt.date(2026, 11, 3)  # legal 20 working days (10/29) + 3
    extension = svc.request_extension(actor=cast["window_a"], number=case.number, reason="需补充现场核查",
                                      now=at(dt.date(2026, 10, 16)))
    svc.approve_extension(actor=organ_head, extension_id=extension.pk, now=at(dt.date(2026, 10, 16)))
    case.refresh_from_db()
    assert case.committed_deadline == dt.date(2026, 11, 3)  # +10 working days
    ext_notice = case.notices.get(kind=NoticeKind.EXTENSION)
    assert ext_notice.content["committed_deadline"] == "2026年11月03日" and ext_notice.content["approver"]
    with pytest.raises(Conflict) as exc:
        svc.request_extension(actor=cast["window_a"], number=case.number, reason="再次延期",
                              now=at(dt.date(2026, 10, 19)))
    assert exc.value.code == "extension_once"
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT,
                    now=at(dt.date(2026, 10, 20)))


def test_pause_only_where_the_item_allows_and_never_overlapping(cast, accepted):
    with pytest.raises(DomainError) as exc:
        svc.start_pause(actor=cast["window_a"], number=accepted.number, kind="HEARING", basis="x", expected_days=2,
                        now=at(FRIDAY))
    assert "kind" in exc.value.fields
    svc.start_pause(actor=cast["window_a"], number=accepted.number, kind="INSPECTION", basis="检验",
                    expected_days=2, now=at(FRIDAY))
    with pytest.raises(Conflict):
        svc.start_pause(actor=cast["window_a"], number=accepted.number, kind="TESTING", basis="检测",
                        expected_days=2, now=at(FRIDAY))
    with pytest.raises(Forbidden):
        svc.end_pause(actor=cast["window_b"], number=accepted.number, result="x", now=at(FRIDAY))


def test_pause_before_acceptance_is_refused(cast, item):
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=at(FRIDAY))
    with pytest.raises(Conflict):
        svc.start_pause(actor=cast["window_a"], number=case.number, kind="TESTING", basis="x", expected_days=1,
                        now=at(FRIDAY))


def test_extension_needs_the_organ_head(cast, accepted):
    extension = svc.request_extension(actor=cast["window_a"], number=accepted.number, reason="复杂",
                                      now=at(FRIDAY))
    with pytest.raises(Forbidden):
        svc.approve_extension(actor=cast["leader"], extension_id=extension.pk, now=at(FRIDAY))  # not a head
    with pytest.raises(Forbidden):
        svc.approve_extension(actor=cast["window_a"], extension_id=extension.pk, now=at(FRIDAY))
    profile = cast["leader"].staff_profile
    profile.head_of = HeadOf.ORGAN
    profile.save()
    with pytest.raises(DomainError):
        svc.reject_extension(actor=fresh(cast["leader"]), extension_id=extension.pk, now=at(FRIDAY), note="")
    svc.reject_extension(actor=fresh(cast["leader"]), extension_id=extension.pk, now=at(FRIDAY), note="理由不充分")
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.REJECTED
    assert Case.objects.get(pk=accepted.pk).committed_deadline == accepted.committed_deadline


def test_joint_item_extension_needs_the_government_head(cast, accepted, org):
    accepted.item_version.joint_units.add(org["dept"])
    profile = cast["leader"].staff_profile
    profile.head_of = HeadOf.ORGAN
    profile.save()
    extension = svc.request_extension(actor=cast["window_a"], number=accepted.number, reason="联办", now=at(FRIDAY))
    with pytest.raises(Forbidden):
        svc.approve_extension(actor=cast["leader"], extension_id=extension.pk, now=at(FRIDAY))
    profile.head_of = HeadOf.GOVERNMENT
    profile.save()
    svc.approve_extension(actor=fresh(cast["leader"]), extension_id=extension.pk, now=at(FRIDAY))


def test_extension_refused_when_the_item_does_not_allow_it(cast, immediate_item):
    case = svc.receive_case(actor=cast["window_a"], item_code="JB-01", applicant=applicant(),
                            materials=[{"material": "申请书", "received_as": "PAPER"}], now=at(FRIDAY))
    case = svc.accept_case(actor=cast["window_a"], number=case.number, now=at(FRIDAY))
    with pytest.raises(Conflict):
        svc.request_extension(actor=cast["window_a"], number=case.number, reason="x", now=at(FRIDAY))


def test_finalising_a_year_recomputes_open_provisional_cases(cast, item, organ_head):
    from bianmin.cases.services.calendar_change import finalize_year_and_recompute
    from bianmin.workdays.provisional import statutory_holidays

    december = dt.date(2026, 12, 21)
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=at(december))
    case = svc.accept_case(actor=cast["window_a"], number=case.number, now=at(december))
    closed = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                              now=at(december))
    closed = svc.accept_case(actor=cast["window_a"], number=closed.number, now=at(december))
    svc.decide_case(actor=cast["window_a"], number=closed.number, outcome="GRANTED", **GRANT, now=at(december))
    assert case.deadline_provisional and case.committed_deadline == dt.date(2027, 1, 5)  # 1/1 off provisionally
    # A fictional official 2027 schedule: the statutory days plus an extra rest day on Mon 2027-01-04.
    days = [(d, "REST", n) for d, n in statutory_holidays(2027)] + [(dt.date(2027, 1, 4), "REST", "元旦")]
    _year, changed = finalize_year_and_recompute(actor=cast["sysadmin"], year=2027, notice="国办发明电〔2026〕9号",
                                                 days=days, published_on=None, now=at(dt.date(2026, 12, 22)))
    assert changed == [case.number]
    case.refresh_from_db()
    assert not case.deadline_provisional and case.committed_deadline == dt.date(2027, 1, 6)
    assert case.deadline_changed_at is not None
    event = case.events.get(action="DEADLINES_RECOMPUTED")
    assert "2027-01-05 → 2027-01-06" in event.opinion
    assert Case.objects.get(pk=closed.pk).deadline_changed_at is None  # decided cases are left alone


def test_no_pause_or_extension_once_the_deadline_has_passed(cast, accepted, organ_head):
    late = at(dt.date(2026, 10, 16))  # the committed deadline was 10/15
    with pytest.raises(Conflict) as exc:
        svc.start_pause(actor=cast["window_a"], number=accepted.number, kind="TESTING", basis="送检",
                        expected_days=3, now=late)
    assert exc.value.code == "deadline_passed"
    with pytest.raises(Conflict) as exc:
        svc.request_extension(actor=cast["window_a"], number=accepted.number, reason="复杂", now=late)
    assert exc.value.code == "deadline_passed"
    # Asked in time, but a decision after the deadline cannot undo a missed deadline either.
    extension = svc.request_extension(actor=cast["window_a"], number=accepted.number, reason="复杂",
                                      now=at(dt.date(2026, 10, 15)))
    with pytest.raises(Conflict):
        svc.approve_extension(actor=fresh(organ_head), extension_id=extension.pk, now=late)
    assert Case.objects.get(pk=accepted.pk).committed_deadline == dt.date(2026, 10, 15)


def test_stamp_keeps_red_while_the_new_deadline_is_still_past_and_uses_the_item_limit(accepted):
    from bianmin.cases.services.core import stamp_warning

    case = Case.objects.select_related("unit__region", "item_version").get(pk=accepted.pk)
    case.warning_level = "RED"
    stamp_warning(case, dt.date(2026, 10, 20))  # deadline 10/15 is still past: stays recorded as red
    assert case.warning_level == "RED"
    stamp_warning(case, dt.date(2026, 10, 1))
    assert case.warning_level == ""
    case.committed_days = None  # bulk-loaded cases: the item's committed limit (10) gives the threshold (3)
    stamp_warning(case, dt.date(2026, 10, 1))
    assert case.yellow_on == dt.date(2026, 10, 12)


def test_returning_a_case_after_its_deadline_marks_it_late_but_not_while_paused(cast, accepted):
    request = svc.request_return(actor=cast["window_a"], number=accepted.number, reason="申请人要求退件",
                                 now=at(dt.date(2026, 10, 16)))
    svc.approve_return(actor=cast["leader"], request_id=request.pk, now=at(dt.date(2026, 10, 16)))
    assert Case.objects.get(pk=accepted.pk).warning_level == "LATE"
    other = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(name="李四"),
                             materials=ALL_GOOD, now=at(FRIDAY))
    svc.accept_case(actor=cast["window_a"], number=other.number, now=at(FRIDAY))
    svc.start_pause(actor=cast["window_a"], number=other.number, kind="TESTING", basis="送检", expected_days=5,
                    now=at(dt.date(2026, 10, 14)))
    svc.withdraw_case(actor=cast["window_a"], number=other.number, reason="申请人撤回",
                      now=at(dt.date(2026, 10, 16)))
    assert Case.objects.get(pk=other.pk).warning_level == ""  # the clock was stopped: not late
