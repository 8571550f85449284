"""Migration org.0008 stores each unit's county and stops, naming the units, when a unit tree already spans two
counties: staff see their own county's cases only, so the upper unit's staff would lose sight of the lower unit's."""
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bianmin.org.models import Region, RegionLevel, Unit, UnitKind
from bianmin.org.services import save_region, save_unit

migration = importlib.import_module("bianmin.org.migrations.0008_unit_county")


@pytest.fixture
def far(org):
    county = save_region(Region(code="102", name="邻县", level=RegionLevel.COUNTY))
    town = save_region(Region(code="10201", name="邻镇", level=RegionLevel.TOWN, parent=county))
    return {"county": county, "town": town}


def across(org, far, code="T9", name="越界镇中心") -> Unit:
    """A unit in the other county placed under the county centre by hand (as data made before the county rule)."""
    unit = save_unit(Unit(code=code, name=name, kind=UnitKind.TOWN_CENTER, region=far["town"]))
    center = org["center"]
    Unit.objects.filter(pk=unit.pk).update(parent=center, path=f"{center.path}{code}/")
    return unit


@pytest.mark.django_db
def test_a_tree_in_one_county_passes(org, far):
    save_unit(Unit(code="C2", name="邻县政务服务中心", kind=UnitKind.COUNTY_CENTER, region=far["county"]))
    migration.check_one_county_per_tree(apps, None)  # two trees, each in its county


@pytest.mark.django_db
def test_a_unit_in_another_county_than_its_upper_unit_stops_it_naming_both(org, far):
    across(org, far)
    with pytest.raises(migration.UnitTreeSpansCounties) as exc:
        migration.check_one_county_per_tree(apps, None)
    message = str(exc.value)
    center = org["center"]
    assert "有 1 个单位与其上级单位不在同一县" in message
    assert f"T9 越界镇中心（邻县）的上级单位 {center.code} {center.name}（{org['county'].name}）" in message
    assert "再运行 migrate" in message


@pytest.mark.django_db
def test_many_such_units_are_counted_and_the_first_named(org, far, monkeypatch):
    monkeypatch.setattr(migration, "SHOWN", 2)
    for n in range(3):
        across(org, far, code=f"T9{n}", name=f"越界{n}")
    with pytest.raises(migration.UnitTreeSpansCounties) as exc:
        migration.check_one_county_per_tree(apps, None)
    message = str(exc.value)
    assert "有 3 个单位" in message and "T90 越界0" in message and "T91 越界1" in message
    assert "T92" not in message and "另有 1 个" in message


@pytest.mark.django_db(transaction=True)
def test_the_migration_stops_and_changes_nothing_then_runs_once_the_tree_is_mended(org, far):
    """The real migration from org.0007: it stops with the message, rolled back whole; mended, it runs."""
    unit = across(org, far)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app's leaf: going back unapplies their later migrations
    try:
        executor.migrate([("org", "0007_unit_sector_hospital_dept")])
        executor = MigrationExecutor(connection)
        with pytest.raises(migration.UnitTreeSpansCounties, match="T9 越界镇中心"):
            executor.migrate([("org", "0008_unit_county")])
        executor = MigrationExecutor(connection)
        assert ("org", "0008_unit_county") not in executor.loader.applied_migrations
        with connection.cursor() as cursor:
            columns = [c.name for c in connection.introspection.get_table_description(cursor, "org_unit")]
        assert "county_id" not in columns  # rolled back whole, the added column with it
    finally:
        Unit.objects.filter(pk=unit.pk).update(parent=None, path=f"/{unit.code}/")  # mended: its own tree
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    assert Unit.objects.get(pk=unit.pk).county_id == far["county"].pk
