"""监督投诉 through GB/T 36113's steps: 受理 → 调查 → 处置 → 反馈 → 归档, 转办, 查实, the late reply and the sweep."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.accountability.models import Source, Violation, ViolationKind
from bianmin.audit.models import AuditEntry
from bianmin.cases.lookup import TooManyRequests
from bianmin.complaints import services as svc
from bianmin.complaints.models import Complaint, ComplaintStatus, ComplaintStep, ComplaintStepKind, ReplyWarning
from bianmin.complaints.policies import get_complaint_for, visible_complaints
from bianmin.complaints.public import public_complaint
from bianmin.complaints.sweep import sweep_complaint_replies
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.testing.factories import MON, at

from .conftest import NAME, PHONE, register

pytestmark = pytest.mark.django_db
TUE, WED = MON + dt.timedelta(days=1), MON + dt.timedelta(days=2)
NEXT_MON = MON + dt.timedelta(days=7)


def walk_to_handled(cast, number, when=None):
    sup, when = cast["supervisor"], when or at(MON, 10)
    svc.investigate_complaint(actor=sup, number=number, notes="调取录像，核实属实", now=when)
    return svc.handle_complaint(actor=sup, number=number, nature="属实", opinion="批评教育，向投诉人道歉", now=when)


def test_register_numbers_encrypts_and_sets_the_reply_date(cast, org, complaint):
    c = Complaint.objects.get(pk=complaint.pk)
    assert c.number == f"TSC1{MON.year}00001" and len(c.query_code) == 8
    assert c.status == ComplaintStatus.RECEIVED and c.unit == org["center"] and c.unit_path == org["center"].path
    assert c.staff == cast["window_a"].staff_profile and c.handler == cast["supervisor"].staff_profile
    assert c.reply_due_on == dt.date(2026, 3, 9)  # 5 working days after Monday 2nd
    assert c.complainant_name == NAME and c.complainant_phone_masked == "139****5678"
    raw = Complaint.objects.filter(pk=c.pk).values_list("complainant_name", "complainant_phone").get()
    assert NAME not in str(raw) and PHONE not in str(raw)  # encrypted at rest
    assert [s.kind for s in c.steps.all()] == [ComplaintStepKind.RECEIVE]
    simple = register(cast, simple=True)
    assert simple.reply_due_on == dt.date(2026, 3, 3) and simple.number.endswith("00002")


def test_register_names_every_bad_field(cast, calendar):
    with pytest.raises(DomainError) as exc:
        svc.register_complaint(actor=cast["supervisor"], channel="FAX", kind="RUDE", subject_type="STAFF",
                               staff="NOPE", matter="  ", name="", phone="123", now=at(MON))
    assert {"channel", "kind", "staff", "matter", "name", "phone"} <= set(exc.value.fields)
    assert not Complaint.objects.exists()
    with pytest.raises(DomainError) as exc:
        register(cast, subject_type="WINDOW", staff="", window="")
    assert "window" in exc.value.fields


def test_window_staff_register_but_never_about_themselves_and_see_nothing_after(cast, calendar):
    c = register(cast, actor=cast["window_b"], kind="DELAY")
    assert c.handler is None and c.received_by == cast["window_b"].staff_profile
    assert not visible_complaints(cast["window_b"]).exists()
    with pytest.raises(Forbidden):
        register(cast, actor=cast["window_a"])  # about window_a
    with pytest.raises(Forbidden):
        register(cast, actor=cast["auditor"])
    assert Complaint.objects.count() == 1


def test_the_steps_in_order_then_archive(cast, complaint):
    sup, n = cast["supervisor"], complaint.number
    with pytest.raises(Conflict):
        svc.handle_complaint(actor=sup, number=n, nature="属实", opinion="x", now=at(MON))
    with pytest.raises(Conflict):
        svc.reply_complaint(actor=sup, number=n, reply="x", now=at(MON))
    walk_to_handled(cast, n)
    with pytest.raises(Conflict):
        svc.archive_complaint(actor=sup, number=n, now=at(MON))
    c = svc.reply_complaint(actor=sup, number=n, reply="已批评教育，向您致歉", now=at(TUE))
    assert c.status == ComplaintStatus.REPLIED and c.late_reason == "" and c.warning_level == ""
    c = svc.archive_complaint(actor=sup, number=n, now=at(TUE, 11))
    assert c.status == ComplaintStatus.ARCHIVED and c.closed_at == at(TUE, 11)
    kinds = list(ComplaintStep.objects.filter(complaint=c).values_list("kind", flat=True))
    assert kinds == ["RECEIVE", "INVESTIGATE", "NOTE", "HANDLE", "NOTE", "REPLY", "ARCHIVE"]
    assert AuditEntry.objects.filter(object_type="complaints.Complaint", object_id=str(c.pk)).count() == 5


def test_written_complaint_needs_a_written_reply(cast, calendar):
    c = register(cast, written=True)
    walk_to_handled(cast, c.number)
    with pytest.raises(DomainError) as exc:
        svc.reply_complaint(actor=cast["supervisor"], number=c.number, reply="", now=at(TUE))
    assert "reply" in exc.value.fields


def test_late_reply_needs_a_reason_is_kept_and_the_sweep_records_it_once(cast, complaint):
    sup, n = cast["supervisor"], complaint.number
    walk_to_handled(cast, n)
    with pytest.raises(DomainError) as exc:
        svc.reply_complaint(actor=sup, number=n, reply="处理结果如下", now=at(NEXT_MON + dt.timedelta(days=1)))
    assert "late_reason" in exc.value.fields
    c = svc.reply_complaint(actor=sup, number=n, reply="处理结果如下", late_reason="需调取外单位录像",
                            now=at(NEXT_MON + dt.timedelta(days=1)))
    assert c.late_reason == "需调取外单位录像" and c.warning_level == ReplyWarning.LATE
    assert sweep_complaint_replies(at(NEXT_MON + dt.timedelta(days=2))) == 1
    v = Violation.objects.get(kind=ViolationKind.COMPLAINT_REPLY_LATE)
    assert v.staff == sup.staff_profile and "需调取外单位录像" in v.description
    assert v.dedupe_key == f"COMPLAINT_LATE:{c.pk}:{c.unit_id}:{c.reply_due_on:%Y%m%d}"
    assert sweep_complaint_replies(at(NEXT_MON + dt.timedelta(days=3))) == 0
    assert Complaint.objects.get(pk=c.pk).warning_level == ReplyWarning.RED


def test_sweep_yellow_then_red_for_an_unanswered_complaint(cast, complaint):
    assert sweep_complaint_replies(at(MON)) == 0  # due Monday 9th
    assert sweep_complaint_replies(at(MON + dt.timedelta(days=6))) == 1  # Sunday 8th: yellow
    assert Complaint.objects.get(pk=complaint.pk).warning_level == ReplyWarning.YELLOW
    assert sweep_complaint_replies(at(NEXT_MON)) == 0
    assert sweep_complaint_replies(at(NEXT_MON + dt.timedelta(days=1))) == 1  # Tuesday 10th: late
    assert Violation.objects.filter(kind=ViolationKind.COMPLAINT_REPLY_LATE,
                                    staff=cast["supervisor"].staff_profile).count() == 1
    assert sweep_complaint_replies(at(NEXT_MON + dt.timedelta(days=2))) == 0
    anonymous = register(cast, anonymous=True, name="", phone="")
    assert sweep_complaint_replies(at(NEXT_MON + dt.timedelta(days=30))) == 0
    assert Complaint.objects.get(pk=anonymous.pk).warning_level == ""


def test_confirm_makes_one_violation_about_the_staff_without_the_complainant(cast, complaint):
    sup, n = cast["supervisor"], complaint.number
    with pytest.raises(Conflict):
        svc.confirm_complaint(actor=sup, number=n, now=at(MON))
    walk_to_handled(cast, n)
    c = svc.confirm_complaint(actor=sup, number=n, now=at(MON, 11))
    v = c.violation
    assert v.kind == ViolationKind.CONFIRMED_COMPLAINT and v.staff == cast["window_a"].staff_profile
    assert v.source == Source.SUPERVISOR and c.confirmed_by == sup.staff_profile
    assert v.evidence[0]["label"] == f"投诉 {n}"
    assert NAME not in v.description and PHONE not in v.description
    with pytest.raises(Conflict):
        svc.confirm_complaint(actor=sup, number=n, now=at(MON, 12))
    assert Violation.objects.filter(kind=ViolationKind.CONFIRMED_COMPLAINT).count() == 1


def test_transfer_moves_the_complaint_to_the_competent_unit(cast, org, complaint, town_supervisor):
    sup = cast["supervisor"]
    with pytest.raises(NotFound):
        get_complaint_for(town_supervisor, complaint.number)
    with pytest.raises(DomainError) as exc:
        svc.transfer_complaint(actor=sup, number=complaint.number, unit="C1", note="", now=at(MON))
    assert {"unit", "note"} <= set(exc.value.fields)
    c = svc.transfer_complaint(actor=sup, number=complaint.number, unit="T1", note="属镇中心窗口", now=at(TUE))
    assert c.status == ComplaintStatus.TRANSFERRED and c.unit == org["town_center"]
    assert c.transferred_from == org["center"] and c.transferred_to == org["town_center"] and c.handler is None
    assert c.reply_due_on == dt.date(2026, 3, 10)
    # the town's supervisor now has it and takes it up
    assert get_complaint_for(town_supervisor, c.number).pk == c.pk
    svc.investigate_complaint(actor=town_supervisor, number=c.number, notes="核实", now=at(WED))
    assert Complaint.objects.get(pk=c.pk).handler == town_supervisor.staff_profile
    step = c.steps.get(kind=ComplaintStepKind.TRANSFER)
    assert step.unit == org["center"] and "转测试镇便民服务中心办理" in step.words


def test_nobody_sees_a_complaint_about_themselves(cast, org, django_user_model, calendar):
    from bianmin.accounts.roles import Role
    from conftest import make_user

    other = make_user(django_user_model, "supervisor2", Role.SUPERVISOR, org["center"])
    c = register(cast, staff=cast["supervisor"].staff_profile.badge_number, actor=other)
    with pytest.raises(NotFound):
        get_complaint_for(cast["supervisor"], c.number)
    with pytest.raises(NotFound):
        svc.reveal_complainant(actor=cast["supervisor"], number=c.number, reason="核实", now=at(MON))
    assert get_complaint_for(cast["leader"], c.number)  # the leader reads the register, never the identity
    with pytest.raises(Forbidden):
        svc.reveal_complainant(actor=cast["leader"], number=c.number, reason="核实", now=at(MON))


def test_reveal_is_audited_with_the_reason_never_the_identity(cast, complaint):
    with pytest.raises(DomainError) as exc:
        svc.reveal_complainant(actor=cast["supervisor"], number=complaint.number, reason=" ", now=at(MON))
    assert "reason" in exc.value.fields
    who = svc.reveal_complainant(actor=cast["supervisor"], number=complaint.number, reason="回访核实", now=at(MON))
    assert who == {"name": NAME, "phone": PHONE}
    entry = AuditEntry.objects.get(action="PERSONAL_DATA_VIEW", object_id=str(complaint.pk))
    assert "回访核实" in entry.summary and NAME not in entry.summary and PHONE not in str(entry.data)


def test_online_submission_is_throttled_and_stores_script_as_text(cast, calendar):
    kw = {"unit_code": "C1", "kind": "OTHER", "subject_type": "UNIT", "name": NAME, "phone": PHONE,
          "ip": "203.0.113.9"}
    c = svc.submit_online_complaint(matter="<script>alert(1)</script> 乱收费", now=at(MON), **kw)
    assert c.matter == "<script>alert(1)</script> 乱收费" and c.channel == "ONLINE" and c.received_by is None
    assert c.subject_unit.code == "C1" and c.handler is None
    with pytest.raises(DomainError) as exc:
        svc.submit_online_complaint(matter="", now=at(MON), **(kw | {"unit_code": "D1"}))
    assert {"unit", "matter"} <= set(exc.value.fields)
    for _ in range(3):
        svc.submit_online_complaint(matter="又一次", now=at(MON), **kw)
    with pytest.raises(TooManyRequests):
        svc.submit_online_complaint(matter="第六次", now=at(MON), **kw)
    assert Complaint.objects.count() == 4
    other = svc.submit_online_complaint(matter="另一地址", now=at(MON), **(kw | {"ip": "203.0.113.10"}))
    assert other.pk


def test_public_follow_shows_steps_and_reply_not_the_notes(cast, complaint):
    walk_to_handled(cast, complaint.number)
    svc.reply_complaint(actor=cast["supervisor"], number=complaint.number, reply="已致歉", now=at(TUE))
    assert public_complaint(complaint.number, "WRONGCOD") is None
    seen = public_complaint(complaint.number.lower(), complaint.query_code.lower())
    assert seen is not None and seen.reply == "已致歉" and seen.status == "REPLIED"
    text = str(seen)
    assert "调取录像" not in text and "批评教育" not in text and "supervisor姓名" not in text
    assert [s.kind for s in seen.steps] == ["RECEIVE", "INVESTIGATE", "HANDLE", "REPLY"]
    anon = register(cast, anonymous=True, name="", phone="")
    assert anon.query_code == "" and public_complaint(anon.number, "") is None


def test_a_complaint_nobody_took_up_is_recorded_late_against_the_units_leader(cast, calendar):
    """Review fix: an online complaint has no handler until a supervisor investigates it; its late reply is still
    recorded (against the unit's 首席责任人, else the nearest leader), never silently dropped."""
    c = svc.submit_online_complaint(unit_code="C1", kind="DELAY", subject_type="UNIT", matter="办事拖延",
                                    name=NAME, phone=PHONE, now=at(MON), ip="203.0.113.9")
    assert c.handler_id is None
    assert sweep_complaint_replies(at(NEXT_MON + dt.timedelta(days=2))) == 1
    v = Violation.objects.get(kind=ViolationKind.COMPLAINT_REPLY_LATE)
    assert v.staff == cast["leader"].staff_profile and "无人受理" in v.description
    assert NAME not in v.description and PHONE not in v.description
    assert Complaint.objects.get(pk=c.pk).warning_level == ReplyWarning.RED


def test_a_confirmed_complaint_about_a_case_is_recorded_against_its_first_handler(cast, calendar, item):
    from bianmin.cases import services as cases
    from bianmin.testing.cases import receive

    case = receive(cast)
    cases.accept_case(actor=cast["window_a"], number=case.number, now=at(MON, 9))
    c = register(cast, subject_type="CASE", staff="", case_number=case.number, kind="DELAY")
    walk_to_handled(cast, c.number)
    svc.confirm_complaint(actor=cast["supervisor"], number=c.number, now=at(MON, 16))
    v = Violation.objects.get(kind=ViolationKind.CONFIRMED_COMPLAINT)
    assert v.staff == cast["window_a"].staff_profile


def test_a_confirmed_complaint_about_a_window_needs_the_responsible_badge(cast, calendar):
    c = register(cast, subject_type="UNIT", staff="", subject_unit="C1", kind="OTHER")
    walk_to_handled(cast, c.number)
    with pytest.raises(DomainError) as exc:
        svc.confirm_complaint(actor=cast["supervisor"], number=c.number, now=at(MON, 16))
    assert "responsible" in exc.value.fields
    svc.confirm_complaint(actor=cast["supervisor"], number=c.number, now=at(MON, 16),
                          responsible=cast["window_b"].staff_profile.badge_number)
    assert Violation.objects.get(kind=ViolationKind.CONFIRMED_COMPLAINT).staff == cast["window_b"].staff_profile
