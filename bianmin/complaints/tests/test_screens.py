"""The staff pages of the 登记簿 and the public form and follow page, driven through Django's test client."""
from __future__ import annotations

import pytest
import time_machine

from bianmin.complaints.models import Complaint, ComplaintStatus
from bianmin.testing.factories import MONDAY
from conftest import sign_in

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert('x')</script>"


@time_machine.travel(MONDAY, tick=False)
def test_online_form_escapes_script_and_the_supervisor_walks_the_steps(client, cast, calendar):
    assert "/complaints/new/" in client.get("/").content.decode()
    r = client.post("/complaints/new/", {"unit": "C1", "kind": "OTHER", "subject_type": "UNIT",
                                         "matter": f"{SCRIPT}乱收费", "name": "王五", "phone": "13811112222"})
    assert r.status_code == 200
    c = Complaint.objects.get()
    assert c.matter == f"{SCRIPT}乱收费" and c.query_code in r.content.decode()
    r = client.post("/complaints/new/", {"unit": "", "kind": "", "subject_type": "UNIT", "matter": ""})
    assert r.status_code == 400 and "请选择受理投诉的政务服务中心" in r.content.decode()
    sign_in(client, cast["supervisor"])
    listing = client.get("/staff/complaints/?q=乱收费").content.decode()
    assert c.number in listing and "<script>alert" not in listing
    page = client.get(f"/staff/complaints/{c.number}/").content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page and "<script>alert" not in page
    url = f"/staff/complaints/{c.number}/"
    assert client.post(url, {"action": "handle", "nature": "属实", "opinion": "x"}).status_code == 400
    for data in ({"action": "investigate", "notes": "调取监控录像甲"},
                 {"action": "handle", "nature": "属实", "opinion": "退费"},
                 {"action": "reply", "reply": "已退费"}, {"action": "archive"}):
        r = client.post(url, data)
        assert r.status_code == 302, (data, r.content.decode()[:500])
    assert Complaint.objects.get().status == ComplaintStatus.ARCHIVED
    client.logout()
    r = client.post("/complaints/follow/", {"number": c.number, "code": c.query_code})
    body = r.content.decode()
    assert r.status_code == 200 and "已退费" in body and "调取监控录像甲" not in body and "supervisor姓名" not in body
    r = client.post("/complaints/follow/", {"number": c.number, "code": "AAAAAAAA"})
    assert "投诉编号或查询码不正确" in r.content.decode()


@time_machine.travel(MONDAY, tick=False)
def test_desk_registration_page(client, cast, calendar):
    sign_in(client, cast["window_b"])
    assert client.get("/staff/complaints/new/").status_code == 200
    r = client.post("/staff/complaints/new/", {"action": "register", "channel": "DESK", "kind": "ATTITUDE",
                                               "subject_type": "STAFF", "staff": "B-window_a", "matter": "态度差",
                                               "name": "钱七", "phone": "13922223333"})
    assert r.status_code == 302 and r["Location"] == "/staff/complaints/new/"
    c = Complaint.objects.get()
    assert c.staff == cast["window_a"].staff_profile and c.handler is None
    r = client.post("/staff/complaints/new/", {"action": "register", "channel": "DESK", "kind": "ATTITUDE",
                                               "subject_type": "STAFF", "staff": "B-window_b", "matter": "态度差",
                                               "anonymous": "on"})
    assert r.status_code == 400 and "不能登记针对自己的投诉" in r.content.decode()
    assert client.get(f"/staff/complaints/{c.number}/").status_code == 403
