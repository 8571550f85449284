"""首席责任人 per unit and the meeting cadence per unit kind (issue 10 item 10)."""
import pytest

from bianmin.core.errors import DomainError
from bianmin.org.models import DEFAULT_CADENCES, Cadence, MeetingCadence, StaffProfile, Unit, UnitKind
from bianmin.org.selectors import Cadences, chief_responsible, meeting_cadences
from bianmin.org.services import check_chief, check_meeting_cadence, save_unit

pytestmark = pytest.mark.django_db


def profile(cast, name) -> StaffProfile:
    return cast[name].staff_profile


def test_default_cadences_are_rows_the_administrator_can_edit(db):
    rows = {r.unit_kind: (r.joint_cadence, r.regular_cadence) for r in MeetingCadence.objects.all()}
    assert rows == {str(k): (str(j), str(r)) for k, (j, r) in DEFAULT_CADENCES.items()}
    assert set(rows) == set(UnitKind.values)
    assert meeting_cadences(UnitKind.COUNTY_CENTER) == Cadences(Cadence.MONTHLY, None)
    assert meeting_cadences(UnitKind.TOWN_CENTER) == Cadences(Cadence.MONTHLY, Cadence.WEEKLY)
    assert meeting_cadences(UnitKind.VILLAGE_STATION) == Cadences(Cadence.MONTHLY, None)


def test_defaults_apply_without_rows_and_a_row_wins(db):
    MeetingCadence.objects.all().delete()
    assert meeting_cadences(UnitKind.TOWN_CENTER) == Cadences(Cadence.MONTHLY, Cadence.WEEKLY)
    assert meeting_cadences(UnitKind.DEPARTMENT) == Cadences(Cadence.MONTHLY, None)
    MeetingCadence.objects.create(unit_kind=UnitKind.DEPARTMENT, joint_cadence=Cadence.QUARTERLY,
                                  regular_cadence=Cadence.MONTHLY)
    assert meeting_cadences(UnitKind.DEPARTMENT) == Cadences(Cadence.QUARTERLY, Cadence.MONTHLY)


def test_cadence_validation_names_the_field_in_chinese():
    check_meeting_cadence(joint_cadence="MONTHLY", regular_cadence="WEEKLY")
    check_meeting_cadence(joint_cadence="QUARTERLY", regular_cadence="")
    with pytest.raises(DomainError) as exc:
        check_meeting_cadence(joint_cadence="DAILY", regular_cadence="")
    assert exc.value.fields == {"joint_cadence": ["联席会议周期只能是每周、每月或每季度"]}
    with pytest.raises(DomainError) as exc:
        check_meeting_cadence(joint_cadence="MONTHLY", regular_cadence="YEARLY")
    assert list(exc.value.fields) == ["regular_cadence"]
    with pytest.raises(DomainError) as exc:
        check_meeting_cadence(joint_cadence="MONTHLY", regular_cadence="QUARTERLY")
    assert exc.value.fields == {"regular_cadence": ["工作例会周期不能长于联席会议周期"]}


def test_chief_is_staff_of_the_unit_or_of_a_unit_above(cast, org):
    town = org["town_center"]
    check_chief(profile(cast, "town_window"), unit_id=town.pk, parent=town.parent)  # its own staff
    check_chief(profile(cast, "leader"), unit_id=town.pk, parent=town.parent)  # the county center above it
    check_chief(profile(cast, "leader"), unit_id=None, parent=town)  # a new station under the town center
    for name, unit in (("agent", town), ("town_window", org["center"]), ("town_window", org["dept"])):
        with pytest.raises(DomainError) as exc:  # below it, or beside it
            check_chief(profile(cast, name), unit_id=unit.pk, parent=unit.parent)
        assert list(exc.value.fields) == ["chief_responsible"]
        assert exc.value.fields["chief_responsible"][0].startswith("首席责任人须为本单位或上级单位的工作人员")


def test_an_inactive_chief_is_refused(cast, org):
    StaffProfile.objects.filter(pk=profile(cast, "leader").pk).update(is_active=False)
    with pytest.raises(DomainError) as exc:
        check_chief(StaffProfile.objects.get(pk=profile(cast, "leader").pk), unit_id=org["center"].pk, parent=None)
    assert "已不在岗" in exc.value.fields["chief_responsible"][0]


def test_save_unit_keeps_the_chief_inside_the_tree(cast, org):
    town = org["town_center"]
    town.chief_responsible = profile(cast, "agent")
    with pytest.raises(DomainError) as exc:
        save_unit(town)
    assert "chief_responsible" in exc.value.fields
    town.chief_responsible = profile(cast, "leader")
    save_unit(town)
    assert Unit.objects.get(pk=town.pk).chief_responsible == profile(cast, "leader")
    # Moving the town center out from under its chief's unit is refused the same way.
    other = save_unit(Unit(code="C2", name="邻县政务服务中心", kind=UnitKind.COUNTY_CENTER, region=org["county"]))
    town.parent = other
    with pytest.raises(DomainError) as exc:
        save_unit(town)
    assert "chief_responsible" in exc.value.fields


def test_chief_responsible_is_the_units_own_or_the_nearest_above(cast, org):
    assert chief_responsible(org["station"]) is None
    leader, town_staff = profile(cast, "leader"), profile(cast, "town_window")
    Unit.objects.filter(pk=org["center"].pk).update(chief_responsible=leader)
    assert chief_responsible(org["station"]) == leader and chief_responsible(org["center"]) == leader
    Unit.objects.filter(pk=org["town_center"].pk).update(chief_responsible=town_staff)
    assert chief_responsible(org["station"]) == town_staff and chief_responsible(org["dept"]) == leader
    StaffProfile.objects.filter(pk=town_staff.pk).update(is_active=False)  # left: the next one up answers
    assert chief_responsible(org["station"]) == leader
