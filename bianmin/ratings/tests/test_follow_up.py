"""The rules of a rating and of the 差评 follow-up (issue 17 items 1–2): one rating per instance, the follow-up's due
dates and steps, the 追评, appeals and the confirmation into an accountability record."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.core.errors import Conflict, DomainError, Forbidden
from bianmin.ratings import services as rs
from bianmin.ratings.models import AppealStatus, BadRatingFollowUp, Channel, FollowUpStatus, Rating, Subject
from bianmin.testing.cases import receive
from bianmin.testing.factories import MON, at

from .helpers import EVALUATOR_NAME, EVALUATOR_PHONE, RATED_AT, bad_rating, delivered

pytestmark = pytest.mark.django_db
TUE, WED = MON + dt.timedelta(days=1), MON + dt.timedelta(days=2)


def test_one_rating_per_instance(cast, item):
    case = delivered(cast)
    rs.record_rating(subject=Subject.CASE, instance=case, level=5, channel=Channel.QR, now=RATED_AT)
    with pytest.raises(Conflict) as err:
        rs.record_rating(subject=Subject.CASE, instance=case, level=1, channel=Channel.SMS, now=RATED_AT)
    assert err.value.code == "already_rated" and err.value.status == 409
    assert Rating.objects.filter(case=case).count() == 1


def test_no_rating_before_delivery(cast, item):
    case = receive(cast)
    with pytest.raises(Conflict) as err:
        rs.record_rating(subject=Subject.CASE, instance=case, level=5, channel=Channel.QR, now=RATED_AT)
    assert err.value.status == 409 and not Rating.objects.exists()


@pytest.mark.parametrize("level", [0, 6, "x", None])
def test_a_bad_level_names_level(cast, item, level):
    case = delivered(cast)
    with pytest.raises(DomainError) as err:
        rs.record_rating(subject=Subject.CASE, instance=case, level=level, channel=Channel.QR, now=RATED_AT)
    assert err.value.status == 400 and "level" in err.value.fields


def test_a_real_name_bad_rating_opens_its_follow_up_with_its_due_dates(cast, item):
    rating = bad_rating(cast)
    follow_up = rating.follow_up
    assert follow_up.status == FollowUpStatus.VISIT
    assert follow_up.visit_due_on == TUE  # 1 working day
    assert follow_up.rectify_due_on == dt.date(2026, 3, 23)  # 15 working days, no holiday in March 2026


def test_an_anonymous_or_good_rating_opens_none(cast, item):
    assert not hasattr(bad_rating(cast, real_name=False), "follow_up")
    case = delivered(cast)
    good = rs.record_rating(subject=Subject.CASE, instance=case, level=4, channel=Channel.QR, now=RATED_AT,
                            evaluator_name=EVALUATOR_NAME)
    assert not BadRatingFollowUp.objects.filter(rating=good).exists()


def test_visit_rectify_tell_and_one_follow_up_rating(cast, item):
    rating = bad_rating(cast)
    leader = cast["leader"]
    with pytest.raises(Conflict):  # 追评 before the result was told
        rs.rate_again(parent=rating, level=5, channel=Channel.QR, now=at(TUE))
    with pytest.raises(Conflict):  # 整改 before the 回访
        rs.record_rectification(actor=leader, rating_id=rating.pk, rectification="培训", now=at(TUE))
    with pytest.raises(DomainError) as err:
        rs.record_visit(actor=leader, rating_id=rating.pk, note="  ", now=at(TUE))
    assert "note" in err.value.fields
    rs.record_visit(actor=leader, rating_id=rating.pk, note="申请人反映等候时间长", now=at(TUE))
    with pytest.raises(Conflict):
        rs.tell_result(actor=leader, rating_id=rating.pk, note="已告知", now=at(TUE))
    rs.record_rectification(actor=leader, rating_id=rating.pk, rectification="增开窗口", now=at(WED))
    with pytest.raises(Conflict):
        rs.rate_again(parent=rating, level=5, channel=Channel.QR, now=at(WED))
    follow_up = rs.tell_result(actor=cast["supervisor"], rating_id=rating.pk, note="电话告知整改结果", now=at(WED))
    assert follow_up.status == FollowUpStatus.TOLD
    with pytest.raises(DomainError) as err:
        rs.rate_again(parent=rating, level=5, channel=Channel.DEFAULT, now=at(WED, 12))
    assert "channel" in err.value.fields
    again = rs.rate_again(parent=rating, level=4, comment="有改进", channel=Channel.SMS, now=at(WED, 12))
    assert again.parent_id == rating.pk and again.case_id == rating.case_id and again.staff_id == rating.staff_id
    assert BadRatingFollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.CLOSED
    with pytest.raises(Conflict) as second:
        rs.rate_again(parent=rating, level=5, channel=Channel.QR, now=at(WED, 13))
    assert second.value.status == 409
    assert Rating.objects.filter(parent=rating).count() == 1
    assert AuditEntry.objects.filter(object_type__icontains="followup").count() >= 3


def test_who_follows_up(cast, item):
    rating = bad_rating(cast)
    for member in ("window_a", "window_b", "town_window", "agent"):
        with pytest.raises((Forbidden, DomainError)) as err:
            rs.record_visit(actor=cast[member], rating_id=rating.pk, note="回访", now=at(TUE))
        assert err.value.status in (403, 404)
    assert BadRatingFollowUp.objects.get(rating=rating).visited_at is None


def test_appeal_upheld_excludes_the_rating_with_the_reason(cast, item):
    rating = bad_rating(cast)
    with pytest.raises(DomainError) as other:  # another clerk does not even see it
        rs.appeal_rating(actor=cast["window_b"], rating_id=rating.pk, reason_kind="MISTAKEN", reason="x",
                         now=at(TUE))
    assert other.value.status == 404
    with pytest.raises(Forbidden):  # the leader sees it, but it is not theirs
        rs.appeal_rating(actor=cast["leader"], rating_id=rating.pk, reason_kind="MISTAKEN", reason="x",
                         now=at(TUE))
    with pytest.raises(DomainError) as err:
        rs.appeal_rating(actor=cast["window_a"], rating_id=rating.pk, reason_kind="NOPE", reason="", now=at(TUE))
    assert {"reason_kind", "reason"} <= set(err.value.fields)
    rs.appeal_rating(actor=cast["window_a"], rating_id=rating.pk, reason_kind="MALICIOUS",
                     reason="评价人当天未来办事", now=at(TUE))
    with pytest.raises(Conflict):  # one pending at a time
        rs.appeal_rating(actor=cast["window_a"], rating_id=rating.pk, reason_kind="MISTAKEN", reason="再次",
                         now=at(TUE))
    with pytest.raises(Forbidden):  # a leader is not the one who decides
        rs.decide_appeal(actor=cast["leader"], rating_id=rating.pk, uphold=True, note="成立", now=at(WED))
    appeal = rs.decide_appeal(actor=cast["supervisor"], rating_id=rating.pk, uphold=True, note="经核实系恶意评价",
                              now=at(WED))
    assert appeal.status == AppealStatus.UPHELD
    rating.refresh_from_db()
    assert rating.excluded and "经核实系恶意评价" in rating.excluded_reason
    with pytest.raises(Conflict):  # excluded: nothing to confirm
        rs.confirm_bad_rating(actor=cast["supervisor"], rating_id=rating.pk, description="查实", now=at(WED))


def test_appeal_rejected_keeps_the_rating(cast, item):
    rating = bad_rating(cast)
    rs.appeal_rating(actor=cast["window_a"], rating_id=rating.pk, reason_kind="MISTAKEN", reason="点错", now=at(TUE))
    rs.decide_appeal(actor=cast["supervisor"], rating_id=rating.pk, uphold=False, note="不成立", now=at(WED))
    rating.refresh_from_db()
    assert not rating.excluded
    # a new appeal after a rejected one is allowed (only one pending at a time)
    rs.appeal_rating(actor=cast["window_a"], rating_id=rating.pk, reason_kind="MISTAKEN", reason="补充证据",
                     now=at(WED))


def test_confirm_makes_one_bad_rating_violation(cast, item):
    rating = bad_rating(cast)
    with pytest.raises(Forbidden):
        rs.confirm_bad_rating(actor=cast["leader"], rating_id=rating.pk, description="查实", now=at(WED))
    rs.confirm_bad_rating(actor=cast["supervisor"], rating_id=rating.pk, description="调阅录像查实", now=at(WED))
    violations = Violation.objects.filter(kind=ViolationKind.BAD_RATING)
    assert violations.count() == 1
    violation = violations.get()
    assert violation.staff == cast["window_a"].staff_profile and violation.case_id == rating.case_id
    assert EVALUATOR_NAME not in violation.description and EVALUATOR_PHONE not in violation.description
    with pytest.raises(Conflict):
        rs.confirm_bad_rating(actor=cast["supervisor"], rating_id=rating.pk, description="再查实", now=at(WED))
    assert violations.count() == 1


def test_reveal_is_for_supervisors_with_a_reason_and_audited(cast, item):
    rating = bad_rating(cast)
    for member in ("window_a", "leader"):
        with pytest.raises(DomainError) as err:
            rs.reveal_evaluator(actor=cast[member], rating_id=rating.pk, reason="核实情况", now=at(TUE))
        assert err.value.status in (403, 404)
    with pytest.raises(DomainError) as err:
        rs.reveal_evaluator(actor=cast["supervisor"], rating_id=rating.pk, reason=" ", now=at(TUE))
    assert "reason" in err.value.fields
    assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).exists()
    found = rs.reveal_evaluator(actor=cast["supervisor"], rating_id=rating.pk, reason="核实投诉情况", now=at(TUE))
    assert (found.name, found.phone) == (EVALUATOR_NAME, EVALUATOR_PHONE)
    entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_VIEW)
    assert entry.data["reason"] == "核实投诉情况" and EVALUATOR_PHONE not in entry.summary
