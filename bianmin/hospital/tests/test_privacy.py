"""Health information across the product (个人信息保护法 Art. 28, decision 0026 §6): after a whole coordination
(patient recorded, health read, escalated, late twice, answered, family told by SMS, digests built), the diagnosis and
the ward appear nowhere but in the audited read: not in the public lookup (page and API), the statistics export, the
audit trail, the digests, the messages, the accountability records, nor in any staff page shown without the read."""
import dataclasses
import datetime as dt
import io
import json

import pytest
import time_machine
from openpyxl import load_workbook

from bianmin.accountability.models import Violation
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.cases.selectors import public_lookup
from bianmin.hospital import services, sweep
from bianmin.hospital.models import CoordinationRequest
from bianmin.notifications.models import DigestItem, Message
from bianmin.notifications.services import build_digests
from bianmin.testing.factories import MON, at
from bianmin.testing.hospital import DIAGNOSIS, HEALTH_WORDS, SENT, WARD
from conftest import sign_in

H = dt.timedelta(hours=1)
TUE = MON + dt.timedelta(days=1)
LATER = at(TUE, 10)  # when the pages are opened: a working hour, after the whole coordination
PATIENT = "李大"
LOOKUP_API = "/api/v1/public/case-lookup"


def _clean(text: str, *, where: str, patient_too: bool = False) -> None:
    for word in HEALTH_WORDS + ((PATIENT,) if patient_too else ()):
        assert word not in text, f"{word!r} in {where}: {text[:2000]}"


@pytest.fixture
def coordinated(hospital, patient, send):
    """The whole coordination of ``h["case"]``; returns the hospital cast with ``h["request"]``."""
    h = hospital
    request = send(to="k1", hours=4)  # 心内科 due 14:00
    services.read_patient_health(actor=h["k1_staff"], case=h["case"], now=SENT + H, purpose="评估转院")
    services.read_patient_health(actor=h["desk_a"], case=h["case"], now=SENT + H)
    services.escalate_request(actor=h["k1_staff"], request_id=request.pk, to_department_id=h["k2"].pk,
                              note="需医务科联系上级医院", now=SENT + 5 * H)  # late: recorded; 医务科 due 19:00
    sweep.run(SENT + 8 * H)  # the 医务科 reminded
    sweep.run(SENT + 10 * H)  # and recorded late
    services.answer_request(actor=h["k2_staff"], request_id=request.pk, answer="市人民医院同意接收", now=SENT + 11 * H)
    services.tell_family(actor=h["desk_a"], request_id=request.pk, note="电话告知家属李四", send_sms=True,
                         now=SENT + 11 * H + 30 * dt.timedelta(minutes=1))
    other = send(to="k1", hours=24, now=SENT + 2 * H)
    services.refuse_request(actor=h["k1_staff"], request_id=other.pk, reason="本科无床位", now=SENT + 3 * H)
    build_digests(now=LATER)
    h["request"] = request
    assert Message.objects.filter(kind="COORDINATION").exists()
    assert Message.objects.filter(kind="COORDINATION_TOLD").exists() and Violation.objects.exists()
    return h


def test_the_health_fields_are_readable_only_through_the_audited_read(coordinated):
    h = coordinated
    view = services.read_patient_health(actor=h["desk_a"], case=h["case"], now=LATER)
    assert (view.diagnosis, view.ward) == (DIAGNOSIS, WARD)
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).count() == 3


def test_the_audit_trail_holds_no_health_text(coordinated):
    for row in AuditEntry.objects.all():
        _clean(f"{row.summary} {json.dumps(row.data, ensure_ascii=False)} {row.object_type} {row.object_id}",
               where=f"audit #{row.seq}")


def test_notifications_hold_no_health_text(coordinated):
    for item in DigestItem.objects.all():
        _clean(item.text + item.link, where=f"digest item {item.pk}")
    for message in Message.objects.all():
        _clean(f"{message.subject} {message.body} {message.link} {message.cause}", where=f"message {message.kind}")
    (sms,) = Message.objects.filter(kind="COORDINATION_TOLD")
    _clean(sms.body, where="the SMS", patient_too=True)


def test_accountability_records_hold_no_health_text(coordinated):
    for violation in Violation.objects.all():
        _clean(f"{violation.description} {json.dumps(violation.evidence, ensure_ascii=False)}",
               where=f"violation {violation.pk}")


def test_the_public_lookup_tells_nothing_about_the_patient(coordinated):
    case = coordinated["case"]
    status = public_lookup(case.number, case.query_code)
    assert status is not None and status.number == case.number
    _clean(repr(dataclasses.asdict(status)), where="public_lookup", patient_too=True)


@time_machine.travel(LATER, tick=False)
def test_the_lookup_page_tells_nothing_about_the_patient(client, coordinated):
    case = coordinated["case"]
    page = client.post("/lookup/", {"number": case.number, "code": case.query_code}).content.decode()
    assert case.number in page
    _clean(page, where="/lookup/", patient_too=True)


@time_machine.travel(LATER, tick=False)
@pytest.mark.endpoint("POST", LOOKUP_API)
def test_the_lookup_api_tells_nothing_about_the_patient(client, coordinated):
    case = coordinated["case"]
    r = client.post(LOOKUP_API, {"number": case.number, "code": case.query_code}, content_type="application/json")
    assert r.status_code == 200 and r.json()["number"] == case.number
    _clean(r.content.decode(), where=LOOKUP_API, patient_too=True)


@time_machine.travel(LATER, tick=False)
def test_the_statistics_and_their_export_hold_no_health_text(client, coordinated, cast):
    sign_in(client, cast["leader"])
    period = {"from": "2026-03-01", "to": "2026-03-31"}
    page = client.get("/staff/stats/", period)
    assert page.status_code == 200
    _clean(page.content.decode(), where="/staff/stats/", patient_too=True)
    r = client.get("/staff/stats/export.xlsx", period)
    assert r.status_code == 200 and r.content[:2] == b"PK"
    workbook = load_workbook(io.BytesIO(r.content), read_only=True)
    cells = [str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
             for value in row if value is not None]
    assert cells  # the export is not empty
    _clean("\n".join(cells), where="the statistics export", patient_too=True)


@time_machine.travel(LATER, tick=False)
@pytest.mark.parametrize("who", ["desk_a", "k2_staff", "leader"])
def test_staff_pages_do_not_show_the_health_fields_without_the_read(client, coordinated, cast, who):
    h = coordinated
    user = cast[who] if who in cast else h[who]
    reads = AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).count()
    sign_in(client, user)
    request = CoordinationRequest.objects.get(pk=h["request"].pk)
    pages = [f"/staff/hospital/requests/{request.pk}/", "/staff/hospital/requests/"]
    if who != "k2_staff":  # the 科室 does not see the desk's cases through the case lists
        pages += [f"/staff/cases/{h['case'].number}/", "/staff/cases/", f"/staff/cases/?q={h['case'].number}"]
    for url in pages:
        r = client.get(url, follow=True)  # a search by the exact number leads to the case
        assert r.status_code == 200, (url, r.status_code)
        _clean(r.content.decode(), where=url)
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).count() == reads


def test_what_is_asked_and_answered_is_sealed_and_shown_only_to_the_desk_and_the_department(hospital, send, cast):
    """The coordination texts are clinical (decision 0026 §6): encrypted at rest; the county leader sees the request
    but not what was asked, answered or noted; the desk and the addressed 科室 see it all."""
    from bianmin.hospital import selectors
    from bianmin.hospital.models import CoordinationRequest, RequestStep

    h = hospital
    request = send(question="患者急性心肌梗死，请评估转院")
    services.answer_request(actor=h["k1_staff"], request_id=request.pk, answer="生命体征平稳，可转运", now=SENT + H)
    raw = CoordinationRequest.objects.filter(pk=request.pk).values_list("question", "answer").get()
    assert all("心肌梗死" not in str(v) and "体征" not in str(v) for v in raw)
    assert all("体征" not in str(n) for n in RequestStep.objects.values_list("note", flat=True))
    for who in ("desk_a", "k1_staff"):
        seen = selectors.request_for(h[who], request.pk)
        assert "心肌梗死" in seen.question and "体征" in seen.answer
        assert any("体征" in s.note for s in selectors.steps_of(seen))
    above = selectors.request_for(cast["leader"], request.pk)
    assert "心肌梗死" not in above.question and "体征" not in above.answer
    assert all("体征" not in s.note and "心肌梗死" not in s.note for s in selectors.steps_of(above))
