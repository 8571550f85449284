"""The public pages of patients' and families' opinions (issue 14 item 4): the rating page (QR / SMS link) and the
online complaint form offer a hospital desk's 科室 (涉及科室) and only there; another hospital's 科室 is refused,
nothing written."""
from __future__ import annotations

import pytest
import time_machine

from bianmin.cases import services as svc
from bianmin.complaints.models import Complaint
from bianmin.ratings.models import Channel, Rating
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, at
from bianmin.testing.opinions import delivered_hospital_case, hospital_opinions
from conftest import make_user

pytestmark = pytest.mark.django_db
LATER = at(MON, 15)


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
