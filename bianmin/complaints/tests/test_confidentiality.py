"""The complainant's identity is for supervisors only (SECURITY.md): no page, JSON, export, message or log line
shown to the staff complained about (window_a), their leader or a window clerk (window_b) holds the name or phone,
nor does any audit entry (the audit administrator reads them all)."""
from __future__ import annotations

import logging

import pytest
import time_machine

from bianmin.audit.models import AuditEntry
from bianmin.complaints import services as svc
from bianmin.notifications.models import Message
from bianmin.testing.factories import MON, MONDAY, at
from conftest import api_token_headers, sign_in

pytestmark = pytest.mark.django_db
NAME, PHONE = "保密投诉人赵六", "13655556666"
PHONE_FORMS = (PHONE, "136-5555-6666", "136 5555 6666", "5555666")


def leaks(text: str) -> list[str]:
    return [v for v in (NAME, *PHONE_FORMS) if v in text]


@time_machine.travel(MONDAY, tick=False)
def test_nobody_but_a_supervisor_ever_sees_who_complained(client, cast, calendar, caplog):
    caplog.set_level(logging.DEBUG)
    r = client.post("/complaints/new/", {"unit": "C1", "kind": "ATTITUDE", "subject_type": "STAFF",
                                         "staff": cast["window_a"].staff_profile.badge_number,
                                         "matter": "态度恶劣", "name": NAME, "phone": PHONE})
    assert r.status_code == 200 and not leaks(r.content.decode())
    from bianmin.complaints.models import Complaint

    c = Complaint.objects.get()
    sup = cast["supervisor"]
    svc.investigate_complaint(actor=sup, number=c.number, notes="核实属实", now=at(MON, 10))
    svc.handle_complaint(actor=sup, number=c.number, nature="属实", opinion="批评教育", now=at(MON, 10))
    svc.reply_complaint(actor=sup, number=c.number, reply="已处理", now=at(MON, 11))
    c = svc.confirm_complaint(actor=sup, number=c.number, now=at(MON, 11))
    assert svc.reveal_complainant(actor=sup, number=c.number, reason="回访", now=at(MON, 12))["name"] == NAME

    seen = []
    for who in ("window_a", "leader", "window_b"):
        client.logout()
        sign_in(client, cast[who])
        for url in ("/staff/", "/staff/complaints/", f"/staff/complaints/{c.number}/", "/staff/accountability/",
                    f"/staff/accountability/{c.violation_id}/", "/staff/messages/", "/staff/accountability/mine/",
                    "/staff/stats/"):
            r = client.get(url)
            seen.append((who, url, r.status_code))
            assert not leaks(r.content.decode()), (who, url)
        r = client.post(f"/staff/complaints/{c.number}/complainant/", {"reason": "好奇"})
        assert r.status_code in (403, 404) and not leaks(r.content.decode())
        headers = api_token_headers(client, who)
        for url in ("/api/v1/complaints", f"/api/v1/complaints/{c.number}", "/api/v1/violations",
                    f"/api/v1/violations/{c.violation_id}"):
            r = client.get(url, headers=headers)
            assert not leaks(r.content.decode()), (who, url)
        r = client.post(f"/api/v1/complaints/{c.number}/reveal", {"reason": "x"}, content_type="application/json",
                        headers=headers)
        assert r.status_code in (403, 404) and not leaks(r.content.decode())
    # the leader reads the register and the complaint (without identity); the others see neither
    assert ("leader", f"/staff/complaints/{c.number}/", 200) in seen
    assert ("window_a", f"/staff/complaints/{c.number}/", 403) in seen
    assert ("window_a", f"/staff/accountability/{c.violation_id}/", 200) in seen  # their own record
    # messages queued to anyone, audit rows (summaries and data) and every log line
    for m in Message.objects.all():
        assert not leaks(f"{m.subject} {m.body}")
    for e in AuditEntry.objects.all():
        assert not leaks(f"{e.summary} {e.data}"), e.summary
    client.logout()
    sign_in(client, cast["auditor"])
    r = client.get("/staff/audit/")
    assert r.status_code == 200 and c.number in r.content.decode() and not leaks(r.content.decode())
    assert not leaks(caplog.text)
    # the supervisor does see it, on the reveal's answer only
    client.logout()
    sign_in(client, sup)
    page = client.get(f"/staff/complaints/{c.number}/").content.decode()
    assert NAME not in page and "136****6666" in page
    r = client.post(f"/staff/complaints/{c.number}/complainant/", {"reason": "回访核实"})
    assert r.status_code == 200 and NAME in r.content.decode() and r["Cache-Control"] == "no-store"
