"""The public pages of patients' and families' opinions (issue 14 item 4): the rating page (QR / SMS link) and the
online complaint form offer a hospital desk's 科室 (涉及科室) and only there; another hospital's 科室 is refused,
nothing written."""
from __future__ import annotations

import pytest
import time_machine

from bianmin.audit.models import AuditEntry
from bianmin.cases import services as svc
from bianmin.complaints.models import Complaint
from bianmin.org.models import Window
from bianmin.ratings.models import Channel, Rating
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, at
from bianmin.testing.hospital import transfer_case
from bianmin.testing.opinions import delivered_hospital_case, hospital_opinions
from conftest import make_user

pytestmark = pytest.mark.django_db
LATER = at(MON, 15)
NOT_A_DESK = "只有医院便民服务中心的评价和投诉可以选择科室"
NOT_ITS = "所选科室不属于该医院"


@pytest.fixture
def h(org, cast, calendar, django_user_model):
    return hospital_opinions(org, cast, django_user_model, make_user)


@time_machine.travel(LATER, tick=False)
def test_the_rating_page_offers_the_hospitals_departments(client, h):
    case = delivered_hospital_case(h)
    page = client.post("/rate/", {"number": case.number, "code": case.query_code}).content.decode()
    assert "涉及科室（可选）" in page and 'name="department"' in page
    assert 'value="YY1K1"' in page and "医务科" in page and "骨伤科" not in page
    assert "李四" not in page  # nothing about the family
    wrong = client.post("/rate/", {"number": case.number, "code": case.query_code, "level": "2",
                                   "department": "YY2K9"})
    assert wrong.status_code == 400 and "所选科室不属于该医院" in wrong.content.decode()
    assert not Rating.objects.exists()
    r = client.post("/rate/", {"number": case.number, "code": case.query_code, "level": "2", "src": "sms",
                               "department": "YY1K1", "comment": "心内科会诊等太久"})
    assert r.status_code == 200 and "感谢您的评价" in r.content.decode()
    rating = Rating.objects.get()
    assert (rating.department, rating.channel, rating.unit) == (h["k1"], Channel.SMS, h["desk"])


@time_machine.travel(LATER, tick=False)
def test_a_government_rating_page_has_no_department(client, h, cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON, 9))
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON, 10))
    svc.deliver_case(actor=cast["window_a"], number=case.number, method="PICKUP", received_by="张三",
                     now=at(MON, 11))
    page = client.post("/rate/", {"number": case.number, "code": case.query_code}).content.decode()
    assert 'name="department"' not in page and "涉及科室" not in page
    forged = client.post("/rate/", {"number": case.number, "code": case.query_code, "level": "5",
                                    "department": "YY1K1"})
    assert forged.status_code == 400 and "只有医院便民服务中心的评价和投诉可以选择科室" in forged.content.decode()
    assert not Rating.objects.exists()


def test_the_complaint_form_offers_each_hospitals_departments(client, h):
    page = client.get("/complaints/new/?unit=YY1").content.decode()
    assert 'name="department"' in page and 'data-unit="YY1"' in page and 'data-unit="YY2"' in page
    assert "js/complaint_department.js" in page
    assert '<option value="YY1" selected>' in page and "患者/家属姓名（保密）" in page
    assert "您的姓名（保密）" in client.get("/complaints/new/").content.decode()
    form = {"unit": "YY1", "kind": "ATTITUDE", "subject_type": "UNIT", "matter": "导诊台推诿", "name": "李四",
            "phone": "13811112222"}
    wrong = client.post("/complaints/new/", {**form, "department": "YY2K9"}, REMOTE_ADDR="198.51.100.30")
    assert wrong.status_code == 400 and "所选科室不属于该医院" in wrong.content.decode()
    government = client.post("/complaints/new/", {**form, "unit": "C1", "department": "YY1K1"},
                             REMOTE_ADDR="198.51.100.30")
    assert government.status_code == 400
    assert "只有医院便民服务中心的评价和投诉可以选择科室" in government.content.decode()
    assert not Complaint.objects.exists()
    r = client.post("/complaints/new/", {**form, "department": "YY1K2"}, REMOTE_ADDR="198.51.100.30")
    assert r.status_code == 200 and 'id="complaint-done"' in r.content.decode()
    c = Complaint.objects.get()
    assert (c.unit, c.department) == (h["desk"], h["k2"])


def test_without_a_hospital_the_complaint_form_has_no_department(client, cast):
    page = client.get("/complaints/new/").content.decode()
    assert 'name="department"' not in page and "complaint_department.js" not in page


@pytest.mark.parametrize("unit", ["C1", "YY2"])
def test_the_complaint_form_and_api_tell_nothing_about_case_numbers(client, h, unit):
    """With the 科室 of a hospital that is not the chosen center, a real case of that hospital, a missing number
    and a real one named with another hospital's 科室 get the same answer (page and API); nothing is written."""
    real = transfer_case(h).number
    missing = real[:-1] + ("1" if real[-1] != "1" else "2")
    form = {"unit": unit, "kind": "DELAY", "subject_type": "CASE", "matter": "", "name": "李四",
            "phone": "13811112222"}
    pages, answers = set(), set()
    for n, (number, department) in enumerate(((real, "YY1K1"), (missing, "YY1K1"), (real, "YY2K9" if unit == "C1"
                                                                                     else "YY1K2"))):
        page = client.post("/complaints/new/", {**form, "case_number": number, "department": department},
                           REMOTE_ADDR=f"198.51.100.{40 + n}")
        assert page.status_code == 400
        text = page.content.decode()
        pages.add((NOT_A_DESK in text, NOT_ITS in text, number in text))
        api = client.post("/api/v1/public/complaints", {**form, "case_number": number, "department": department},
                          content_type="application/json", REMOTE_ADDR=f"198.51.100.{50 + n}")
        assert api.status_code == 400
        answers.add(repr(sorted(api.json()["error"]["fields"].items())))
    expected = NOT_A_DESK if unit == "C1" else NOT_ITS
    assert answers == {repr([("department", [expected]), ("matter", ["请写明投诉事项"])])}
    assert pages == {(unit == "C1", unit != "C1", True)}  # the typed number is given back as typed, alike
    assert not Complaint.objects.exists()


def test_the_complaint_form_refuses_a_department_of_mixed_hospitals(client, h):
    Window.objects.create(unit=h["other"], number="Z1", name="中医院窗口")
    form = {"unit": "C1", "kind": "ATTITUDE", "subject_type": "STAFF", "staff": "B-desk_a", "window": "Z1",
            "matter": "两家医院互相推诿", "name": "李四", "phone": "13811112222", "department": "YY1K1"}
    before = AuditEntry.objects.count()
    page = client.post("/complaints/new/", form, REMOTE_ADDR="198.51.100.60")
    assert page.status_code == 400 and "投诉对象涉及多家医院，请分别投诉" in page.content.decode()
    api = client.post("/api/v1/public/complaints", form, content_type="application/json",
                      REMOTE_ADDR="198.51.100.61")
    assert api.status_code == 400
    assert api.json()["error"]["fields"] == {"department": ["投诉对象涉及多家医院，请分别投诉"]}
    # The county center with one hospital's staff member: still no 科室 (it is the hospital desk's to take).
    one = client.post("/complaints/new/", {**form, "window": ""}, REMOTE_ADDR="198.51.100.62")
    assert one.status_code == 400 and NOT_A_DESK in one.content.decode()
    assert not Complaint.objects.exists() and AuditEntry.objects.count() == before
