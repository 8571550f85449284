import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from bianmin.audit.models import AuditEntry
from bianmin.core.errors import DomainError, Forbidden
from bianmin.org.models import Absence, AbsenceKind, Post, Region, RegionLevel, Unit
from bianmin.org.policies import visible_units
from bianmin.org.selectors import absent_staff_ids, acting_for, acting_for_staff
from bianmin.org.services import register_absence, save_region, save_unit
from conftest import NOW

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 3)


def away(user, start=DAY, end=DAY):
    return Absence.objects.create(staff=user.staff_profile, kind=AbsenceKind.LEAVE, start_date=start, end_date=end)


def test_paths_follow_the_tree(org):
    assert org["village"].path == "/101/10101/1010101/"
    assert org["station"].path == "/C1/T1/V1/"
    assert org["dept"].path == "/C1/D1/"


def test_moving_a_unit_repaths_its_descendants(org):
    other = save_unit(Unit(code="T2", name="另一镇中心", kind="TOWN_CENTER", region=org["town"], parent=org["center"]))
    town = org["town_center"]
    town.parent = other
    save_unit(town)
    assert Unit.objects.get(code="V1").path == "/C1/T2/T1/V1/"


def test_a_unit_cannot_be_its_own_ancestor(org):
    center = org["center"]
    center.parent = org["station"]
    with pytest.raises(DomainError) as exc:
        save_unit(center)
    assert "parent" in exc.value.fields


def test_region_cycle_refused(org):
    county = Region.objects.get(code="101")
    county.parent = org["village"]
    with pytest.raises(DomainError):
        save_region(county)
    assert save_region(Region(code="102", name="邻县", level=RegionLevel.COUNTY)).path == "/102/"


def test_visible_units_follow_scope(cast):
    assert set(visible_units(cast["town_window"]).values_list("code", flat=True)) == {"T1", "V1"}
    assert "T1" in set(visible_units(cast["window_a"]).values_list("code", flat=True))
    assert not visible_units(cast["agent"]).filter(code="T1").exists()


def test_a_acts_when_present(cast):
    acting = acting_for(cast["post"], DAY)
    assert acting.staff == cast["window_a"].staff_profile and not acting.is_backup and not acting.warning


def test_b_acts_when_a_is_away(cast):
    away(cast["window_a"], DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1))
    acting = acting_for(cast["post"], DAY)
    assert acting.staff == cast["window_b"].staff_profile and acting.is_backup and acting.a_absent
    assert acting_for_staff(cast["window_a"].staff_profile, DAY) == cast["window_b"].staff_profile
    # The day after the absence A is back.
    assert acting_for(cast["post"], DAY + dt.timedelta(days=2)).staff == cast["window_a"].staff_profile


def test_both_away_warns_the_leader(cast):
    away(cast["window_a"])
    away(cast["window_b"])
    acting = acting_for(cast["post"], DAY)
    assert acting.staff is None and "A角和B角" in acting.warning


def test_b_away_alone_keeps_a(cast):
    away(cast["window_b"])
    acting = acting_for(cast["post"], DAY)
    assert acting.staff == cast["window_a"].staff_profile and acting.b_absent and not acting.warning


def test_absent_ids_in_one_query(cast, django_assert_num_queries):
    away(cast["window_a"])
    with django_assert_num_queries(1):
        ids = absent_staff_ids([cast["window_a"].staff_profile.pk, cast["window_b"].staff_profile.pk], DAY)
    assert ids == {cast["window_a"].staff_profile.pk}


def test_register_absence_refuses_a_and_b_together(cast):
    register_absence(actor=cast["window_a"], staff=cast["window_a"].staff_profile, kind=AbsenceKind.TRAINING,
                     start_date=DAY, end_date=DAY + dt.timedelta(days=2), now=NOW)
    with pytest.raises(DomainError) as exc:
        register_absence(actor=cast["window_b"], staff=cast["window_b"].staff_profile, kind=AbsenceKind.LEAVE,
                         start_date=DAY + dt.timedelta(days=1), end_date=DAY + dt.timedelta(days=1), now=NOW)
    assert "start_date" in exc.value.fields
    # A window clerk cannot override; a leader can, and the override is recorded.
    with pytest.raises(Forbidden):
        register_absence(actor=cast["window_b"], staff=cast["window_b"].staff_profile, kind=AbsenceKind.LEAVE,
                         start_date=DAY, end_date=DAY, now=NOW, leader_override=True)
    absence = register_absence(actor=cast["leader"], staff=cast["window_b"].staff_profile, kind=AbsenceKind.LEAVE,
                               start_date=DAY, end_date=DAY, now=NOW, leader_override=True)
    assert absence.override_by == cast["leader"]
    assert AuditEntry.objects.filter(object_type="org.Absence").count() == 2


def test_register_absence_checks_dates_and_actor(cast):
    with pytest.raises(DomainError) as exc:
        register_absence(actor=cast["window_a"], staff=cast["window_a"].staff_profile, kind=AbsenceKind.LEAVE,
                         start_date=DAY, end_date=DAY - dt.timedelta(days=1), now=NOW)
    assert "end_date" in exc.value.fields
    with pytest.raises(Forbidden):
        register_absence(actor=cast["town_window"], staff=cast["window_a"].staff_profile, kind=AbsenceKind.LEAVE,
                         start_date=DAY, end_date=DAY, now=NOW)


def test_database_refuses_same_a_and_b(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(window=cast["post"].window, name="x", a_staff=cast["window_a"].staff_profile,
                            b_staff=cast["window_a"].staff_profile)


def test_register_absence_refuses_a_day_already_past(cast):
    with pytest.raises(DomainError) as exc:
        register_absence(actor=cast["window_a"], staff=cast["window_a"].staff_profile, kind=AbsenceKind.LEAVE,
                         start_date=NOW.date() - dt.timedelta(days=1), end_date=NOW.date(), now=NOW)
    assert "早于今天" in exc.value.fields["start_date"][0]
    assert not Absence.objects.exists()
