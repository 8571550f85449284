"""涉及科室 on complaints (issue 14 item 4, decision 0026 §8): a complaint concerning a hospital desk may name one of
its 科室 (or be about a 科室 itself), at the 监督投诉台 and online; another hospital's 科室 or a 科室 on a government
complaint is refused naming ``department`` with nothing written; the register filters by it within the scope, and
the pages show it."""
from __future__ import annotations

import pytest
import time_machine

from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditEntry
from bianmin.complaints import services as svc
from bianmin.complaints.models import Complaint, ComplaintCounter, ComplaintStep
from bianmin.complaints.selectors import register_of
from bianmin.core.errors import DomainError
from bianmin.org.models import Window
from bianmin.testing.factories import MON, MONDAY, at
from bianmin.testing.hospital import transfer_case
from bianmin.testing.opinions import hospital_opinions
from conftest import make_user, sign_in

from .conftest import NAME, PHONE, register

pytestmark = pytest.mark.django_db
NOT_A_DESK = "只有医院便民服务中心的评价和投诉可以选择科室"
NOT_ITS = "所选科室不属于该医院"
MIXED = svc.MIXED_DESKS


@pytest.fixture
def h(org, cast, calendar, django_user_model):
    return hospital_opinions(org, cast, django_user_model, make_user)


def _desk(h, **overrides):
    """A complaint taken at the desk's own 监督投诉台 about the desk (subject UNIT)."""
    data = {"actor": h["desk_supervisor"], "channel": "DESK", "kind": "DELAY", "subject_type": "UNIT",
            "matter": "办理入院手续等候两个小时", "name": NAME, "phone": PHONE, "now": at(MON)}
    data.update(overrides)
    return svc.register_complaint(**data)


def _nothing_written(before: int) -> None:
    assert not Complaint.objects.exists() and not ComplaintStep.objects.exists()
    assert AuditEntry.objects.count() == before
    assert not ComplaintCounter.objects.filter(last__gt=0).exists()


def test_the_desk_names_one_of_its_departments(h):
    by_code = _desk(h, department="YY1K1")
    by_id = _desk(h, department=str(h["k2"].pk))
    none = _desk(h)
    assert (by_code.department, by_id.department, none.department) == (h["k1"], h["k2"], None)
    assert by_code.subject_unit == h["desk"]


def test_a_complaint_about_a_department_itself_names_it(h, cast):
    about = _desk(h, subject_unit="YY1K2")
    assert about.subject_unit == h["k2"] and about.department == h["k2"]
    same = _desk(h, subject_unit="YY1K2", department="YY1K2")
    assert same.department == h["k2"]
    # The county center's supervisor, above the desk: the subject unit says which hospital it concerns.
    county = svc.register_complaint(actor=cast["supervisor"], channel="PHONE", kind="ATTITUDE", subject_type="UNIT",
                                    subject_unit="YY1", department="YY1K1", matter="导诊态度差", name=NAME,
                                    phone=PHONE, now=at(MON))
    assert (county.unit, county.subject_unit, county.department) == (cast["supervisor"].staff_profile.unit,
                                                                    h["desk"], h["k1"])
    staff = svc.register_complaint(actor=cast["supervisor"], channel="PHONE", kind="ATTITUDE", subject_type="STAFF",
                                   staff="B-desk_a", department="YY1K2", matter="不耐烦", anonymous=True,
                                   now=at(MON))
    assert staff.department == h["k2"]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"department": "YY2K9"}, NOT_ITS),  # another hospital's 科室
    ({"department": "D1"}, NOT_ITS),  # a government department
    ({"department": "NOPE"}, NOT_ITS),
    ({"subject_unit": "YY1K1", "department": "YY1K2"}, "被投诉单位是科室时，涉及科室应为同一科室"),
])
def test_a_wrong_department_is_refused_with_nothing_written(h, overrides, message):
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        _desk(h, **overrides)
    assert exc.value.status == 400 and exc.value.fields == {"department": [message]}
    _nothing_written(before)


def test_a_government_complaint_names_no_department(h, cast):
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        register(cast, department="YY1K1")  # about window_a of the county center
    assert exc.value.fields == {"department": [NOT_A_DESK]}
    _nothing_written(before)


def test_every_field_is_named_at_once(h):
    with pytest.raises(DomainError) as exc:
        _desk(h, department="YY2K9", matter="", phone="")
    assert set(exc.value.fields) == {"department", "matter", "phone"}
    assert not Complaint.objects.exists()


def test_the_online_form_names_the_department(h):
    c = svc.submit_online_complaint(unit_code="YY1", kind="ATTITUDE", subject_type="UNIT", matter="挂号处推诿",
                                    name=NAME, phone=PHONE, department="YY1K1", now=at(MON), ip="198.51.100.7")
    assert (c.unit, c.department, c.channel) == (h["desk"], h["k1"], "ONLINE")
    before = AuditEntry.objects.count()
    for unit, department, message in (("YY1", "YY2K9", NOT_ITS), ("C1", "YY1K1", NOT_A_DESK)):
        with pytest.raises(DomainError) as exc:
            svc.submit_online_complaint(unit_code=unit, kind="ATTITUDE", subject_type="UNIT", matter="挂号处推诿",
                                        name=NAME, phone=PHONE, department=department, now=at(MON),
                                        ip="198.51.100.7")
        assert exc.value.fields == {"department": [message]}
    assert Complaint.objects.count() == 1 and AuditEntry.objects.count() == before


def _online(unit, n, **overrides):
    """Submit the public form to ``unit`` (the ``n``th client address); return the DomainError's fields, or None."""
    data = {"unit_code": unit, "kind": "ATTITUDE", "subject_type": "CASE", "matter": "", "name": NAME,
            "phone": PHONE, "now": at(MON), "ip": f"198.51.100.{n}"}
    data.update(overrides)
    try:
        svc.submit_online_complaint(**data)
    except DomainError as exc:
        return exc.fields
    return None


def test_the_online_form_tells_nothing_about_case_numbers(h):
    """The department's answer on the public form comes from the chosen center alone: a real case of the hospital,
    a missing number and a real number with another hospital's 科室 are answered alike (no oracle)."""
    real = transfer_case(h).number
    missing = real[:-1] + ("1" if real[-1] != "1" else "2")
    before = AuditEntry.objects.count()
    n = 0
    for unit in ("C1", "YY1", "YY2"):
        answers = set()
        for number in (real, missing, "YY1-NOPE"):
            for department in ("YY1K1", "YY2K9"):
                n += 1
                fields = _online(unit, n, case_number=number, department=department)
                assert fields is not None and fields["matter"] == ["请写明投诉事项"]
                answers.add((department, repr(sorted(fields.items()))))
        # One answer per 科室 named, the same whatever the case number.
        assert len(answers) == 2, answers
        refused = {"C1": (NOT_A_DESK, NOT_A_DESK), "YY1": (None, NOT_ITS), "YY2": (NOT_ITS, None)}[unit]
        expected = set()
        for department, message in zip(("YY1K1", "YY2K9"), refused, strict=True):
            fields = ({"department": [message]} if message else {}) | {"matter": ["请写明投诉事项"]}
            expected.add((department, repr(sorted(fields.items()))))
        assert answers == expected, answers
    _nothing_written(before)
    # The number only becomes text or a link once the complaint is written: the hospital's own desk takes its 科室.
    c = svc.submit_online_complaint(unit_code="YY1", kind="ATTITUDE", subject_type="CASE", case_number=real,
                                    department="YY1K1", matter="转院协调拖延", name=NAME, phone=PHONE, now=at(MON),
                                    ip="198.51.100.99")
    assert (c.case.number, c.department) == (real, h["k1"])


def test_online_a_department_needs_the_hospital_desk_itself(h):
    """A staff badge or window of a hospital does not make a county center's complaint a hospital's one."""
    Window.objects.create(unit=h["desk"], number="Y1", name="入院窗口")
    before = AuditEntry.objects.count()
    for n, (field, value) in enumerate((("staff", "B-desk_a"), ("window", "Y1")), start=1):
        fields = _online("C1", n, subject_type="UNIT", matter="态度差", department="YY1K1", **{field: value})
        assert fields == {"department": [NOT_A_DESK]}, fields
    _nothing_written(before)


def test_mixed_hospitals_are_refused_on_the_online_form(h):
    Window.objects.create(unit=h["other"], number="Z1", name="中医院窗口")
    before = AuditEntry.objects.count()
    for n, department in enumerate(("YY1K1", "YY2K9"), start=1):
        fields = _online("C1", n, subject_type="STAFF", staff="B-desk_a", window="Z1", matter="两家医院推诿",
                         department=department)
        assert fields == {"department": [MIXED]}, fields
    _nothing_written(before)
    # Without a 科室 the complaint to the county center is taken as before.
    c = svc.submit_online_complaint(unit_code="C1", kind="ATTITUDE", subject_type="STAFF", staff="B-desk_a",
                                    window="Z1", matter="两家医院推诿", name=NAME, phone=PHONE, now=at(MON),
                                    ip="198.51.100.9")
    assert c.department is None


@pytest.mark.parametrize("overrides", [
    {"staff": "B-k9_staff", "department": "YY1K1"},  # the case is YY1's, the staff member YY2's
    {"staff": "B-k9_staff", "department": "YY2K9"},
    {"subject_unit": "YY2", "department": "YY1K1"},
    {"subject_unit": "YY2K9", "department": "YY2K9"},
    {"subject_unit": "YY2K9"},  # a 科室 as the subject names itself: still two hospitals
])
def test_mixed_hospitals_are_refused_at_the_desk_with_nothing_written(h, cast, overrides):
    case = transfer_case(h)
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        svc.register_complaint(actor=cast["supervisor"], channel="PHONE", kind="DELAY", subject_type="CASE",
                               case_number=case.number, matter="转院协调两家医院互相推诿", name=NAME, phone=PHONE,
                               now=at(MON), **overrides)
    assert exc.value.status == 400 and exc.value.fields == {"department": [MIXED]}
    _nothing_written(before)


def test_one_hospital_across_every_subject_is_taken(h, cast):
    case = transfer_case(h)
    Window.objects.create(unit=h["desk"], number="Y1", name="入院窗口")
    c = svc.register_complaint(actor=cast["supervisor"], channel="PHONE", kind="DELAY", subject_type="CASE",
                               case_number=case.number, staff="B-k1_staff", window="Y1", subject_unit="YY1",
                               department="YY1K1", matter="转院协调拖延", name=NAME, phone=PHONE, now=at(MON))
    assert (c.case, c.department) == (case, h["k1"])
    # Several hospitals named without a 科室: a county complaint as before.
    plain = svc.register_complaint(actor=cast["supervisor"], channel="PHONE", kind="DELAY", subject_type="CASE",
                                   case_number=case.number, staff="B-k9_staff", matter="两家医院推诿",
                                   anonymous=True, now=at(MON))
    assert plain.department is None


def test_the_register_filters_by_department_within_the_scope(h, cast, org, django_user_model):
    k1 = _desk(h, department="YY1K1")
    _desk(h, department="YY1K2")
    _desk(h)
    assert list(register_of(cast["supervisor"], department="YY1K1")) == [k1]
    assert list(register_of(h["desk_supervisor"], department=str(h["k1"].pk))) == [k1]
    assert register_of(h["desk_supervisor"]).count() == 3
    assert not register_of(h["desk_supervisor"], department="YY2K9").exists()
    town = make_user(django_user_model, "town_sup", Role.SUPERVISOR, org["town_center"])
    assert not register_of(town, department="YY1K1").exists()


@time_machine.travel(MONDAY, tick=False)
def test_the_desk_intake_offers_its_departments_and_the_pages_show_them(client, h, cast):
    sign_in(client, h["desk_supervisor"])
    page = client.get("/staff/complaints/new/").content.decode()
    assert 'name="department"' in page and "心内科" in page and "医务科" in page and "骨伤科" not in page
    assert "患者/家属的投诉涉及医院某个科室的" in page
    form = {"action": "register", "channel": "DESK", "kind": "DELAY", "subject_type": "UNIT",
            "matter": "入院登记拖延", "name": NAME, "phone": PHONE}
    refused = client.post("/staff/complaints/new/", {**form, "department": "YY2K9"})
    assert refused.status_code == 400 and NOT_ITS in refused.content.decode()
    assert not Complaint.objects.exists()
    r = client.post("/staff/complaints/new/", {**form, "department": "YY1K2"})
    assert r.status_code == 302
    c = Complaint.objects.get()
    assert c.department == h["k2"]
    detail = client.get(f"/staff/complaints/{c.number}/").content.decode()
    assert 'id="complaint-department">医务科<' in detail and "投诉人（患者/家属）" in detail
    assert NAME not in detail and PHONE not in detail
    listing = client.get("/staff/complaints/?department=YY1K2").content.decode()
    assert c.number in listing and "涉及科室" in listing
    assert c.number not in client.get("/staff/complaints/?department=YY1K1").content.decode()


@time_machine.travel(MONDAY, tick=False)
def test_a_government_intake_offers_no_department(client, cast, calendar):
    sign_in(client, cast["town_window"])
    assert 'name="department"' not in client.get("/staff/complaints/new/").content.decode()
    sign_in(client, cast["supervisor"])
    listing = client.get("/staff/complaints/").content.decode()
    assert "涉及科室" not in listing  # no hospital in the county center's scope here
