"""差评 and complaints join the joint-meeting agenda (issue 17 item 4), without the evaluator or the complainant."""
import datetime as dt

import pytest
import time_machine

from bianmin.meetings.models import Meeting
from bianmin.meetings.selectors import collect_agenda
from bianmin.ratings.models import BadRatingFollowUp
from bianmin.stats.tests.voice_scenario import (
    COMPLAINANT,
    COMPLAINANT_PHONE,
    EVALUATOR,
    EVALUATOR_PHONE,
    OCT1,
    OCT31,
    TODAY,
    october_complaints,
    october_ratings,
)
from conftest import sign_in

pytestmark = pytest.mark.django_db
NOV = dt.datetime(2026, 11, 5, 2, 0, tzinfo=dt.UTC)


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def voices(cast, org, immediate_item):
    return october_ratings(cast) | october_complaints(cast, org)


def test_the_agenda_lists_unrectified_bad_ratings_and_troubled_complaints(cast, voices):
    items = collect_agenda(fresh(cast["leader"]), OCT1, OCT31, TODAY)
    bad = [i for i in items if i.kind == "BAD_RATING"]
    # r5 (still being rectified) only: r4 was rectified in time, r6 excluded, the September one out of the period.
    # Named by the rating, never by the service's number (it would name the applicant who rated: decision 0024 §7).
    assert [i.case for i in bad] == [None]
    assert bad[0].title == f"差评（评价{voices['r5'].pk}）：办件（非常不满意，被评价人window_b姓名）"
    assert voices["c5"].number not in bad[0].title + bad[0].detail
    assert "回访超时" in bad[0].detail and "未整改" in bad[0].detail
    # r4 rectified late joins it.
    BadRatingFollowUp.objects.filter(rating=voices["r4"]).update(rectify_due_on=dt.date(2026, 10, 16))
    bad = [i for i in collect_agenda(fresh(cast["leader"]), OCT1, OCT31, TODAY) if i.kind == "BAD_RATING"]
    assert [i.title.split("）")[0] for i in bad] == [f"差评（评价{voices[k].pk}" for k in ("r4", "r5")]
    assert "整改超期" in bad[0].detail
    complaints = {i.title.split("（")[0]: i for i in items if i.kind == "COMPLAINT"}
    # k1 confirmed, k2 open and late, k3 open (anonymous), k4 replied late, k5 open at the town center.
    assert set(complaints) == {f"投诉{voices[k].number}" for k in ("k1", "k2", "k3", "k4", "k5")}
    assert "已查实" in complaints[f"投诉{voices['k1'].number}"].detail
    assert "逾期未答复" in complaints[f"投诉{voices['k2'].number}"].detail
    assert "逾期答复（2026-10-28）" in complaints[f"投诉{voices['k4'].number}"].detail
    for item in items:
        for secret in (EVALUATOR, EVALUATOR_PHONE, COMPLAINANT, COMPLAINANT_PHONE, "5678", "1111"):
            assert secret not in item.title + item.detail


def test_a_complaint_about_the_convener_stays_off_their_agenda(cast, voices):
    """Who may read which complaint is the complaints app's rule: staff never see complaints about themselves."""
    from bianmin.complaints.models import Complaint

    Complaint.objects.filter(pk=voices["k2"].pk).update(staff=cast["leader"].staff_profile)
    titles = [i.title for i in collect_agenda(fresh(cast["leader"]), OCT1, OCT31, TODAY)]
    assert not any(voices["k2"].number in t for t in titles)
    assert any(voices["k2"].number in i.title for i in collect_agenda(fresh(cast["supervisor"]), OCT1, OCT31, TODAY))


@time_machine.travel(NOV, tick=False)
def test_agenda_page_and_minutes_name_neither_evaluator_nor_complainant(client, cast, voices):
    sign_in(client, cast["supervisor"])
    r = client.post("/staff/meetings/new/", {"action": "create", "held_on": "2026-11-05", "period_start": "2026-10-01",
                                             "period_end": "2026-10-31", "chair": "主任", "attendees": "全体"})
    meeting = Meeting.objects.get()
    page = client.get(r["Location"]).content.decode()
    minutes = client.get(f"/staff/meetings/{meeting.pk}/minutes/").content.decode()
    for html in (page, minutes):
        assert "差评" in html and voices["k1"].number in html and f"评价{voices['r5'].pk}" in html
        assert voices["c5"].number not in html
        for secret in (EVALUATOR, EVALUATOR_PHONE, COMPLAINANT, COMPLAINANT_PHONE):
            assert secret not in html
    assert meeting.agenda.filter(kind="BAD_RATING").count() == 1
    assert meeting.agenda.filter(kind="COMPLAINT").count() == 5
