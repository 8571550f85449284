"""The sweep's rating steps: yellow before a 差评 follow-up step is due, the late records, the optional default
rating."""
from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.notifications.models import DigestItem
from bianmin.ratings import services as rs
from bianmin.ratings.models import BadRatingFollowUp, Channel, Level, Rating
from bianmin.ratings.sweep import sweep_default_ratings, sweep_rating_follow_ups
from bianmin.testing.factories import MON, at

from .helpers import bad_rating, delivered

pytestmark = pytest.mark.django_db
TUE, WED = MON + dt.timedelta(days=1), MON + dt.timedelta(days=2)


def _late() -> list[Violation]:
    return list(Violation.objects.filter(kind=ViolationKind.RATING_FOLLOW_UP_LATE).order_by("pk"))


def test_yellow_the_working_day_before_the_visit_is_due_then_late(cast, item):
    rating = bad_rating(cast)  # Monday; the 回访 is due Tuesday
    assert sweep_rating_follow_ups(now=at(MON, 16)) == 1
    follow_up = BadRatingFollowUp.objects.get(rating=rating)
    assert follow_up.warning_level == "YELLOW"
    lines = list(DigestItem.objects.filter(kind="YELLOW"))
    assert [d.recipient_id for d in lines] == [cast["leader"].pk]  # the leader who follows the unit up
    assert "回访" in lines[0].text and f"/staff/ratings/{rating.pk}/" == lines[0].link
    assert sweep_rating_follow_ups(now=at(MON, 17)) == 0  # announced once
    assert sweep_rating_follow_ups(now=at(TUE, 17)) == 0  # due today: not late yet
    assert _late() == []
    assert sweep_rating_follow_ups(now=at(WED, 9)) == 1
    follow_up.refresh_from_db()
    assert follow_up.visit_late and not follow_up.rectify_late and follow_up.warning_level == "RED"
    [violation] = _late()
    assert violation.staff == cast["leader"].staff_profile  # no 首席责任人: the nearest leader
    assert violation.dedupe_key == f"RATING_FU:{follow_up.pk}:visit" and violation.occurred_on == WED
    assert sweep_rating_follow_ups(now=at(WED, 10)) == 0 and len(_late()) == 1  # once per follow-up and step


def test_the_chief_responsible_carries_a_late_step(cast, item, org):
    org["center"].chief_responsible = cast["supervisor"].staff_profile
    org["center"].save(update_fields=["chief_responsible"])
    bad_rating(cast)
    sweep_rating_follow_ups(now=at(WED))
    assert [v.staff for v in _late()] == [cast["supervisor"].staff_profile]


def test_a_visit_done_late_before_the_sweep_is_recorded_and_the_rectify_step_is_yellowed(cast, item):
    rating = bad_rating(cast)
    rs.record_visit(actor=cast["leader"], rating_id=rating.pk, note="回访", now=at(WED))  # due Tuesday
    assert BadRatingFollowUp.objects.get(rating=rating).warning_level == "LATE"
    sweep_rating_follow_ups(now=at(WED, 12))
    follow_up = BadRatingFollowUp.objects.get(rating=rating)
    assert follow_up.visit_late and [v.dedupe_key for v in _late()] == [f"RATING_FU:{follow_up.pk}:visit"]
    assert follow_up.warning_level == ""
    # 整改 due Monday 2026-03-23: yellow from Friday 03-20, late from Tuesday 03-24
    assert sweep_rating_follow_ups(now=at(dt.date(2026, 3, 19))) == 0
    assert sweep_rating_follow_ups(now=at(dt.date(2026, 3, 20))) == 1
    assert BadRatingFollowUp.objects.get(rating=rating).warning_level == "YELLOW"
    assert DigestItem.objects.filter(kind="YELLOW", text__contains="整改").count() == 1
    sweep_rating_follow_ups(now=at(dt.date(2026, 3, 24)))
    follow_up.refresh_from_db()
    assert follow_up.rectify_late
    assert [v.dedupe_key for v in _late()] == [f"RATING_FU:{follow_up.pk}:visit", f"RATING_FU:{follow_up.pk}:rectify"]


def test_steps_done_on_time_record_nothing(cast, item):
    rating = bad_rating(cast)
    rs.record_visit(actor=cast["leader"], rating_id=rating.pk, note="回访", now=at(TUE))
    rs.record_rectification(actor=cast["leader"], rating_id=rating.pk, rectification="整改", now=at(WED))
    rs.tell_result(actor=cast["leader"], rating_id=rating.pk, note="已告知", now=at(WED))
    for day in (WED, dt.date(2026, 3, 20), dt.date(2026, 4, 1)):
        sweep_rating_follow_ups(now=at(day))
    assert _late() == []


def test_default_rating_is_off_by_default(cast, item):
    delivered(cast)
    assert sweep_default_ratings(now=at(MON) + dt.timedelta(days=30)) == 0
    assert not Rating.objects.exists()


@override_settings(BIANMIN={**settings.BIANMIN, "RATING_DEFAULT": {"days": 7, "level": 3}})
def test_default_rating_after_n_natural_days_when_set(cast, item):
    case = delivered(cast)  # delivered Monday 11:00
    other = delivered(cast)
    rs.record_rating(subject="CASE", instance=other, level=5, channel=Channel.QR, now=at(TUE))
    assert sweep_default_ratings(now=at(MON, 10) + dt.timedelta(days=7)) == 0  # not 7 days yet
    assert sweep_default_ratings(now=at(MON, 12) + dt.timedelta(days=7)) == 1
    rating = Rating.objects.get(case=case)
    assert (rating.channel, rating.level, rating.real_name) == (Channel.DEFAULT, Level.BASIC, False)
    assert rating.staff == cast["window_a"].staff_profile
    assert not BadRatingFollowUp.objects.exists()
    assert Rating.objects.get(case=other).channel == Channel.QR  # the citizen's own rating stands
    assert sweep_default_ratings(now=at(MON, 12) + dt.timedelta(days=8)) == 0
