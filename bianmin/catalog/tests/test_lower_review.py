"""The 下级机关初审期限 of a version (行政许可法第四十三条, issue 13 item 3): 0–60 working days, non-zero only for a
county item, checked when an item is created, a draft saved in the admin or published, and kept by a new draft."""

import pytest
from django.forms import modelform_factory

from bianmin.catalog.admin import ItemVersionForm
from bianmin.catalog.models import ItemLevel, ItemVersion
from bianmin.catalog.services import lower_review_errors, new_draft, publish_version, validate_version
from bianmin.core.errors import DomainError
from bianmin.testing.factories import NOW, make_catalog_item

pytestmark = pytest.mark.django_db


def _refused(call) -> list[str]:
    with pytest.raises(DomainError) as exc:
        call()
    assert set(exc.value.fields) == {"lower_review_days"}, exc.value.fields
    messages = exc.value.fields["lower_review_days"]
    assert all("下级机关初审" in m for m in messages), messages
    return messages


def test_a_county_item_takes_0_to_60_working_days(cast):
    version = make_catalog_item(cast, lower_review_days=20)
    assert ItemVersion.objects.get(is_current=True, item__code="YX-0001").lower_review_days == 20
    for days in (0, 1, 60):
        version.lower_review_days = days
        validate_version(version)  # no error
    for days in (61, 300, -1, None):
        version.lower_review_days = days
        assert "0至60个工作日" in _refused(lambda: validate_version(version))[0]


@pytest.mark.parametrize("level", [ItemLevel.TOWN, ItemLevel.VILLAGE, ItemLevel.INSTITUTION])
def test_only_a_county_item_has_a_lower_review(cast, level):
    message = _refused(lambda: make_catalog_item(cast, code="LR-01", level=level, lower_review_days=20))[0]
    assert "只有县级事项" in message
    assert not ItemVersion.objects.filter(item__code="LR-01").exists()  # nothing written
    assert make_catalog_item(cast, code="LR-02", level=level, lower_review_days=0).lower_review_days == 0


def test_the_errors_are_one_function_for_the_service_and_the_admin():
    assert lower_review_errors(ItemLevel.COUNTY, 20) == []
    assert lower_review_errors(ItemLevel.TOWN, 0) == []
    assert lower_review_errors(ItemLevel.TOWN, 20) and lower_review_errors(ItemLevel.COUNTY, 61)


def test_a_new_draft_copies_it_and_publishing_checks_it(cast):
    v1 = make_catalog_item(cast, lower_review_days=20)
    draft = new_draft(actor=cast["sysadmin"], item=v1.item, now=NOW)
    assert draft.lower_review_days == 20 and draft.number == 2
    draft.lower_review_days = 25
    draft.save()
    assert publish_version(actor=cast["sysadmin"], version=draft, now=NOW).lower_review_days == 25
    v1.refresh_from_db()
    assert v1.lower_review_days == 20  # the published version is untouched

    draft = new_draft(actor=cast["sysadmin"], item=v1.item, now=NOW)
    draft.level = ItemLevel.TOWN  # moved down a level, the review left behind
    draft.save()
    _refused(lambda: publish_version(actor=cast["sysadmin"], version=draft, now=NOW))
    draft.refresh_from_db()
    assert draft.status == "DRAFT" and not draft.is_current


def test_the_admin_form_refuses_it_on_a_town_draft(cast):
    form_class = modelform_factory(ItemVersion, form=ItemVersionForm, fields=["level", "lower_review_days"])
    v1 = make_catalog_item(cast)
    draft = new_draft(actor=cast["sysadmin"], item=v1.item, now=NOW)
    bad = form_class({"level": "TOWN", "lower_review_days": 20}, instance=draft)
    assert not bad.is_valid() and "只有县级事项" in bad.errors["lower_review_days"][0]
    too_long = form_class({"level": "COUNTY", "lower_review_days": 61}, instance=draft)
    assert not too_long.is_valid() and "0至60个工作日" in too_long.errors["lower_review_days"][0]
    negative = form_class({"level": "COUNTY", "lower_review_days": -1}, instance=draft)
    assert not negative.is_valid() and len(negative.errors["lower_review_days"]) == 1  # the field's own error
    good = form_class({"level": "COUNTY", "lower_review_days": 20}, instance=draft)
    assert good.is_valid(), good.errors
    assert good.save().lower_review_days == 20


def test_the_admin_shows_the_field_on_a_draft_only(client, cast):
    from conftest import sign_in

    v1 = make_catalog_item(cast, lower_review_days=20)
    draft = new_draft(actor=cast["sysadmin"], item=v1.item, now=NOW)
    sign_in(client, cast["sysadmin"])
    page = client.get(f"/admin/catalog/itemversion/{draft.pk}/change/").content.decode()
    assert 'name="lower_review_days"' in page and 'value="20"' in page and "下级机关初审期限" in page
    published = client.get(f"/admin/catalog/itemversion/{v1.pk}/change/").content.decode()
    assert "下级机关初审期限" in published and 'name="lower_review_days"' not in published


def test_the_guide_line_cites_article_43_for_a_licence_only(cast):
    licence = make_catalog_item(cast, lower_review_days=20)
    assert licence.lower_review_note == "本事项须先经下级机关初审（行政许可法第四十三条），初审期限20个工作日"
    benefit = make_catalog_item(cast, code="LR-03", kind="BENEFIT", lower_review_days=10)
    assert benefit.lower_review_note == "本事项须先经下级机关初审，初审期限10个工作日"
    assert make_catalog_item(cast, code="LR-04").lower_review_note == ""
