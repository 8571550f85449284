"""Each unit stores its county (the distribution key of its cases, docs/scaling.md); a unit's subtree stays in it."""

import pytest

from bianmin.core.errors import DomainError
from bianmin.org.models import Region, RegionLevel, Unit, UnitKind
from bianmin.org.selectors import counties
from bianmin.org.services import county_of, save_region, save_unit
from conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def far(org):
    county = save_region(Region(code="102", name="邻县", level=RegionLevel.COUNTY))
    town = save_region(Region(code="10201", name="邻镇", level=RegionLevel.TOWN, parent=county))
    return {"county": county, "town": town}


def test_every_unit_stores_the_county_above_its_region(org):
    for name in ("center", "town_center", "station", "dept"):
        assert Unit.objects.get(pk=org[name].pk).county_id == org["county"].pk
    assert county_of(org["village"]) == county_of(org["town"]) == county_of(org["county"]) == org["county"]
    # A tree without a county level: the top of the tree stands for it.
    top = save_region(Region(code="900", name="某镇", level=RegionLevel.TOWN))
    below = save_region(Region(code="90001", name="某村", level=RegionLevel.VILLAGE, parent=top))
    assert county_of(below) == county_of(top) == top


def test_a_unit_sits_in_the_county_of_the_unit_above_it(org, far):
    with pytest.raises(DomainError) as exc:
        save_unit(Unit(code="T9", name="越界镇中心", kind=UnitKind.TOWN_CENTER, region=far["town"],
                       parent=org["center"]))
    assert "region" in exc.value.fields
    other = save_unit(Unit(code="C2", name="邻县政务服务中心", kind=UnitKind.COUNTY_CENTER, region=far["county"]))
    assert other.county_id == far["county"].pk
    assert counties() == sorted([org["county"].pk, far["county"].pk])


def test_a_unit_moves_county_only_alone(org, far):
    dept = org["dept"]
    dept.parent, dept.region = None, far["county"]
    save_unit(dept)  # no units below it, no cases: it may move
    assert Unit.objects.get(pk=dept.pk).county_id == far["county"].pk
    town = org["town_center"]
    town.parent, town.region = None, far["town"]
    with pytest.raises(DomainError) as exc:
        save_unit(town)  # the village station below it would be left in another county
    assert "region" in exc.value.fields


def test_a_region_with_units_keeps_its_county(org, far):
    town = org["town"]
    town.parent = far["county"]
    with pytest.raises(DomainError) as exc:
        save_region(town)
    assert "parent" in exc.value.fields
    town.parent = org["county"]
    town.level = RegionLevel.COUNTY  # becoming a county would move its units too
    with pytest.raises(DomainError):
        save_region(town)
    empty = save_region(Region(code="10109", name="空镇", level=RegionLevel.TOWN, parent=org["county"]))
    empty.parent = far["county"]
    assert save_region(empty).path == "/102/10109/"  # no units: it may move


def test_the_admin_shows_the_county_rules_on_the_form(client, cast, org, far):
    sign_in(client, cast["sysadmin"])
    town = org["town"]
    r = client.post(f"/admin/org/region/{town.pk}/change/", {"code": town.code, "name": town.name,
                                                            "level": town.level, "parent": far["county"].pk})
    assert r.status_code == 200 and "不能改属其他县" in r.context["adminform"].form.errors["parent"][0]
    center = org["town_center"]
    data = {"code": center.code, "name": center.name, "short_name": "", "kind": center.kind, "sector": "",
            "region": far["town"].pk, "parent": org["center"].pk, "address": "", "phone": "", "complaint_phone": "",
            "hours": "", "is_active": "on", "chief_responsible": ""}
    r = client.post(f"/admin/org/unit/{center.pk}/change/", data)
    assert r.status_code == 200 and "同一县" in r.context["adminform"].form.errors["region"][0]
    assert Unit.objects.get(pk=center.pk).region_id == org["town"].pk
