"""按科室 (issue 14 item 4): ratings, 好评率 and complaints per 科室 of the hospital desks in the reader's scope, in one
query; 追评 and ratings excluded by an upheld appeal do not count; the period bounds both."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.accounts.roles import Role
from bianmin.complaints import services as cs
from bianmin.ratings.models import BadRatingFollowUp, Channel, FollowUpStatus, Subject
from bianmin.ratings.services import rate_again, record_rating
from bianmin.stats.hospital import department_breakdown
from bianmin.testing.factories import MON, at
from bianmin.testing.opinions import delivered_hospital_case, hospital_opinions
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def h(org, cast, calendar, django_user_model):
    h = hospital_opinions(org, cast, django_user_model, make_user)
    levels = [(8, 5, "YY1K1"), (10, 1, "YY1K1"), (12, 4, "YY1K2"), (14, 2, "YY1K2"), (16, 5, "")]
    h["ratings"] = [record_rating(subject=Subject.CASE, instance=delivered_hospital_case(h, hour=hour), level=level,
                                  channel=Channel.QR, now=at(MON, 20), evaluator_name="李四",
                                  evaluator_phone="13800138000", department=dept)
                    for hour, level, dept in levels]
    excluded = h["ratings"][3]
    excluded.excluded, excluded.excluded_reason = True, "申诉成立：误评"
    excluded.save()
    bad = h["ratings"][1]  # a 追评 of the K1 差评 counts nowhere
    BadRatingFollowUp.objects.filter(rating=bad).update(status=FollowUpStatus.TOLD)
    rate_again(parent=bad, level=5, channel=Channel.QR, now=at(MON + dt.timedelta(7)))
    for day, department in ((MON, "YY1K1"), (MON, "YY1K2"), (MON + dt.timedelta(7), "YY1K2")):
        cs.register_complaint(actor=h["desk_supervisor"], channel="DESK", kind="DELAY", subject_type="UNIT",
                              matter="等候太久", anonymous=True, department=department, now=at(day))
    return h


def _figures(rows):
    return {r.code: (r.rated, r.good, r.good_percent, r.complaints) for r in rows}


def test_the_figures_per_department(h, cast):
    rows = department_breakdown(cast["leader"])
    assert _figures(rows) == {"YY1K1": (2, 1, "50.00%", 1), "YY1K2": (1, 1, "100.00%", 2),
                              "YY2K9": (0, 0, "—", 0)}
    assert [(r.desk, r.name) for r in rows][:2] == [("测试县人民医院便民服务中心", "心内科"),
                                                    ("测试县人民医院便民服务中心", "医务科")]


def test_the_period_bounds_ratings_and_complaints(h, cast):
    assert _figures(department_breakdown(cast["leader"], start=MON + dt.timedelta(1)))["YY1K2"] == (0, 0, "—", 1)
    assert _figures(department_breakdown(cast["leader"], end=MON))["YY1K2"] == (1, 1, "100.00%", 1)


def test_one_query(h, cast, django_assert_num_queries):
    department_breakdown(cast["leader"])  # the reader's identity is cached by the first call
    with django_assert_num_queries(1):
        department_breakdown(cast["leader"])


def test_the_scope_holds(h, cast, org, django_user_model):
    assert set(_figures(department_breakdown(h["desk_leader"]))) == {"YY1K1", "YY1K2"}  # not the other hospital
    town = make_user(django_user_model, "town_leader", Role.LEADER, org["town_center"])
    assert department_breakdown(town) == []
    inactive = h["k2"]
    inactive.is_active = False
    inactive.save()
    assert "YY1K2" in _figures(department_breakdown(h["desk_leader"]))  # it has figures: still listed
    h["k9"].is_active = False
    h["k9"].save()
    assert "YY2K9" not in _figures(department_breakdown(cast["leader"]))  # inactive and without figures
