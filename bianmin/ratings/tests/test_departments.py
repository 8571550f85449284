"""涉及科室 on ratings (issue 14 item 4, decision 0026 §8): a rating of a hospital desk may name one of its 科室,
through every channel; another hospital's 科室 or a 科室 on a government service is refused naming ``department``
with nothing written; the ratings list filters by it within the reader's scope."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditEntry
from bianmin.core.errors import DomainError
from bianmin.ratings.models import BadRatingFollowUp, Channel, FollowUpStatus, Rating, Subject
from bianmin.ratings.public import find_rateable, rate_target
from bianmin.ratings.selectors import ratings_for
from bianmin.ratings.services import rate_again, record_rating
from bianmin.testing.factories import MON, at
from bianmin.testing.opinions import delivered_hospital_case, hospital_opinions
from conftest import make_user, sign_in

from .helpers import delivered

pytestmark = pytest.mark.django_db
RATED = at(MON, 15)


@pytest.fixture
def h(org, cast, calendar, django_user_model):
    return hospital_opinions(org, cast, django_user_model, make_user)


def _rate(case, **kw):
    return record_rating(subject=Subject.CASE, instance=case, level=kw.pop("level", 4), channel=Channel.QR, now=RATED,
                         evaluator_name="李四", evaluator_phone="13800138000", **kw)


def test_a_hospital_rating_names_its_department_by_code_or_id(h):
    by_code = _rate(delivered_hospital_case(h, hour=8), department="YY1K1")
    by_id = _rate(delivered_hospital_case(h, hour=12), department=str(h["k2"].pk))
    unit = _rate(delivered_hospital_case(h, hour=14), department=h["k1"])
    plain = _rate(delivered_hospital_case(h, hour=16))
    assert (by_code.department, by_id.department, unit.department, plain.department) == (
        h["k1"], h["k2"], h["k1"], None)
    assert Rating.objects.get(pk=by_code.pk).department_id == h["k1"].pk
    audit = AuditEntry.objects.filter(object_type=Rating._meta.label, object_id=str(by_code.pk)).get()
    assert audit.data["department"] == h["k1"].pk


@pytest.mark.parametrize("department", ["YY2K9", "C1", "NOPE", "999999"])
def test_a_department_not_of_that_hospital_is_refused_with_nothing_written(h, department):
    case = delivered_hospital_case(h)
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        _rate(case, level=1, department=department)
    assert exc.value.fields == {"department": ["所选科室不属于该医院"]} and exc.value.status == 400
    assert not Rating.objects.exists() and not BadRatingFollowUp.objects.exists()
    assert AuditEntry.objects.count() == before


def test_an_inactive_department_is_refused(h):
    k2 = h["k2"]
    k2.is_active = False
    k2.save()
    with pytest.raises(DomainError) as exc:
        _rate(delivered_hospital_case(h), department="YY1K2")
    assert exc.value.fields["department"] == ["所选科室不属于该医院"]
    assert not Rating.objects.exists()


def test_a_government_rating_names_no_department(h, cast, item):
    case = delivered(cast)
    with pytest.raises(DomainError) as exc:
        _rate(case, department="YY1K1")
    assert exc.value.fields == {"department": ["只有医院便民服务中心的评价和投诉可以选择科室"]}
    assert not Rating.objects.exists()
    assert _rate(case, department="").department is None  # an empty choice is no choice


def test_the_qr_rating_passes_the_department_and_the_follow_up_rating_keeps_it(h):
    case = delivered_hospital_case(h)
    target = find_rateable(case.number, case.query_code)
    assert target is not None and target.unit == h["desk"]
    assert target.departments == (("YY1K1", "心内科"), ("YY1K2", "医务科"))  # not the other hospital's 骨伤科
    bad = rate_target(target, level=1, comment="等床太久", channel=Channel.QR, now=RATED, department="YY1K2")
    assert bad.department == h["k2"] and bad.real_name
    follow_up = BadRatingFollowUp.objects.get(rating=bad)
    follow_up.status = FollowUpStatus.TOLD
    follow_up.save()
    again = rate_again(parent=bad, level=4, channel=Channel.QR, now=at(MON + dt.timedelta(3)))
    assert again.department == h["k2"]


def test_a_government_target_offers_no_department(cast, item):
    case = delivered(cast)
    target = find_rateable(case.number, case.query_code)
    assert target is not None and target.departments == ()


def test_the_list_filters_by_department_within_the_scope(h, cast, org, django_user_model):
    k1 = _rate(delivered_hospital_case(h, hour=8), department="YY1K1")
    k2 = _rate(delivered_hospital_case(h, hour=12), department="YY1K2")
    _rate(delivered_hospital_case(h, hour=14))
    leader = cast["leader"]  # the county center's leader: the desk is in the scope
    assert list(ratings_for(leader, department="YY1K1")) == [k1]
    assert list(ratings_for(leader, department=str(h["k2"].pk))) == [k2]
    assert ratings_for(leader).count() == 3
    assert not ratings_for(leader, department="YY2K9").exists() and not ratings_for(leader, department="x" * 40)
    assert list(ratings_for(h["desk_leader"], department="YY1K1")) == [k1]
    town_leader = make_user(django_user_model, "town_leader", Role.LEADER, org["town_center"])
    assert not ratings_for(town_leader, department="YY1K1").exists()  # out of scope: the filter adds nothing


def test_the_ratings_pages_show_and_filter_by_department(client, h, cast):
    k1 = _rate(delivered_hospital_case(h, hour=8), level=5, department="YY1K1")
    k2 = _rate(delivered_hospital_case(h, hour=12), level=1, department="YY1K2")
    sign_in(client, cast["leader"])
    page = client.get("/staff/ratings/").content.decode()
    assert 'id="by-department"' in page and 'name="department"' in page
    assert "心内科" in page and "医务科" in page and "100.00%" in page and "0.00%" in page
    assert "李四" not in page and "13800138000" not in page
    filtered = client.get("/staff/ratings/?department=YY1K2").content.decode()
    assert f"/staff/ratings/{k2.pk}/" in filtered and f"/staff/ratings/{k1.pk}/" not in filtered
    detail = client.get(f"/staff/ratings/{k2.pk}/").content.decode()
    assert 'id="rating-department">医务科<' in detail and "评价人（患者/家属）" in detail
    assert "李四" not in detail and "13800138000" not in detail


def test_a_scope_without_hospitals_shows_no_department_figures(client, cast, org, django_user_model, calendar):
    town_leader = make_user(django_user_model, "town_leader", Role.LEADER, org["town_center"])
    sign_in(client, town_leader)
    page = client.get("/staff/ratings/").content.decode()
    assert 'id="by-department"' not in page and 'name="department"' not in page
