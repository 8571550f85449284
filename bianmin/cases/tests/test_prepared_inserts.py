"""Inserts through a statement prepared once per connection (``bianmin.core.inserts``, issue 16 item 1) write what
Django's ``bulk_create`` and ``save(force_insert=True)`` write, and leave the instances as they leave them."""
import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext, override_settings

from bianmin.audit.models import AuditEntry
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent, CaseMaterial, Notice
from bianmin.cases.tests.test_receive_and_accept_rows import DEFERRING, _rows
from bianmin.core.inserts import forget_inserts, insert_row, insert_rows
from bianmin.notifications.models import Message
from bianmin.testing.factories import ALL_GOOD, MONDAY, applicant

pytestmark = pytest.mark.django_db
AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def _djangos_path() -> override_settings:
    """Django's own inserts (and reads): as behind a pooler without prepared statements."""
    return override_settings(BIANMIN={**settings.BIANMIN, "SERVER_PREPARED_READS": False})


def _messages(n: int, tag: str) -> list[Message]:
    return [Message(channel="SMS", kind=f"K{i}", phone=f"1380013800{i}", body=f"正文{i} 'quoted' %s {tag}",
                    cause=f"{tag}:{i}", created_at=AT, next_attempt_at=AT + dt.timedelta(minutes=i))
            for i in range(n)]


def _columns(rows: list[Message]) -> list[tuple[Any, ...]]:
    """Every column of the rows as read back, the encrypted phone decrypted (its ciphertext differs each time)."""
    fields = [f.attname for f in Message._meta.concrete_fields if f.attname not in ("id", "phone", "body", "cause")]
    return [(row.phone, row.body.rsplit(" ", 1)[0], row.cause.split(":")[1], *(getattr(row, f) for f in fields))
            for row in Message.objects.filter(pk__in=[m.pk for m in rows]).order_by("pk")]


@pytest.mark.parametrize("n", [1, 3])
def test_insert_rows_writes_what_bulk_create_writes(n):
    ours, django = _messages(n, "ours"), _messages(n, "django")
    insert_rows(ours)
    Message.objects.bulk_create(django)
    assert all(m.pk is not None and not m._state.adding and m._state.db == "default" for m in ours)
    assert [m.pk for m in ours] == sorted(m.pk for m in ours)  # RETURNING in the order given
    assert _columns(ours) == _columns(django)
    # The derived column computed in pre_save is on the instance too, as bulk_create leaves it.
    assert [m.phone_masked for m in ours] == [m.phone_masked for m in django]


def test_insert_row_is_save_force_insert():
    ours, django = _messages(1, "ours")[0], _messages(1, "django")[0]
    insert_row(ours)
    django.save(force_insert=True)
    assert ours.pk and not ours._state.adding and _columns([ours]) == _columns([django])


def test_the_statement_is_compiled_once_and_run_again_with_new_values():
    forget_inserts()
    insert_rows(_messages(2, "a"))
    with CaptureQueriesContext(connection) as queries:
        second = _messages(2, "b")
        insert_rows(second)
    assert len(queries.captured_queries) == 1
    assert "b:1" in queries.captured_queries[0]["sql"]  # the statement as logged carries its values
    assert Message.objects.filter(cause__startswith="b:").count() == 2
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE "
                           "'INSERT INTO \"notifications_message\"%%'")
            assert cursor.fetchone()[0] >= 1


def test_an_expression_value_takes_djangos_path():
    message = _messages(1, "expr")[0]
    message.created_at = Now()
    insert_rows([message])
    message.refresh_from_db()
    assert message.created_at is not None and message.created_at.year >= 2026


def test_a_model_that_overrides_save_keeps_its_save():
    entry = AuditEntry(seq=10**9, at=AT, action="LOGIN", summary="s", prev_hash="0" * 64, hash="1" * 64)
    insert_row(entry)
    assert entry.pk and not entry._state.adding
    with pytest.raises(PermissionError):
        insert_row(entry)  # its save() refuses a row already written; so does this


def test_a_model_with_save_receivers_is_saved_by_save():
    from django.db.models.signals import post_save

    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.pk, created))

    post_save.connect(receiver, sender=Message, dispatch_uid="test_inserts")
    try:
        message = _messages(1, "signal")[0]
        insert_row(message)
        insert_rows(_messages(2, "bulk"))  # bulk_create sends no signal; neither does this
    finally:
        post_save.disconnect(sender=Message, dispatch_uid="test_inserts")
    assert seen == [(message.pk, True)]


def test_a_bad_row_raises_djangos_error():
    from django.db import IntegrityError, transaction

    bad = Message(channel="SMS", kind="K", phone="", body="b", created_at=AT, next_attempt_at=AT)  # no recipient
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows([bad])


@pytest.mark.parametrize("materials", [ALL_GOOD, DEFERRING], ids=["complete", "deferred"])
def test_receive_and_accept_writes_the_same_rows_as_djangos_inserts(cast, item, materials):
    """收件并受理 with the prepared inserts, and with Django's own (SERVER_PREPARED_READS off): the same rows."""
    actor = cast["window_a"]
    ours = svc.receive_and_accept(actor=actor, item_code="SP-01", applicant=applicant(), materials=materials,
                                  now=MONDAY)
    with _djangos_path():
        theirs = svc.receive_and_accept(actor=actor, item_code="SP-01", applicant=applicant(), materials=materials,
                                        now=MONDAY)
    assert _rows(Case.objects.get(pk=ours.pk)) == _rows(Case.objects.get(pk=theirs.pk))
    for model in (CaseMaterial, CaseEvent, Notice):
        assert model.objects.filter(case=ours).count() == model.objects.filter(case=theirs).count() > 0
    ours.refresh_from_db()
    assert ours.applicant_id_number == theirs.applicant_id_number == applicant()["id_number"]
