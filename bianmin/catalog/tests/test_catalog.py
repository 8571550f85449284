import datetime as dt
from decimal import Decimal

import pytest

from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.catalog.models import ItemVersion, VersionStatus
from bianmin.catalog.selectors import current_version_by_code, current_versions, item_history, version_by_number
from bianmin.catalog.services import create_item, ensure_editable, new_draft, publish_version
from bianmin.core.errors import Conflict, DomainError, Forbidden
from conftest import NOW

pytestmark = pytest.mark.django_db


def content(**overrides):
    data = {"name": "个体工商户登记", "kind": "LICENSE", "level": "COUNTY",
            "implementing_organ": "测试县市场监督管理局", "legal_basis": "《促进个体工商户发展条例》",
            "conditions": "有经营能力的公民", "procedure": "申请、受理、决定",
            "legal_limit": 15, "legal_limit_unit": "WORKING", "committed_limit": 3, "committed_limit_unit": "WORKING",
            "special_procedures": [], "extension_allowed": False, "extension_days": 0, "default_class": "PROMISED",
            "channels": ["WINDOW", "ONLINE"], "required_visits": 1, "visits_reason": "核验身份",
            "appointment": True, "courier": False, "online_payment": False, "place": "二楼5号窗口",
            "hours": "工作日", "enquiry_phone": "0799-6000001", "complaint_phone": "0799-6000000",
            "result_type": "CERTIFICATE", "result_name": "营业执照"}
    data.update(overrides)
    return data


MATERIALS = [{"name": "身份证", "original": "ORIGINAL", "form": "PAPER", "copies": 1, "necessity": "REQUIRED",
              "source": "APPLICANT", "standard": "有效期内"}]
FEES = [{"name": "工本费", "amount": Decimal("20.00"), "basis": "收费文件", "waivable": False}]


def make(cast, code="YX-0001", publish=True, **overrides):
    return create_item(actor=cast["sysadmin"], code=code, basic_code="000101", content=content(**overrides),
                       materials=MATERIALS, fees=FEES, faqs=[{"question": "要多久？", "answer": "3个工作日"}],
                       now=NOW, publish=publish)


def test_create_and_publish(cast):
    v = make(cast)
    v.refresh_from_db()
    assert v.status == VersionStatus.PUBLISHED and v.is_current and v.number == 1
    detail = current_version_by_code("YX-0001")
    assert [m.name for m in detail.materials.all()] == ["身份证"]
    assert detail.fees.get().amount == Decimal("20.00")
    assert AuditEntry.objects.filter(action=AuditAction.CATALOG_PUBLISH).count() == 1


def test_only_system_admin_manages_catalogue(cast):
    with pytest.raises(Forbidden):
        create_item(actor=cast["window_a"], code="X", basic_code="1", content=content(), materials=MATERIALS,
                    fees=[], faqs=[], now=NOW)


def test_changing_a_published_item_makes_a_new_version(cast):
    v1 = make(cast)
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
    v1 = make(cast)
    with pytest.raises(Conflict):
        ensure_editable(ItemVersion.objects.get(pk=v1.pk))
    with pytest.raises(Conflict):
        publish_version(actor=cast["sysadmin"], version=v1, now=NOW)


def test_one_draft_at_a_time(cast):
    v1 = make(cast)
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
        make(cast, **overrides)
    assert field in exc.value.fields
    assert not ItemVersion.objects.exists()  # nothing half-written


def test_duplicate_code_refused(cast):
    make(cast)
    with pytest.raises(DomainError) as exc:
        make(cast)
    assert "code" in exc.value.fields


def test_search_filters(cast, org):
    make(cast, code="A1", name="个体工商户登记", implementing_unit=org["dept"])
    make(cast, code="A2", name="犬只登记", level="TOWN", kind="OTHER")
    make(cast, code="A3", name="不发布", publish=False)
    assert [v.item.code for v in current_versions()] == ["A1", "A2"]
    assert [v.item.code for v in current_versions(q="犬只")] == ["A2"]
    assert [v.item.code for v in current_versions(department="D1")] == ["A1"]
    assert [v.item.code for v in current_versions(level="TOWN")] == ["A2"]
    assert [v.item.code for v in current_versions(kind="LICENSE")] == ["A1"]


def test_prepare_draft_numbers_the_next_version(cast):
    from bianmin.catalog.services import prepare_draft

    v1 = make(cast)
    draft = prepare_draft(ItemVersion(item=v1.item, status=VersionStatus.PUBLISHED))
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT


def test_pinned_versions_are_read_once_and_forgotten_when_the_catalogue_changes(cast, django_assert_num_queries):
    from bianmin.catalog.models import Fee
    from bianmin.catalog.selectors import pinned_version

    v1 = make(cast)
    first = pinned_version(v1.pk)
    fees = [f.name for f in Fee.objects.filter(version=v1)]
    with django_assert_num_queries(0):
        assert pinned_version(v1.pk) is first
        assert [f.name for f in first.fees.all()] == fees and first.item.code == "YX-0001"
    new_draft(actor=cast["sysadmin"], item=v1.item, now=NOW)  # any catalogue write in this process
    again = pinned_version(v1.pk)
    assert again is not first and again.pk == v1.pk and again.item.code == v1.item.code


def test_an_items_codes_cannot_be_changed_once_saved(client, cast):
    from conftest import sign_in

    v1 = make(cast)
    sign_in(client, cast["sysadmin"])
    page = client.get(f"/admin/catalog/serviceitem/{v1.item.pk}/change/").content.decode()
    assert "YX-0001" in page and 'name="code"' not in page and 'name="basic_code"' not in page
    assert 'name="code"' in client.get("/admin/catalog/serviceitem/add/").content.decode()
