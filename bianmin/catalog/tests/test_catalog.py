import datetime as dt
from decimal import Decimal

import pytest

from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.catalog.models import ItemVersion, VersionStatus
from bianmin.catalog.selectors import current_version_by_code, current_versions, item_history, version_by_number
from bianmin.catalog.services import create_item, ensure_editable, new_draft, publish_version
from bianmin.core.errors import Conflict, DomainError, Forbidden
from bianmin.testing.factories import CATALOG_MATERIALS, NOW, catalog_content, make_catalog_item

pytestmark = pytest.mark.django_db


def test_create_and_publish(cast):
    v = make_catalog_item(cast)
    v.refresh_from_db()
    assert v.status == VersionStatus.PUBLISHED and v.is_current and v.number == 1
    detail = current_version_by_code("YX-0001")
    assert [m.name for m in detail.materials.all()] == ["身份证"]
    assert detail.fees.get().amount == Decimal("20.00")
    assert AuditEntry.objects.filter(action=AuditAction.CATALOG_PUBLISH).count() == 1


def test_only_system_admin_manages_catalogue(cast):
    with pytest.raises(Forbidden):
        create_item(actor=cast["window_a"], code="X", basic_code="1", content=catalog_content(),
                    materials=CATALOG_MATERIALS, fees=[], faqs=[], now=NOW)


def test_changing_a_published_item_makes_a_new_version(cast):
    v1 = make_catalog_item(cast)
    draft = new_draft(actor=cast["sysadmin"], item=v1.item, now=NOW, change_note="缩短承诺时限")
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert draft.materials.count() == 1 and draft.fees.count() == 1 and draft.faqs.count() == 1
    draft.committed_limit = 1
    draft.save()
    publish_version(actor=cast["sysadmin"], version=draft, now=NOW + dt.timedelta(days=1))
    v1.refresh_from_db()
    assert v1.status == VersionStatus.SUPERSEDED and not v1.is_current
    assert current_version_by_code("YX-0001").committed_limit == 1
    old = version_by_number("YX-0001", 1)
    assert old.committed_limit == 3 and old.materials.count() == 1  # old version stays readable, unchanged
    assert [h.number for h in item_history("YX-0001")] == [2, 1]


def test_published_version_is_not_editable(cast):
    v1 = make_catalog_item(cast)
    with pytest.raises(Conflict):
        ensure_editable(ItemVersion.objects.get(pk=v1.pk))
    with pytest.raises(Conflict):
        publish_version(actor=cast["sysadmin"], version=v1, now=NOW)


def test_one_draft_at_a_time(cast):
    v1 = make_catalog_item(cast)
    new_draft(actor=cast["sysadmin"], item=v1.item, now=NOW)
    with pytest.raises(Conflict):
        new_draft(actor=cast["sysadmin"], item=v1.item, now=NOW)


@pytest.mark.parametrize("overrides,field", [
    ({"committed_limit": 20}, "committed_limit"),
    ({"extension_allowed": True, "extension_days": 0}, "extension_days"),
    ({"channels": []}, "channels"),
    ({"special_procedures": ["PICNIC"]}, "special_procedures"),
    ({"required_visits": 2, "visits_reason": ""}, "visits_reason"),
])
def test_inconsistent_content_is_refused_naming_the_field(cast, overrides, field):
    with pytest.raises(DomainError) as exc:
        make_catalog_item(cast, **overrides)
    assert field in exc.value.fields
    assert not ItemVersion.objects.exists()  # nothing half-written


def test_duplicate_code_refused(cast):
    make_catalog_item(cast)
    with pytest.raises(DomainError) as exc:
        make_catalog_item(cast)
    assert "code" in exc.value.fields


def test_search_filters(cast, org):
    make_catalog_item(cast, code="A1", name="个体工商户登记", implementing_unit=org["dept"])
    make_catalog_item(cast, code="A2", name="犬只登记", level="TOWN", kind="OTHER")
    make_catalog_item(cast, code="A3", name="不发布", publish=False)
    assert [v.item.code for v in current_versions()] == ["A1", "A2"]
    assert [v.item.code for v in current_versions(q="犬只")] == ["A2"]
    assert [v.item.code for v in current_versions(department="D1")] == ["A1"]
    assert [v.item.code for v in current_versions(level="TOWN")] == ["A2"]
    assert [v.item.code for v in current_versions(kind="LICENSE")] == ["A1"]


def test_prepare_draft_numbers_the_next_version(cast):
    from bianmin.catalog.services import prepare_draft

    v1 = make_catalog_item(cast)
    draft = prepare_draft(ItemVersion(item=v1.item, status=VersionStatus.PUBLISHED))
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT


def test_pinned_versions_are_read_once_and_forgotten_when_the_catalogue_changes(cast, django_assert_num_queries):
    from bianmin.catalog.models import Fee
    from bianmin.catalog.selectors import pinned_version

    v1 = make_catalog_item(cast)
    first = pinned_version(v1.pk)
    fees = [f.name for f in Fee.objects.filter(version=v1)]
    with django_assert_num_queries(0):
        assert pinned_version(v1.pk) is first
        assert [f.name for f in first.fees.all()] == fees and first.item.code == "YX-0001"
    new_draft(actor=cast["sysadmin"], item=v1.item, now=NOW)  # any catalogue write in this process
    again = pinned_version(v1.pk)
    assert again is not first and again.pk == v1.pk and again.item.code == v1.item.code


def test_version_facts_read_the_missing_ones_in_one_query_and_are_forgotten_with_the_catalogue(
        cast, django_assert_num_queries):
    from bianmin.catalog.selectors import forget_pinned_versions, version_facts

    forget_pinned_versions()
    v1 = make_catalog_item(cast)
    with django_assert_num_queries(1):
        assert version_facts([v1.pk, v1.pk]) == {v1.pk: (v1.name, v1.committed_limit)}
    with django_assert_num_queries(0):
        assert version_facts({v1.pk}) == {v1.pk: (v1.name, v1.committed_limit)}
        assert version_facts([]) == {}
    new_draft(actor=cast["sysadmin"], item=v1.item, now=NOW)  # any catalogue write in this process
    with django_assert_num_queries(1):
        version_facts([v1.pk])


def test_an_items_codes_cannot_be_changed_once_saved(client, cast):
    from conftest import sign_in

    v1 = make_catalog_item(cast)
    sign_in(client, cast["sysadmin"])
    page = client.get(f"/admin/catalog/serviceitem/{v1.item.pk}/change/").content.decode()
    assert "YX-0001" in page and 'name="code"' not in page and 'name="basic_code"' not in page
    assert 'name="code"' in client.get("/admin/catalog/serviceitem/add/").content.decode()
