"""The hospital desk's writers (decision 0026): the patient record and its sealed health fields, coordination
requests to the 科室 (send, answer, refuse, escalate, tell the family, withdraw), late replies, 便民活动."""
import datetime as dt
import json

import pytest
from django.db import connection

from bianmin.accountability.models import Violation
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.cases import services as case_services
from bianmin.cases.models import Case
from bianmin.core.errors import DomainError
from bianmin.hospital import services, sweep
from bianmin.hospital.models import (
    CareEvent,
    CoordinationRequest,
    EventStatus,
    PatientRecord,
    RequestStatus,
    RequestStep,
    RequestStepKind,
)
from bianmin.notifications.models import Message
from bianmin.org.models import HeadOf, StaffProfile
from bianmin.testing.cases import receive
from bianmin.testing.factories import MON, at
from bianmin.testing.hospital import DIAGNOSIS, HEALTH_WORDS, SENT, WARD, refused

TUE = MON + dt.timedelta(days=1)
H = dt.timedelta(hours=1)


def _audit_text(rows) -> str:
    return "\n".join(f"{a.summary} {json.dumps(a.data, ensure_ascii=False)}" for a in rows)


def _no_health(text: str) -> None:
    for word in HEALTH_WORDS:
        assert word not in text, (word, text)


def _steps(request, kind=None) -> list[RequestStep]:
    qs = RequestStep.objects.filter(request=request).order_by("at", "id")
    return list(qs.filter(kind=kind) if kind else qs)


# --- record_patient ----------------------------------------------------------------------------------------------

def test_the_desk_records_the_patient_with_diagnosis_and_ward_sealed_at_rest(hospital):
    h = hospital
    before = AuditEntry.objects.count()
    patient = services.record_patient(actor=h["desk_a"], number=h["case"].number, patient_name=" 李大 ",
                                      relation="PARENT", diagnosis=DIAGNOSIS, ward=WARD, now=SENT)
    stored = PatientRecord.objects.get(case=h["case"])
    assert stored.pk == patient.pk and stored.patient_name == "李大" and stored.relation == "PARENT"
    assert stored.unit_id == h["desk"].pk and stored.unit_path == h["desk"].path
    assert stored.diagnosis == DIAGNOSIS and stored.ward == WARD  # the model attribute is the plaintext
    # ... but the column is not: neither through the ORM's raw values nor through SQL.
    raw_diagnosis, raw_ward = PatientRecord.objects.values_list("diagnosis", "ward").get()
    assert raw_diagnosis and DIAGNOSIS not in str(raw_diagnosis) and WARD not in str(raw_ward)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT diagnosis, ward FROM {PatientRecord._meta.db_table}")  # noqa: S608
        (sql_diagnosis, sql_ward), = cursor.fetchall()
    assert sql_diagnosis and sql_ward
    for word in HEALTH_WORDS:
        assert word not in sql_diagnosis and word not in sql_ward
    # One audit row: which fields, never their content.
    rows = list(AuditEntry.objects.order_by("seq")[before:])
    assert [r.action for r in rows] == [AuditAction.CASE_CHANGE]
    assert set(rows[0].data["fields"]) == {"patient_name", "relation", "diagnosis", "ward"}
    _no_health(_audit_text(rows))


def test_any_desk_clerk_may_correct_the_patient_and_the_audit_row_names_only_what_changed(hospital, patient):
    h = hospital
    before = AuditEntry.objects.count()
    services.record_patient(actor=h["desk_b"], number=h["case"].number, patient_name="李大", relation="PARENT",
                            diagnosis="陈旧性" + DIAGNOSIS, ward=WARD, now=SENT)
    assert PatientRecord.objects.count() == 1
    stored = PatientRecord.objects.get()
    assert stored.diagnosis == "陈旧性" + DIAGNOSIS and stored.updated_by_id == h["desk_b"].pk
    (row,) = AuditEntry.objects.order_by("seq")[before:]
    assert row.data["fields"] == ["diagnosis"]
    _no_health(_audit_text([row]))


def test_a_correction_without_the_health_fields_keeps_them(hospital, patient):
    h = hospital
    before = AuditEntry.objects.count()
    services.record_patient(actor=h["desk_a"], number=h["case"].number, patient_name="李大山", relation="PARENT",
                            now=SENT)
    stored = PatientRecord.objects.get()
    assert (stored.patient_name, stored.diagnosis, stored.ward) == ("李大山", DIAGNOSIS, WARD)
    (row,) = AuditEntry.objects.order_by("seq")[before:]
    assert row.data["fields"] == ["patient_name"]
    services.record_patient(actor=h["desk_a"], number=h["case"].number, patient_name="李大山", relation="PARENT",
                            diagnosis="", now=SENT)  # "" clears
    stored = PatientRecord.objects.get()
    assert (stored.diagnosis or "", stored.ward) == ("", WARD)


def test_a_county_clerk_who_sees_the_case_is_forbidden_and_one_outside_the_scope_is_told_it_does_not_exist(
        hospital, cast, written):
    h = hospital
    before = written()
    # The county center sees the desk's cases; the desk's leader sees them but does not handle cases.
    for above in (cast["window_a"], cast["leader"], h["desk_leader"]):
        refused(lambda u=above: services.record_patient(actor=u, number=h["case"].number, patient_name="李大",
                                                        diagnosis=DIAGNOSIS, now=SENT), 403)
    for outsider in (cast["town_window"], h["k1_staff"], h["k9_staff"]):
        refused(lambda u=outsider: services.record_patient(actor=u, number=h["case"].number, patient_name="李大",
                                                           diagnosis=DIAGNOSIS, now=SENT), 404)
    assert written() == before


def test_a_government_case_takes_no_patient_fields(hospital, cast, item, written):
    case = receive(cast)
    case_services.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    before = written()
    error = refused(lambda: services.record_patient(actor=cast["window_a"], number=case.number, patient_name="张三",
                                                    diagnosis=DIAGNOSIS, ward=WARD, now=SENT), 400, "case")
    assert "政务服务办件" in error.message or "政务服务办件" in error.fields["case"][0]
    assert written() == before and not PatientRecord.objects.exists()


@pytest.mark.parametrize(("fields", "field"), [
    ({"patient_name": ""}, "patient_name"),
    ({"patient_name": "   "}, "patient_name"),
    ({"patient_name": "李" * 65}, "patient_name"),
    ({"relation": "COUSIN"}, "relation"),
    ({"diagnosis": "病" * 501}, "diagnosis"),
    ({"ward": "床" * 65}, "ward"),
])
def test_bad_patient_input_is_refused_naming_the_field_and_nothing_is_written(hospital, written, fields, field):
    h = hospital
    data = {"patient_name": "李大", "relation": "SELF", "diagnosis": DIAGNOSIS, "ward": WARD} | fields
    before = written()
    refused(lambda: services.record_patient(actor=h["desk_a"], number=h["case"].number, now=SENT, **data), 400,
            field)
    assert written() == before


def test_limits_are_inclusive(hospital):
    h = hospital
    services.record_patient(actor=h["desk_a"], number=h["case"].number, patient_name="李" * 64, relation="OTHER",
                            diagnosis="病" * 500, ward="床" * 64, now=SENT)
    assert PatientRecord.objects.get().diagnosis == "病" * 500


@pytest.mark.parametrize("end", ["WITHDRAWN", "ARCHIVED"])
def test_a_withdrawn_or_archived_case_takes_no_patient_change(hospital, patient, written, end):
    h = hospital
    number = h["case"].number
    case_services.withdraw_case(actor=h["desk_a"], number=number, reason="家属决定不转院", now=SENT)
    if end == "ARCHIVED":
        case_services.archive_case(actor=h["desk_a"], number=number, now=SENT + H)
    before = written()
    refused(lambda: services.record_patient(actor=h["desk_a"], number=number, patient_name="李大",
                                            diagnosis="改写", now=SENT + 2 * H), 409)
    assert written() == before and PatientRecord.objects.get().diagnosis == DIAGNOSIS


# --- read_patient_health -----------------------------------------------------------------------------------------

def _views() -> int:
    return AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).count()


def test_the_desk_reads_the_health_fields_and_each_read_is_audited_once(hospital, patient):
    h = hospital
    for n, reader in enumerate((h["desk_a"], h["desk_b"], h["desk_a"]), start=1):
        view = services.read_patient_health(actor=reader, case=h["case"], now=SENT + n * H, purpose="联系转院")
        assert view.health_shown and view.diagnosis == DIAGNOSIS and view.ward == WARD
        assert view.patient_name == "李大" and view.relation_label == "父母"
        assert _views() == n
    last = AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).order_by("-seq").first()
    assert last.actor_id == h["desk_a"].pk and h["case"].number in last.summary
    _no_health(_audit_text(AuditEntry.objects.all()))


def test_the_patient_summary_decrypts_nothing_and_writes_nothing(hospital, patient):
    before = AuditEntry.objects.count()
    view = services.patient_summary(hospital["desk_a"], hospital["case"])
    assert view is not None and not view.health_shown and view.diagnosis == "" and view.ward == ""
    assert AuditEntry.objects.count() == before


def test_a_department_with_an_open_or_answered_request_reads_until_the_request_is_withdrawn(hospital, patient, send):
    h = hospital
    request = send()
    view = services.read_patient_health(actor=h["k1_staff"], case=h["case"], now=SENT + H)
    assert view.diagnosis == DIAGNOSIS and _views() == 1
    services.answer_request(actor=h["k1_staff"], request_id=request.pk, answer="可以转院", now=SENT + H)
    assert services.read_patient_health(actor=h["k1_staff"], case=h["case"], now=SENT + 2 * H).ward == WARD
    services.withdraw_request(actor=h["desk_a"], request_id=request.pk, reason="家属改变主意", now=SENT + 3 * H)
    refused(lambda: services.read_patient_health(actor=h["k1_staff"], case=h["case"], now=SENT + 4 * H), 404)
    assert _views() == 2


def test_nobody_else_reads_the_health_fields(hospital, patient, send, cast, other_desk):
    h = hospital
    send(to="k1")
    for outsider in (cast["leader"], cast["supervisor"], cast["window_a"], h["k2_staff"], h["k9_staff"], other_desk,
                     cast["auditor"], cast["sysadmin"]):
        refused(lambda u=outsider: services.read_patient_health(actor=u, case=h["case"], now=SENT + H), 404)
    assert _views() == 0


def test_patient_case_for_finds_the_case_for_the_desk_and_a_department_with_a_request(hospital, send, cast, item):
    h = hospital
    number = h["case"].number
    assert services.patient_case_for(h["desk_a"], number) == h["case"]
    refused(lambda: services.patient_case_for(h["k1_staff"], number), 404)  # no request yet
    send(to="k1")
    assert services.patient_case_for(h["k1_staff"], number) == h["case"]
    for outsider in (h["k2_staff"], h["k9_staff"], cast["town_window"]):
        refused(lambda u=outsider: services.patient_case_for(u, number), 404)
    government = receive(cast)
    refused(lambda: services.patient_case_for(cast["window_a"], government.number), 404)


def test_a_withdrawn_request_no_longer_leads_the_department_to_the_case(hospital, send):
    h = hospital
    request = send(to="k1")
    services.withdraw_request(actor=h["desk_a"], request_id=request.pk, reason="不需要", now=SENT + H)
    refused(lambda: services.patient_case_for(h["k1_staff"], h["case"].number), 404)


def test_reading_a_case_without_a_patient_record_is_not_found(hospital):
    refused(lambda: services.read_patient_health(actor=hospital["desk_a"], case=hospital["case"], now=SENT), 404)
    assert _views() == 0


# --- send_request ------------------------------------------------------------------------------------------------

def test_the_desk_sends_a_request_to_its_department_who_is_told_in_the_digest(hospital, send, django_user_model):
    from bianmin.accounts.roles import Role
    from conftest import make_user

    h = hospital
    k1_b = make_user(django_user_model, "k1_b", Role.WINDOW, h["k1"])
    request = send(hours=4)
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN and request.department_id == h["k1"].pk
    assert request.desk_id == h["desk"].pk and request.desk_path == h["desk"].path
    assert request.sent_at == SENT and request.due_at == SENT + 4 * H and request.reply_hours == 4
    assert request.sent_by == h["desk_a"].staff_profile and not request.late and request.escalations == 0
    (step,) = _steps(request)
    assert step.kind == RequestStepKind.SENT and step.department_id == h["k1"].pk
    digest = Message.objects.filter(kind="COORDINATION")
    assert {d.recipient_id for d in digest} == {h["k1_staff"].pk, k1_b.pk}
    assert all(request.number in d.body and d.link for d in digest)
    audit = AuditEntry.objects.order_by("-seq").first()
    assert audit.action == AuditAction.CASE_CHANGE and audit.data["department"] == "YY1K1"


def test_the_desk_as_a_whole_may_send_not_only_the_first_handler(hospital, send):
    assert send(actor="desk_b").sent_by == hospital["desk_b"].staff_profile


def test_a_request_to_a_department_of_another_hospital_is_refused_and_nothing_is_written(hospital, send, written):
    before = written()
    error = refused(lambda: send(to="k9"), 400, "department")
    assert "其他医院" in error.fields["department"][0]
    assert written() == before


def test_a_unit_that_is_not_a_department_is_refused(hospital, send, org, written):
    hospital["gov_dept"], hospital["center"] = org["dept"], org["center"]
    before = written()
    for unit in ("gov_dept", "center", "other", "desk"):
        refused(lambda u=unit: send(to=u), 400, "department")
    refused(lambda: services.send_request(actor=hospital["desk_a"], number=hospital["case"].number,
                                          department_id=None, topic="BED", question="床位", now=SENT), 400,
            "department")
    refused(lambda: services.send_request(actor=hospital["desk_a"], number=hospital["case"].number,
                                          department_id=999999, topic="BED", question="床位", now=SENT), 400,
            "department")
    assert written() == before


def test_an_inactive_department_is_refused(hospital, send):
    from bianmin.org.services import save_unit

    k2 = hospital["k2"]
    k2.is_active = False
    save_unit(k2)
    refused(lambda: send(to="k2"), 400, "department")


@pytest.mark.parametrize(("fields", "field"), [
    ({"topic": "GOSSIP"}, "topic"), ({"question": ""}, "question"), ({"question": "问" * 2001}, "question"),
    ({"hours": 0}, "reply_hours"), ({"hours": 169}, "reply_hours"), ({"hours": -3}, "reply_hours"),
])
def test_bad_request_input_is_refused_naming_the_field(hospital, send, written, fields, field):
    before = written()
    refused(lambda: send(**fields), 400, field)
    assert written() == before


def test_reply_hours_bounds_and_default(hospital, send):
    assert send(hours=1).due_at == SENT + H
    assert send(hours=168).due_at == SENT + 168 * H
    default = send(hours=None)
    assert default.reply_hours == 24 and default.due_at == SENT + 24 * H


def test_a_case_not_running_takes_no_request(hospital, send, written):
    h = hospital
    case_services.withdraw_case(actor=h["desk_a"], number=h["case"].number, reason="家属撤回", now=SENT - H)
    before = written()
    refused(lambda: send(), 409)
    assert written() == before


def test_a_case_only_received_takes_no_request(hospital, send, written):
    from typing import Any, cast

    from bianmin.testing.factories import applicant
    from bianmin.testing.hospital import ALL_GOOD, TRANSFER_ITEM

    h = hospital
    case = case_services.receive_case(actor=h["desk_a"], item_code=TRANSFER_ITEM, applicant=cast(Any, applicant()),
                                      materials=cast(Any, ALL_GOOD), now=SENT - H)
    before = written()
    refused(lambda: send(case=case), 409)
    assert written() == before


def test_a_government_case_takes_no_request(hospital, cast, item, written):
    case = receive(cast)
    case_services.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    before = written()
    refused(lambda: services.send_request(actor=cast["window_a"], number=case.number,
                                          department_id=hospital["k1"].pk, topic="BED", question="床位",
                                          now=SENT), 400, "case")
    assert written() == before


def test_only_the_desk_sends(hospital, send, cast, written):
    before = written()
    refused(lambda: services.send_request(actor=cast["window_a"], number=hospital["case"].number,
                                          department_id=hospital["k1"].pk, topic="BED", question="床位",
                                          now=SENT), 403)
    for outsider in ("k1_staff", "k9_staff"):
        refused(lambda u=outsider: send(actor=u), 404)
    assert written() == before


def test_numbers_are_the_desk_code_the_local_date_and_a_sequence_starting_again_each_day(hospital, send):
    assert send(now=SENT).number == "XTYY120260302001"
    assert send(now=SENT + H).number == "XTYY120260302002"
    assert send(to="k2", now=at(MON, 23)).number == "XTYY120260302003"
    # 07:00 on Tuesday in Beijing is still Monday in UTC: the number carries the local date.
    assert send(now=at(TUE, 7)).number == "XTYY120260303001"
    assert send(now=at(TUE, 8)).number == "XTYY120260303002"


# --- answer, refuse, escalate ------------------------------------------------------------------------------------

def test_the_department_answers_in_time_and_the_sender_is_told(hospital, send):
    h = hospital
    request = send(hours=4)
    services.answer_request(actor=h["k1_staff"], request_id=request.pk, answer=" 可以转院，已联系市医院 ",
                            now=SENT + 3 * H)
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED and request.answer == "可以转院，已联系市医院"
    assert request.answered_by == h["k1_staff"].staff_profile and request.answered_at == SENT + 3 * H
    assert not request.late and not Violation.objects.exists()
    assert [s.kind for s in _steps(request)] == [RequestStepKind.SENT, RequestStepKind.ANSWERED]
    assert Message.objects.filter(recipient=h["desk_a"], kind="COORDINATION").exists()


def test_the_department_refuses_with_a_reason(hospital, send):
    h = hospital
    request = send()
    refused(lambda: services.refuse_request(actor=h["k1_staff"], request_id=request.pk, reason=" ", now=SENT + H),
            400, "reason")
    services.refuse_request(actor=h["k1_staff"], request_id=request.pk, reason="本科无床位", now=SENT + H)
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED and request.answer == "本科无床位"
    assert _steps(request)[-1].kind == RequestStepKind.REFUSED


def test_an_empty_or_overlong_answer_is_refused(hospital, send, written):
    h = hospital
    request = send()
    before = written()
    refused(lambda: services.answer_request(actor=h["k1_staff"], request_id=request.pk, answer="", now=SENT), 400,
            "answer")
    refused(lambda: services.answer_request(actor=h["k1_staff"], request_id=request.pk, answer="答" * 2001,
                                            now=SENT), 400, "answer")
    assert written() == before


def test_only_the_addressed_department_replies(hospital, send, cast, other_desk, written):
    h = hospital
    request = send(to="k1")
    before = written()
    for outsider in (h["k2_staff"], h["k9_staff"], h["desk_a"], cast["window_a"], cast["leader"], other_desk):
        refused(lambda u=outsider: services.answer_request(actor=u, request_id=request.pk, answer="可以",
                                                           now=SENT + H), 404)
        refused(lambda u=outsider: services.refuse_request(actor=u, request_id=request.pk, reason="不行",
                                                           now=SENT + H), 404)
        refused(lambda u=outsider: services.escalate_request(actor=u, request_id=request.pk,
                                                             to_department_id=h["k2"].pk, note="请医务科协调",
                                                             now=SENT + H), 404)
    refused(lambda: services.answer_request(actor=h["k1_staff"], request_id=999999, answer="可以", now=SENT), 404)
    assert written() == before


def _close(h, request, how: str) -> None:
    if how in ("ANSWERED", "TOLD"):
        services.answer_request(actor=h["k1_staff"], request_id=request.pk, answer="可以", now=SENT + H)
    if how == "REFUSED":
        services.refuse_request(actor=h["k1_staff"], request_id=request.pk, reason="无床位", now=SENT + H)
    if how == "TOLD":
        services.tell_family(actor=h["desk_a"], request_id=request.pk, note="电话告知家属", now=SENT + 2 * H)
    if how == "WITHDRAWN":
        services.withdraw_request(actor=h["desk_a"], request_id=request.pk, reason="不再需要", now=SENT + H)


@pytest.mark.parametrize("how", ["ANSWERED", "REFUSED", "TOLD", "WITHDRAWN"])
def test_a_reply_after_the_request_was_closed_is_a_conflict_and_writes_nothing(hospital, send, written, how):
    h = hospital
    request = send()
    _close(h, request, how)
    before = written()
    for call in (
        lambda: services.answer_request(actor=h["k1_staff"], request_id=request.pk, answer="再答复", now=SENT + 3 * H),
        lambda: services.refuse_request(actor=h["k1_staff"], request_id=request.pk, reason="不行", now=SENT + 3 * H),
        lambda: services.escalate_request(actor=h["k1_staff"], request_id=request.pk, to_department_id=h["k2"].pk,
                                          note="请医务科协调", now=SENT + 3 * H),
    ):
        error = refused(call, 409)
        assert error.code == "request_closed"
    assert written() == before
    request.refresh_from_db()
    assert request.status == how


def test_a_late_answer_is_recorded_once_against_the_chief_of_the_department(hospital, send):
    h = hospital
    request = send(hours=4)  # due 14:00
    services.answer_request(actor=h["k1_staff"], request_id=request.pk, answer="可以转院", now=SENT + 6 * H)
    request.refresh_from_db()
    assert request.late and request.status == RequestStatus.ANSWERED
    (violation,) = Violation.objects.all()
    assert violation.kind == "COORDINATION_LATE" and violation.staff == h["k1_staff"].staff_profile
    assert violation.case_id == h["case"].pk and violation.occurred_on == MON
    assert violation.dedupe_key == f"COORDINATION_LATE:req:{request.pk}:0"
    assert request.number in violation.description
    (late,) = _steps(request, RequestStepKind.LATE)
    assert late.department_id == h["k1"].pk
    # The sweep afterwards finds nothing left to record.
    assert sweep.run(SENT + 8 * H) == {"coordination_closed": 0, "coordination_late": 0, "coordination_reminders": 0}
    assert Violation.objects.count() == 1 and len(_steps(request, RequestStepKind.LATE)) == 1


def test_a_late_answer_after_the_sweep_recorded_it_adds_nothing(hospital, send):
    h = hospital
    request = send(hours=4)
    assert sweep.run(SENT + 5 * H)["coordination_late"] == 1
    services.answer_request(actor=h["k1_staff"], request_id=request.pk, answer="可以转院", now=SENT + 6 * H)
    request.refresh_from_db()
    assert request.late and request.status == RequestStatus.ANSWERED
    assert Violation.objects.count() == 1 and len(_steps(request, RequestStepKind.LATE)) == 1


def test_escalating_after_the_sweep_recorded_the_lateness_records_nothing_more(hospital, send):
    h = hospital
    request = send(hours=4)
    assert sweep.run(SENT + 5 * H)["coordination_late"] == 1
    services.escalate_request(actor=h["k1_staff"], request_id=request.pk, to_department_id=h["k2"].pk,
                              note="转医务科", now=SENT + 6 * H)
    assert Violation.objects.count() == 1 and len(_steps(request, RequestStepKind.LATE)) == 1
    request.refresh_from_db()
    assert request.department_id == h["k2"].pk and request.due_at == SENT + 10 * H


def test_a_late_refusal_is_late_too(hospital, send):
    h = hospital
    request = send(hours=1)
    services.refuse_request(actor=h["k1_staff"], request_id=request.pk, reason="无床位", now=SENT + 2 * H)
    request.refresh_from_db()
    assert request.late and Violation.objects.filter(staff=h["k1_staff"].staff_profile).count() == 1


def test_an_answer_exactly_at_the_due_time_is_in_time(hospital, send):
    h = hospital
    request = send(hours=4)
    services.answer_request(actor=h["k1_staff"], request_id=request.pk, answer="可以", now=SENT + 4 * H)
    request.refresh_from_db()
    assert not request.late and not Violation.objects.exists()


def test_escalation_to_another_department_of_the_hospital_restarts_the_reply_time(hospital, send):
    h = hospital
    request = send(hours=4)
    services.escalate_request(actor=h["k1_staff"], request_id=request.pk, to_department_id=h["k2"].pk,
                              note="需医务科协调上级医院", now=SENT + 2 * H)
    request.refresh_from_db()
    assert request.department_id == h["k2"].pk and request.escalations == 1
    assert request.due_at == SENT + 6 * H and request.status == RequestStatus.OPEN and not request.late
    step = _steps(request)[-1]
    assert step.kind == RequestStepKind.ESCALATED and step.department_id == h["k2"].pk
    assert "心内科" in step.note and "医务科" in step.note
    assert Message.objects.filter(recipient=h["k2_staff"], kind="COORDINATION").exists()
    assert Message.objects.filter(recipient=h["desk_a"], kind="COORDINATION").exists()
    assert not Violation.objects.exists()
    # Now the 医务科's request: the 心内科 may no longer reply.
    refused(lambda: services.answer_request(actor=h["k1_staff"], request_id=request.pk, answer="可以",
                                            now=SENT + 3 * H), 404)
    services.answer_request(actor=h["k2_staff"], request_id=request.pk, answer="已联系市医院", now=SENT + 3 * H)


def test_escalations_are_limited(hospital, send, written):
    h = hospital
    request = send(hours=4)
    staff = {h["k1"].pk: h["k1_staff"], h["k2"].pk: h["k2_staff"]}
    for n in range(3):
        request.refresh_from_db()
        target = h["k2"] if request.department_id == h["k1"].pk else h["k1"]
        services.escalate_request(actor=staff[request.department_id], request_id=request.pk,
                                  to_department_id=target.pk, note=f"第{n + 1}次上报", now=SENT + (n + 1) * H / 4)
    request.refresh_from_db()
    assert request.escalations == 3
    before = written()
    target = h["k2"] if request.department_id == h["k1"].pk else h["k1"]
    refused(lambda: services.escalate_request(actor=staff[request.department_id], request_id=request.pk,
                                              to_department_id=target.pk, note="第4次", now=SENT + H), 400,
            "to_department")
    assert written() == before


@pytest.mark.parametrize("target", ["k9", "other", "gov_dept", "same", "none"])
def test_escalation_outside_the_hospital_or_to_itself_is_refused(hospital, send, written, org, target):
    h = hospital
    request = send()
    units = {"k9": h["k9"].pk, "other": h["other"].pk, "gov_dept": org["dept"].pk, "same": h["k1"].pk, "none": None}
    before = written()
    refused(lambda: services.escalate_request(actor=h["k1_staff"], request_id=request.pk,
                                              to_department_id=units[target], note="请协调", now=SENT + H), 400,
            "to_department")
    assert written() == before
    request.refresh_from_db()
    assert request.department_id == h["k1"].pk and request.escalations == 0


def test_an_escalation_needs_a_note(hospital, send):
    h = hospital
    request = send()
    refused(lambda: services.escalate_request(actor=h["k1_staff"], request_id=request.pk,
                                              to_department_id=h["k2"].pk, note="  ", now=SENT + H), 400, "note")


def test_escalating_when_late_records_the_first_departments_lateness(hospital, send):
    h = hospital
    request = send(hours=4)  # due 14:00
    services.escalate_request(actor=h["k1_staff"], request_id=request.pk, to_department_id=h["k2"].pk,
                              note="转医务科", now=SENT + 5 * H)
    request.refresh_from_db()
    (violation,) = Violation.objects.all()
    assert violation.staff == h["k1_staff"].staff_profile
    assert violation.dedupe_key == f"COORDINATION_LATE:req:{request.pk}:0"
    (late,) = _steps(request, RequestStepKind.LATE)
    assert late.department_id == h["k1"].pk
    # The 医务科 has its own reply time from the raise; the request stays marked as late on its way (decision 0026 §5).
    assert request.department_id == h["k2"].pk and request.due_at == SENT + 9 * H and request.late
    assert request.warning_level == ""
    # The 医务科 (its head answerable) is late in its turn: its own record, on its own hop.
    StaffProfile.objects.filter(user=h["k2_staff"]).update(head_of=HeadOf.ORGAN)
    services.answer_request(actor=h["k2_staff"], request_id=request.pk, answer="已联系接收医院", now=SENT + 10 * H)
    assert sorted(Violation.objects.values_list("dedupe_key", flat=True)) == [
        f"COORDINATION_LATE:req:{request.pk}:0", f"COORDINATION_LATE:req:{request.pk}:1"]


def test_a_department_without_chief_is_answerable_through_its_head(hospital, send):
    h = hospital
    StaffProfile.objects.filter(user=h["k2_staff"]).update(head_of=HeadOf.ORGAN)
    request = send(to="k2", hours=2)
    services.answer_request(actor=h["k2_staff"], request_id=request.pk, answer="可以", now=SENT + 3 * H)
    (violation,) = Violation.objects.all()
    assert violation.staff == h["k2_staff"].staff_profile and violation.unit_id == h["k2"].pk


def test_a_department_with_nobody_answerable_is_still_marked_late(hospital, send):
    h = hospital
    request = send(to="k2", hours=2)
    services.answer_request(actor=h["k2_staff"], request_id=request.pk, answer="可以", now=SENT + 3 * H)
    request.refresh_from_db()
    assert request.late and len(_steps(request, RequestStepKind.LATE)) == 1
    assert not Violation.objects.exists()


def test_the_second_departments_lateness_after_an_escalation_is_its_own_record(hospital, send):
    h = hospital
    StaffProfile.objects.filter(user=h["k2_staff"]).update(head_of=HeadOf.ORGAN)
    request = send(hours=2)  # 心内科 due 12:00
    services.escalate_request(actor=h["k1_staff"], request_id=request.pk, to_department_id=h["k2"].pk,
                              note="转医务科", now=SENT + 3 * H)  # late: recorded; 医务科 due 15:00
    services.answer_request(actor=h["k2_staff"], request_id=request.pk, answer="可以", now=SENT + 6 * H)
    assert sorted((v.staff.user_id, v.dedupe_key) for v in Violation.objects.select_related("staff")) == sorted([
        (h["k1_staff"].pk, f"COORDINATION_LATE:req:{request.pk}:0"),
        (h["k2_staff"].pk, f"COORDINATION_LATE:req:{request.pk}:1")])
    assert [s.department_id for s in _steps(request, RequestStepKind.LATE)] == [h["k1"].pk, h["k2"].pk]


def test_department_responsible_falls_back_from_chief_to_head_to_nobody(hospital, django_user_model):
    from bianmin.accounts.roles import Role
    from conftest import make_user

    h = hospital
    k1, k2 = h["k1"].pk, h["k2"].pk
    chief = h["k1_staff"].staff_profile
    assert services.department_responsible({k1, k2}) == {k1: chief.pk}
    head = make_user(django_user_model, "k1_head", Role.LEADER, h["k1"]).staff_profile
    StaffProfile.objects.filter(pk=head.pk).update(head_of=HeadOf.ORGAN)
    assert services.department_responsible({k1}) == {k1: chief.pk}  # the chief first
    StaffProfile.objects.filter(pk=chief.pk).update(is_active=False)
    assert services.department_responsible({k1}) == {k1: head.pk}  # an inactive chief: the head
    StaffProfile.objects.filter(pk=head.pk).update(is_active=False)
    assert services.department_responsible({k1, k2}) == {}


# --- tell_family -------------------------------------------------------------------------------------------------

def test_telling_before_a_reply_is_a_conflict(hospital, send, written):
    h = hospital
    request = send()
    before = written()
    refused(lambda: services.tell_family(actor=h["desk_a"], request_id=request.pk, note="告知", now=SENT + H), 409)
    assert written() == before


def test_only_the_desk_tells_the_family(hospital, send, cast, other_desk, written):
    h = hospital
    request = send()
    _close(h, request, "ANSWERED")
    before = written()
    for outsider in (h["k1_staff"], h["k2_staff"], cast["window_a"], cast["leader"], other_desk):
        refused(lambda u=outsider: services.tell_family(actor=u, request_id=request.pk, note="告知",
                                                        now=SENT + 2 * H), 404)
    refused(lambda: services.tell_family(actor=h["desk_a"], request_id=request.pk, note="", now=SENT + 2 * H), 400,
            "note")
    assert written() == before


@pytest.mark.parametrize("reply", ["ANSWERED", "REFUSED"])
def test_telling_the_family_closes_the_request(hospital, send, reply):
    h = hospital
    request = send()
    _close(h, request, reply)
    services.tell_family(actor=h["desk_b"], request_id=request.pk, note="当面告知家属李四", now=SENT + 2 * H)
    request.refresh_from_db()
    assert request.status == RequestStatus.TOLD and request.told_by == h["desk_b"].staff_profile
    assert request.told_note == "当面告知家属李四" and request.told_at == SENT + 2 * H
    assert _steps(request)[-1].kind == RequestStepKind.TOLD
    assert not Message.objects.filter(channel="SMS", kind="COORDINATION_TOLD").exists()
    refused(lambda: services.tell_family(actor=h["desk_a"], request_id=request.pk, note="再告知",
                                         now=SENT + 3 * H), 409)


def test_the_sms_to_the_family_carries_no_health_content(hospital, patient, send):
    h = hospital
    request = send()
    _close(h, request, "ANSWERED")
    services.tell_family(actor=h["desk_a"], request_id=request.pk, note="电话告知", send_sms=True, now=SENT + 2 * H)
    (sms,) = Message.objects.filter(channel="SMS", kind="COORDINATION_TOLD")
    assert sms.phone == "13800138000" and h["case"].number in sms.body
    _no_health(sms.body + sms.subject)
    assert "李大" not in sms.body


# --- withdraw ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", ["OPEN", "ANSWERED", "REFUSED"])
def test_the_desk_withdraws_a_request_not_yet_closed(hospital, send, state):
    h = hospital
    request = send()
    if state != "OPEN":
        _close(h, request, state)
    services.withdraw_request(actor=h["desk_b"], request_id=request.pk, reason=" 患者已出院 ", now=SENT + 3 * H)
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN and request.closed_reason == "患者已出院"
    assert _steps(request)[-1].kind == RequestStepKind.WITHDRAWN


@pytest.mark.parametrize("state", ["TOLD", "WITHDRAWN"])
def test_a_closed_request_cannot_be_withdrawn(hospital, send, written, state):
    h = hospital
    request = send()
    _close(h, request, state)
    before = written()
    refused(lambda: services.withdraw_request(actor=h["desk_a"], request_id=request.pk, reason="撤回",
                                              now=SENT + 3 * H), 409)
    assert written() == before


@pytest.mark.parametrize("reason", ["", "   ", "因" * 256])
def test_a_withdrawal_needs_a_reason_within_its_limit(hospital, send, written, reason):
    h = hospital
    request = send()
    before = written()
    refused(lambda: services.withdraw_request(actor=h["desk_a"], request_id=request.pk, reason=reason,
                                              now=SENT + H), 400, "reason")
    assert written() == before


def test_only_the_desk_withdraws(hospital, send, cast):
    h = hospital
    request = send()
    for outsider in (h["k1_staff"], cast["window_a"], cast["leader"]):
        refused(lambda u=outsider: services.withdraw_request(actor=u, request_id=request.pk, reason="撤回",
                                                             now=SENT + H), 404)


# --- 便民活动 ----------------------------------------------------------------------------------------------------

START = at(MON + dt.timedelta(days=7), 9)


def _plan(h, **overrides):
    data = {"actor": h["desk_a"], "kind": "FREE_CLINIC", "title": "心血管义诊", "place": "门诊大厅",
            "starts_at": START, "ends_at": START + 3 * H, "now": SENT} | overrides
    return services.plan_event(**data)


def test_the_desk_plans_an_event_with_its_own_departments(hospital):
    h = hospital
    event = _plan(h, department_ids=[h["k1"].pk, h["k2"].pk], capacity=50, description="免费测血压")
    event.refresh_from_db()
    assert event.status == EventStatus.PLANNED and event.unit_id == h["desk"].pk and event.published_at is None
    assert set(event.departments.values_list("pk", flat=True)) == {h["k1"].pk, h["k2"].pk}
    assert event.created_by == h["desk_a"].staff_profile


@pytest.mark.parametrize(("overrides", "field"), [
    ({"starts_at": SENT - H, "ends_at": SENT + H}, "starts_at"),
    ({"starts_at": SENT, "ends_at": SENT + H}, "starts_at"),
    ({"ends_at": START}, "ends_at"),
    ({"ends_at": START - H}, "ends_at"),
    ({"starts_at": None}, "starts_at"),
    ({"ends_at": None}, "ends_at"),
    ({"kind": "PARTY"}, "kind"),
    ({"title": ""}, "title"),
    ({"place": " "}, "place"),
    ({"capacity": 0}, "capacity"),
])
def test_bad_event_input_is_refused(hospital, overrides, field):
    before = CareEvent.objects.count()
    refused(lambda: _plan(hospital, **overrides), 400, field)
    assert CareEvent.objects.count() == before


def test_departments_of_another_hospital_or_not_departments_are_refused(hospital, org):
    h = hospital
    for ids in ([h["k9"].pk], [h["k1"].pk, h["k9"].pk], [org["dept"].pk], [999999]):
        refused(lambda i=ids: _plan(h, department_ids=i), 400, "departments")
    assert not CareEvent.objects.exists()


def test_only_center_or_desk_staff_plan_events(hospital, cast):
    h = hospital
    for user in (h["k1_staff"], cast["leader"], cast["supervisor"]):
        refused(lambda u=user: _plan(h, actor=u), 403)
    assert not CareEvent.objects.exists()


def test_publish_hold_and_count_attendance(hospital):
    h = hospital
    event = _plan(h)
    refused(lambda: services.record_attendance(actor=h["desk_a"], event_id=event.pk, attendance=30,
                                               now=START + H), 409)  # not published
    services.publish_event(actor=h["desk_b"], event_id=event.pk, now=SENT + H)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED and event.published_at == SENT + H
    refused(lambda: services.publish_event(actor=h["desk_a"], event_id=event.pk, now=SENT + 2 * H), 409)
    refused(lambda: services.record_attendance(actor=h["desk_a"], event_id=event.pk, attendance=30,
                                               now=START - H), 409)  # not started yet
    refused(lambda: services.record_attendance(actor=h["desk_a"], event_id=event.pk, attendance=-1,
                                               now=START + H), 400, "attendance")
    refused(lambda: services.record_attendance(actor=h["desk_a"], event_id=event.pk, attendance=None,
                                               now=START + H), 400, "attendance")
    services.record_attendance(actor=h["desk_a"], event_id=event.pk, attendance=42, summary="测血压42人",
                               now=START + 4 * H)
    event.refresh_from_db()
    assert event.status == EventStatus.HELD and event.attendance == 42 and event.summary == "测血压42人"
    refused(lambda: services.cancel_event(actor=h["desk_a"], event_id=event.pk, reason="下雨",
                                          now=START + 5 * H), 409)


def test_an_event_that_has_started_cannot_be_published(hospital):
    h = hospital
    event = _plan(h)
    refused(lambda: services.publish_event(actor=h["desk_a"], event_id=event.pk, now=START), 409)
    assert CareEvent.objects.get().status == EventStatus.PLANNED


def test_cancel_needs_a_reason_and_happens_once(hospital):
    h = hospital
    event = _plan(h)
    services.publish_event(actor=h["desk_a"], event_id=event.pk, now=SENT + H)
    for reason in ("", "因" * 256):
        refused(lambda r=reason: services.cancel_event(actor=h["desk_a"], event_id=event.pk, reason=r,
                                                       now=SENT + 2 * H), 400, "reason")
    services.cancel_event(actor=h["desk_a"], event_id=event.pk, reason="专家临时有手术", now=SENT + 2 * H)
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED and event.cancel_reason == "专家临时有手术"
    refused(lambda: services.cancel_event(actor=h["desk_a"], event_id=event.pk, reason="再取消",
                                          now=SENT + 3 * H), 409)
    refused(lambda: services.publish_event(actor=h["desk_a"], event_id=event.pk, now=SENT + 3 * H), 409)
    refused(lambda: services.record_attendance(actor=h["desk_a"], event_id=event.pk, attendance=1,
                                               now=START + H), 409)


def test_another_units_staff_do_not_see_the_event(hospital, cast, other_desk):
    h = hospital
    event = _plan(h)
    for outsider in (other_desk, cast["window_a"], h["k1_staff"]):
        refused(lambda u=outsider: services.publish_event(actor=u, event_id=event.pk, now=SENT + H), 404)
        refused(lambda u=outsider: services.cancel_event(actor=u, event_id=event.pk, reason="取消",
                                                         now=SENT + H), 404)
    assert CareEvent.objects.get().status == EventStatus.PLANNED


def test_event_changes_are_audited(hospital):
    h = hospital
    before = AuditEntry.objects.count()
    event = _plan(h)
    services.publish_event(actor=h["desk_a"], event_id=event.pk, now=SENT + H)
    services.record_attendance(actor=h["desk_a"], event_id=event.pk, attendance=5, now=START + H)
    assert AuditEntry.objects.count() == before + 3


def test_every_coordination_change_writes_its_audit_row(hospital, send):
    h = hospital
    before = AuditEntry.objects.count()
    request = send()
    services.escalate_request(actor=h["k1_staff"], request_id=request.pk, to_department_id=h["k2"].pk,
                              note="转医务科", now=SENT + H)
    services.answer_request(actor=h["k2_staff"], request_id=request.pk, answer="可以", now=SENT + 2 * H)
    services.tell_family(actor=h["desk_a"], request_id=request.pk, note="电话告知", now=SENT + 3 * H)
    rows = list(AuditEntry.objects.order_by("seq")[before:])
    assert [r.action for r in rows] == [AuditAction.CASE_CHANGE] * 4
    assert all(r.data.get("request") == request.number for r in rows)
    assert CoordinationRequest.objects.get().status == RequestStatus.TOLD


# --- the hospital boundary at intake (decision 0026 §1) -------------------------------------------------------------

def test_the_hospital_boundary_at_intake(hospital, cast, item):
    """A hospital's items are received only at its desk; the desk receives only its own items; a 科室 receives none
    (the same rule filters the receive page's item picker)."""
    from bianmin.catalog.models import ItemVersion
    from bianmin.catalog.selectors import receivable_at
    from bianmin.testing.hospital import ALL_GOOD, TRANSFER_ITEM

    def receive(who, code, materials):
        from typing import Any
        from typing import cast as typed

        from bianmin.testing.factories import applicant

        return case_services.receive_case(actor=who, item_code=code, applicant=typed(Any, applicant()),
                                          materials=typed(Any, materials), now=SENT)

    h = hospital
    before = Case.objects.count()
    for who, code, materials in ((cast["window_a"], TRANSFER_ITEM, ALL_GOOD),  # a county clerk, a hospital item
                                 (h["desk_a"], "SP-01", []),  # the desk, a government item
                                 (h["k1_staff"], TRANSFER_ITEM, ALL_GOOD)):  # a 科室
        with pytest.raises(DomainError) as err:
            receive(who, code, materials)
        assert "item" in err.value.fields
    assert Case.objects.count() == before
    current = ItemVersion.objects.filter(is_current=True)
    assert set(current.filter(receivable_at(h["desk"])).values_list("item__code", flat=True)) == {TRANSFER_ITEM}
    assert set(current.filter(receivable_at(h["other"])).values_list("item__code", flat=True)) == set()
    assert set(current.filter(receivable_at(h["k1"])).values_list("item__code", flat=True)) == set()
    assert set(current.filter(receivable_at(cast["window_a"].staff_profile.unit))
               .values_list("item__code", flat=True)) == {"SP-01"}




def test_a_reply_cannot_be_due_after_an_hour_promise(hospital, send, written):
    """On a case promised within hours, the 科室's reply must fall before the promise (decision 0026 §5)."""
    h = hospital
    Case.objects.filter(pk=h["case"].pk).update(committed_due_at=SENT + dt.timedelta(hours=5))
    before = written()
    with pytest.raises(DomainError) as err:
        send(hours=8)
    assert "reply_hours" in err.value.fields and written() == before
    assert send(hours=4).due_at == SENT + dt.timedelta(hours=4)
