"""The limits an item and its kind set (``catalog.services`` validation, decision 0015 §10): per-kind intake,
start and result-notice days within the law, level limits and 补办 days checked and kept by a new draft."""

import pytest

from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.catalog.models import ItemKind, KindRule
from bianmin.catalog.services import validate_kind_rule, validate_version
from bianmin.core.errors import DomainError
from bianmin.testing.factories import MON, at, make_item

pytestmark = pytest.mark.django_db


def test_kind_rules_are_validated_against_the_law():
    assert validate_kind_rule(ItemKind.LICENSE, 5, 1, 10) == {}
    errors = validate_kind_rule(ItemKind.LICENSE, 6, 0, 11)
    assert set(errors) == {"intake_working_days", "start_within_working_days", "result_notice_working_days"}
    assert "第三十二条" in errors["intake_working_days"][0]
    assert validate_kind_rule(ItemKind.PUBLIC_SERVICE, 10, 2, 15) == {}

def test_level_limits_and_deferred_days_are_validated(cast, org, calendar):
    version = make_item(cast, org, "LV-02", name="校验事项")
    version.committed_limit_village = 30  # longer than the legal limit (20)
    version.deferred_due_days = 0
    with pytest.raises(DomainError) as exc:
        validate_version(version)
    assert {"committed_limit_village", "deferred_due_days"} <= set(exc.value.fields)

def test_a_reported_item_has_no_zero_limit_at_any_level(cast, org, calendar):
    version = make_item(cast, org, "SB-09", name="上报件时限", default_class="REPORTED")
    version.committed_limit_village = 0
    with pytest.raises(DomainError) as exc:
        validate_version(version)
    assert "committed_limit_village" in exc.value.fields

def test_a_new_draft_keeps_the_level_limits(cast, org, calendar):
    from bianmin.catalog.services import new_draft

    version = make_item(cast, org, "LV-03", name="复制事项", committed_limit_town=4, deferred_due_days=7)
    draft = new_draft(actor=cast["sysadmin"], item=version.item, now=at(MON))
    assert (draft.committed_limit_town, draft.deferred_due_days) == (4, 7)

def test_kind_rules_are_edited_in_the_admin_validated_and_audited(client, cast):
    from conftest import sign_in

    sign_in(client, cast["sysadmin"])
    url = "/admin/catalog/kindrule/add/"
    bad = client.post(url, {"kind": "LICENSE", "intake_working_days": 7, "start_within_working_days": 1,
                            "result_notice_working_days": 10})
    assert bad.status_code == 200 and "第三十二条" in bad.content.decode()
    assert not KindRule.objects.exists()
    good = client.post(url, {"kind": "PUBLIC_SERVICE", "intake_working_days": 7, "start_within_working_days": 2,
                             "result_notice_working_days": 10})
    assert good.status_code == 302
    rule = KindRule.objects.get()
    assert rule.intake_working_days == 7
    assert AuditEntry.objects.filter(action=AuditAction.CONFIG_CREATE, object_id=str(rule.pk)).exists()
