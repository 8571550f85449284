"""Personal data at rest (issue 11 item 5, decision 0018): encrypted IDs and phones, blind-index search (audited),
masked copies for display, key rotation, the data migration; and the credit-code override in the audit row."""
from __future__ import annotations

from unittest import mock

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.cases import services as svc
from bianmin.cases.models import Case
from bianmin.cases.selectors import case_detail_for, search_cases, workbench_rows
from bianmin.core.crypto import Ciphertext, blind_index, decrypt, decrypt_existing_rows, encrypt_existing_rows
from bianmin.notifications.models import Message
from bianmin.testing.factories import ALL_GOOD, ID, MONDAY, applicant

pytestmark = pytest.mark.django_db
PHONE, AGENT_ID, AGENT_PHONE = "13800138000", "440524188001010014", "13911112222"
COLUMNS = ("applicant_id_number", "applicant_phone", "agent_id_number", "agent_phone")


def receive(cast, **overrides):
    return svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(**overrides),
                            agent={"name": "王五", "id_number": AGENT_ID, "phone": AGENT_PHONE,
                                   "authorization": "委托书"},
                            materials=ALL_GOOD, now=MONDAY)


def stored(model, pk, *columns) -> tuple:
    """Return the raw column values of one row, as the database holds them."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(model._meta.db_table)} "  # noqa: S608
                       f"WHERE id = %s", [pk])
        return cursor.fetchone()


def test_ids_and_phones_are_stored_encrypted_with_blind_indexes_and_masked_copies(cast, item):
    case = receive(cast)
    raw = dict(zip(COLUMNS, stored(Case, case.pk, *COLUMNS), strict=True))
    plain = {"applicant_id_number": ID, "applicant_phone": PHONE, "agent_id_number": AGENT_ID,
             "agent_phone": AGENT_PHONE}
    for column, value in raw.items():
        assert plain[column] not in value and decrypt(value) == plain[column], column
    loaded = Case.objects.get(pk=case.pk)
    assert [getattr(loaded, c) for c in COLUMNS] == [plain[c] for c in COLUMNS]  # the model API is unchanged
    index, masked, phone_index, phone_masked = stored(Case, case.pk, "applicant_id_index", "applicant_id_masked",
                                                      "applicant_phone_index", "applicant_phone_masked")
    assert index == blind_index("id", ID) and phone_index == blind_index("phone", PHONE)
    assert masked == "110***********002X" and phone_masked == "138****8000"
    assert Case.objects.filter(applicant_id_index=blind_index("id", ID.lower())).get() == case
    # Saving a loaded case writes its tokens back unchanged (no decryption, no new token).
    loaded.urgent = True
    loaded.save()
    assert stored(Case, case.pk, *COLUMNS) == tuple(raw.values())


def test_pages_and_lists_decrypt_nothing_a_reveal_decrypts_one_value(cast, item):
    from bianmin.cases.services.documents import base_content

    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=MONDAY)  # the SMS read the phone
    with mock.patch.object(Ciphertext, "plaintext", autospec=True, side_effect=Ciphertext.plaintext) as opened:
        detail = case_detail_for(cast["window_a"], case.number, MONDAY.date())
        assert (detail.applicant_id_masked, detail.applicant_phone_masked) == ("110***********002X", "138****8000")
        assert base_content(detail, cast["window_a"], MONDAY)["applicant_id"] == "110***********002X"
        assert [c.number for c in search_cases(cast["window_a"], q="张三")] == [case.number]
        assert [r.number for r in workbench_rows(cast["window_a"], MONDAY.date())] == [case.number]
        assert opened.call_count == 0
        assert svc.reveal_personal_data(actor=cast["window_a"], number=case.number, field="phone", reason="回电",
                                        now=MONDAY) == PHONE
        assert opened.call_count == 1


def test_encrypted_columns_cannot_be_searched_by_value(cast, item):
    receive(cast)
    with pytest.raises(FieldError):
        list(Case.objects.filter(applicant_phone=PHONE))  # would silently match nothing: refused instead
    with pytest.raises(FieldError):
        list(Case.objects.filter(applicant_id_number__startswith="110"))
    assert not Case.objects.filter(agent_phone="").exists()  # comparing with "" is allowed
    assert not Case.objects.filter(agent_phone__isnull=True).exists()


@pytest.mark.parametrize(("q", "field", "masked"), [
    ("138 0013 8000", "phone", "138****8000"), ("+86 13800138000", "phone", "138****8000"),
    (ID.lower(), "id_number", "110***********002X"),
    ("１１０１０５１９４９１２３１００２Ｘ", "id_number", "110***********002X"),
])
def test_a_search_by_a_full_phone_or_id_uses_the_blind_index_and_is_audited(cast, item, q, field, masked):
    case = receive(cast)
    receive(cast, phone="13900000000", id_number="440524188001010014")
    assert [c.number for c in svc.find_cases(actor=cast["window_a"], q=q, now=MONDAY)] == [case.number]
    entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_VIEW)
    assert entry.actor == cast["window_a"] and entry.object_type == "cases.Case"
    assert entry.data == {"search": "cases", "field": field, "value": masked, "found": 1}
    assert PHONE not in str(entry.data) + entry.summary and ID not in str(entry.data) + entry.summary
    # Out of scope: nothing found, still audited.
    assert not svc.find_cases(actor=cast["town_window"], q=q, now=MONDAY).exists()
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).count() == 2


def test_other_searches_are_not_audited_but_a_passport_number_is(cast, item):
    case = receive(cast, id_type="PASSPORT", id_number="E12345678")
    for q in ("张三", case.number, "1380013"):  # a partial number finds nothing (no search on masked digits)
        found = [c.number for c in svc.find_cases(actor=cast["window_a"], q=q, now=MONDAY)]
        assert found == ([] if q == "1380013" else [case.number])
    assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).exists()
    assert [c.number for c in svc.find_cases(actor=cast["window_a"], q="e12345678", now=MONDAY)] == [case.number]
    assert AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_VIEW).data["value"] == "E12**5678"


def test_the_credit_code_override_reason_is_in_the_audit_row(cast, item):
    reason = "2015年试点代码，已电话核实"
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", materials=ALL_GOOD, now=MONDAY, applicant={
        "kind": "ORGANISATION", "name": "某公司", "legal_rep": "李四", "phone": PHONE,
        "credit_code": "91350100M000100Y44", "credit_code_override_reason": reason})
    entry = AuditEntry.objects.get(action=AuditAction.CASE_TRANSITION, object_id=str(case.pk))
    assert entry.data == {"to": "RECEIVED", "credit_code_override": reason}
    ordinary = receive(cast)
    assert "credit_code_override" not in AuditEntry.objects.get(object_id=str(ordinary.pk)).data


def _keys(*field_keys, index=None):
    return override_settings(BIANMIN={**settings.BIANMIN, "FIELD_KEYS": list(field_keys),
                                      "BLIND_INDEX_KEY": index or settings.BIANMIN["BLIND_INDEX_KEY"]})


def test_old_data_still_decrypts_after_rotation_and_is_re_encrypted_by_the_command(cast, item):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with _keys(old):
        case = receive(cast)
        svc.accept_case(actor=cast["window_a"], number=case.number, now=MONDAY)  # an SMS in the outbox
    sms = Message.objects.get(channel="SMS")
    before = stored(Case, case.pk, *COLUMNS)
    with _keys(new, old, index="n" * 40):
        assert Case.objects.get(pk=case.pk).applicant_phone == PHONE  # the old key still decrypts
        call_command("rotate_field_keys", "--batch", "1", stdout=mock.Mock())
        after = stored(Case, case.pk, *COLUMNS)
        assert all(a != b for a, b in zip(after, before, strict=True))
        # The blind indexes follow the new index key: the search still finds the case.
        assert [c.number for c in search_cases(cast["window_a"], q=PHONE)] == [case.number]
    for token, value in zip(after, (ID, PHONE, AGENT_ID, AGENT_PHONE), strict=True):
        assert Fernet(new.encode()).decrypt(token.encode()).decode() == value
    (phone,) = stored(Message, sms.pk, "phone")
    assert Fernet(new.encode()).decrypt(phone.encode()).decode() == PHONE
    with _keys(new, index="n" * 40):  # the old key can go
        assert Case.objects.get(pk=case.pk).agent_id_number == AGENT_ID
        assert Message.objects.get(pk=sms.pk).phone == PHONE


def test_the_data_migration_helpers_encrypt_plaintext_rows_once_and_reverse(cast, item):
    case = receive(cast)
    with connection.cursor() as cursor:  # a row as it was before the migration
        cursor.execute("UPDATE cases_case SET applicant_phone = %s, applicant_id_number = %s, agent_phone = %s, "
                       "agent_id_number = %s, applicant_phone_index = '', applicant_id_masked = '' WHERE id = %s",
                       [PHONE, ID, AGENT_PHONE, AGENT_ID, case.pk])
    assert encrypt_existing_rows(Case, connection) == 1
    once = stored(Case, case.pk, *COLUMNS, "applicant_phone_index", "applicant_id_masked")
    assert [decrypt(v) for v in once[:4]] == [ID, PHONE, AGENT_ID, AGENT_PHONE]
    assert once[4:] == (blind_index("phone", PHONE), "110***********002X")
    encrypt_existing_rows(Case, connection)  # run again: what is encrypted stays as it is
    assert stored(Case, case.pk, *COLUMNS) == once[:4]
    decrypt_existing_rows(Case, connection)
    assert stored(Case, case.pk, *COLUMNS) == (ID, PHONE, AGENT_ID, AGENT_PHONE)


def test_the_outbox_keeps_the_phone_encrypted_and_the_worker_sends_to_it(cast, item):
    from bianmin.notifications.backends import LocmemBackend
    from bianmin.notifications.services import deliver_due

    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=MONDAY)
    sms = Message.objects.get(channel="SMS")
    (raw,) = stored(Message, sms.pk, "phone")
    assert PHONE not in raw and decrypt(raw) == PHONE and sms.phone_masked == "138****8000"
    LocmemBackend.sent.clear()
    assert deliver_due(now=MONDAY.replace(hour=2))["sent"] == 1
    assert [m["phone"] for m in LocmemBackend.sent] == [PHONE]


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_rows_stored_before_it_and_reverses(cast, item):
    from django.db.migrations.executor import MigrationExecutor

    case = receive(cast)
    executor = MigrationExecutor(connection)
    # Every app's leaf, not only cases': going back also unapplies the migrations of apps that depend on a later
    # cases migration (accountability, then complaints), and they must all come back for the tests after this one.
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("cases", "0013_received_has_intake_deadline")])
        assert stored(Case, case.pk, *COLUMNS) == (ID, PHONE, AGENT_ID, AGENT_PHONE)  # plaintext again
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    raw = stored(Case, case.pk, *COLUMNS, "applicant_phone_index", "applicant_id_masked")
    assert [decrypt(v) for v in raw[:4]] == [ID, PHONE, AGENT_ID, AGENT_PHONE] and PHONE not in raw[1]
    assert raw[4:] == (blind_index("phone", PHONE), "110***********002X")
    assert Case.objects.get(pk=case.pk).applicant_id_number == ID
