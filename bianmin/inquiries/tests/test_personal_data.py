"""A caller's phone at rest: encrypted, found by its blind index, searched with an audit row (decision 0018)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.core.crypto import blind_index, decrypt
from bianmin.inquiries import services as svc
from bianmin.inquiries.models import Inquiry

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
PHONE = "13911112222"


def register(cast, **kw):
    return svc.register_inquiry(actor=cast["window_a"], now=MONDAY, channel="PHONE", visitor_name="李四",
                                matter="咨询个体户登记", **kw)


def test_the_callers_phone_is_stored_encrypted_with_an_index_and_a_masked_copy(cast):
    inquiry = register(cast, phone="139-1111-2222")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_index, phone_masked FROM inquiries_inquiry WHERE id = %s", [inquiry.pk])
        raw, index, masked = cursor.fetchone()
    assert PHONE not in raw and decrypt(raw) == PHONE
    assert index == blind_index("phone", PHONE) and masked == "139****2222"
    assert Inquiry.objects.get(pk=inquiry.pk).phone == PHONE
    assert svc.reveal_phone(actor=cast["window_a"], number=inquiry.number, reason="回电答复", now=MONDAY) == PHONE


def test_a_search_by_a_full_phone_is_exact_and_audited(cast):
    inquiry = register(cast, phone=PHONE)
    register(cast, phone="13900000000")
    found = svc.find_inquiries(actor=cast["window_a"], q="+86 139 1111 2222", now=MONDAY)
    assert [i.number for i in found] == [inquiry.number]
    entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_VIEW)
    assert entry.actor == cast["window_a"] and entry.object_type == "inquiries.Inquiry"
    assert entry.data == {"search": "inquiries", "field": "phone", "value": "139****2222", "found": 1}
    # Names, matters and partial numbers are not searches by personal data (and a partial number finds nothing).
    assert [i.number for i in svc.find_inquiries(actor=cast["window_a"], q="个体户", now=MONDAY)] == [
        i.number for i in Inquiry.objects.order_by("-received_at", "-id")]
    assert not svc.find_inquiries(actor=cast["window_a"], q="1391111", now=MONDAY).exists()
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).count() == 1
