"""Limits counted in hours (``LimitUnit.HOURS``, issue 14 item 1, decision 0026): only an institution's own service
(a hospital desk's items) may count in hours, and such an item neither stops its clock (特别程序) nor extends it;
checked when an item is created, a draft saved in the admin or published; the guide writes "4 小时"."""

import pytest
from django.forms import modelform_factory

from bianmin.catalog.admin import ItemVersionForm
from bianmin.catalog.models import ItemLevel, ItemVersion, LimitUnit, limit_text
from bianmin.catalog.services import hour_limit_errors, new_draft, publish_version
from bianmin.core.errors import DomainError
from bianmin.testing.factories import NOW, make_catalog_item

pytestmark = pytest.mark.django_db

# An institution's service counted in hours: 入院登记, done within 4 hours (legal 24 hours).
HOURLY = {"level": ItemLevel.INSTITUTION, "kind": "PUBLIC_SERVICE", "name": "入院登记",
          "legal_limit": 24, "legal_limit_unit": LimitUnit.HOURS,
          "committed_limit": 4, "committed_limit_unit": LimitUnit.HOURS}


def _refused(**overrides) -> dict[str, list[str]]:
    with pytest.raises(DomainError) as exc:
        make_catalog_item(**overrides)
    assert not ItemVersion.objects.filter(item__code=overrides["code"]).exists()  # nothing written
    return exc.value.fields


def test_an_institution_item_may_count_in_hours(cast):
    make_catalog_item(cast, code="YY-01", **HOURLY)
    version = ItemVersion.objects.get(item__code="YY-01", is_current=True)
    assert version.get_committed_limit_unit_display() == "小时"
    # hours against a legal limit in days: not longer than that many 24-hour days
    make_catalog_item(cast, code="YY-02", **{**HOURLY, "committed_limit": 48, "legal_limit": 2,
                                             "legal_limit_unit": LimitUnit.WORKING})
    assert ItemVersion.objects.filter(item__code="YY-02", is_current=True).exists()


@pytest.mark.parametrize("level", [ItemLevel.COUNTY, ItemLevel.TOWN, ItemLevel.VILLAGE])
def test_only_an_institution_item_counts_in_hours(cast, level):
    fields = _refused(cast=cast, code="YY-03", **{**HOURLY, "level": level})
    assert fields["committed_limit_unit"] == ["只有机构便民服务事项可以按小时计算时限"]
    assert fields["legal_limit_unit"] == ["只有机构便民服务事项可以按小时计算时限"]
    committed_only = _refused(cast=cast, code="YY-04", level=level, committed_limit=4,
                              committed_limit_unit=LimitUnit.HOURS)
    assert set(committed_only) == {"committed_limit_unit"}


def test_an_hourly_item_has_no_special_procedure_nor_extension(cast):
    fields = _refused(cast=cast, code="YY-05", **HOURLY, special_procedures=["INSPECTION"], extension_allowed=True,
                      extension_days=1)
    assert fields["special_procedures"] == ["按小时计算时限的事项不能设置特别程序"]
    assert fields["extension_allowed"] == ["按小时计算时限的事项不能延期"]


def test_a_legal_limit_in_hours_needs_a_committed_limit_in_hours(cast):
    fields = _refused(cast=cast, code="YY-06", **{**HOURLY, "committed_limit": 1,
                                                  "committed_limit_unit": LimitUnit.WORKING})
    assert fields["committed_limit_unit"] == ["法定时限按小时计算的，承诺时限也应按小时计算"]


def test_the_committed_hours_are_not_longer_than_the_legal_limit(cast):
    assert "committed_limit" in _refused(cast=cast, code="YY-07", **{**HOURLY, "committed_limit": 25})
    assert "committed_limit" in _refused(cast=cast, code="YY-08", **{
        **HOURLY, "committed_limit": 49, "legal_limit": 2, "legal_limit_unit": LimitUnit.NATURAL})


def test_publishing_a_draft_checks_it(cast):
    v1 = make_catalog_item(cast)  # a county item in working days
    draft = new_draft(actor=cast["sysadmin"], item=v1.item, now=NOW)
    draft.committed_limit_unit = LimitUnit.HOURS
    draft.save()
    with pytest.raises(DomainError) as exc:
        publish_version(actor=cast["sysadmin"], version=draft, now=NOW)
    assert "committed_limit_unit" in exc.value.fields
    draft.refresh_from_db()
    assert draft.status == "DRAFT" and not draft.is_current


def test_the_errors_are_one_function_for_the_service_and_the_admin():
    ok = {"level": ItemLevel.INSTITUTION, "legal_unit": "HOURS", "committed_unit": "HOURS",
          "special_procedures": [], "extension_allowed": False}
    assert hour_limit_errors(**ok) == {}
    assert hour_limit_errors(**{**ok, "level": ItemLevel.COUNTY, "legal_unit": "WORKING", "committed_unit": "WORKING",
                                "special_procedures": ["HEARING"], "extension_allowed": True}) == {}
    assert set(hour_limit_errors(**{**ok, "special_procedures": ["HEARING"]})) == {"special_procedures"}


def test_the_admin_form_refuses_hours_on_a_county_draft(cast):
    form_class = modelform_factory(ItemVersion, form=ItemVersionForm,
                                   fields=["level", "committed_limit_unit", "legal_limit_unit", "extension_allowed"])
    draft = new_draft(actor=cast["sysadmin"], item=make_catalog_item(cast).item, now=NOW)
    data = {"level": "COUNTY", "committed_limit_unit": "HOURS", "legal_limit_unit": "WORKING"}
    bad = form_class(data, instance=draft)
    assert not bad.is_valid() and bad.errors["committed_limit_unit"] == ["只有机构便民服务事项可以按小时计算时限"]
    extended = form_class({**data, "level": "INSTITUTION", "extension_allowed": "on"}, instance=draft)
    assert not extended.is_valid() and extended.errors["extension_allowed"] == ["按小时计算时限的事项不能延期"]
    good = form_class({**data, "level": "INSTITUTION"}, instance=draft)
    assert good.is_valid(), good.errors
    assert good.save().committed_limit_unit == LimitUnit.HOURS


def test_notices_and_the_guide_write_hours(client, cast):
    assert limit_text(4, LimitUnit.HOURS) == "4小时"
    assert limit_text(10, LimitUnit.WORKING) == "10个工作日"
    make_catalog_item(cast, code="YY-09", **HOURLY)
    page = client.get("/items/YY-09/").content.decode()
    assert "4 小时" in page and "24 小时" in page
    catalogue = client.get("/items/", {"q": "入院登记"}).content.decode()
    assert "4 小时" in catalogue
