"""The window screens end to end through Django's test client (rules are tested in the services)."""
import datetime as dt

import pytest
import time_machine

from bianmin.cases.models import Case, Notice, Transfer
from bianmin.inquiries.models import Inquiry
from bianmin.testing.factories import ID, MATERIALS, receive_form
from bianmin.testing.factories import item_content as _content

from .test_views import login

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def item(cast, org):
    from bianmin.catalog.services import create_item
    from bianmin.workdays.services import chinesecalendar_days, import_official

    import_official(*chinesecalendar_days(), now=FROZEN)
    return create_item(actor=cast["sysadmin"], code="SP-01", basic_code="1",
                       content=_content(implementing_unit=org["dept"]), materials=MATERIALS, fees=[], faqs=[],
                       now=FROZEN, publish=True)


@time_machine.travel(FROZEN, tick=False)
def test_receive_accept_and_print(client, cast, item):
    login(client, cast["window_a"])
    assert "食品经营许可" in client.get("/staff/cases/new/", {"q": "食品"}).content.decode()
    page = client.get("/staff/cases/new/", {"item": "SP-01"}).content.decode()
    assert "申请书" in page and "场所平面图" in page
    r = client.post("/staff/cases/new/", receive_form(item, id_number="110105194912310021"))
    assert r.status_code == 200 and "校验位" in r.content.decode() and not Case.objects.exists()
    r = client.post("/staff/cases/new/", receive_form(item))
    case = Case.objects.get()
    assert r["Location"] == f"/staff/cases/{case.number}/"
    page = client.get(r["Location"]).content.decode()
    assert "受理（A）" in page and "110***********002X" in page and ID not in page
    client.post(r["Location"], {"action": "accept"})
    case.refresh_from_db()
    assert case.status == "ACCEPTED"
    notice = Notice.objects.get(case=case, kind="RECEIPT")
    page = client.get(f"/staff/notices/{notice.number}/").content.decode()
    assert "首办负责制回执" in page and "window_a姓名" in page and case.query_code in page
    pdf = client.get(f"/staff/notices/{notice.number}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # Another unit cannot open it: the same 404 as a missing case.
    login(client, cast["town_window"])
    assert client.get(f"/staff/cases/{case.number}/").status_code == 404
    assert client.get(f"/staff/notices/{notice.number}/pdf/").status_code == 404
    assert client.get("/staff/cases/NOPE/").status_code == 404


@time_machine.travel(FROZEN, tick=False)
def test_action_errors_are_shown_not_raised(client, cast, item):
    login(client, cast["window_a"])
    client.post("/staff/cases/new/", receive_form(item, **{f"m{item.materials.get(name='申请书').pk}_how": "MISSING"}))
    case = Case.objects.get()
    r = client.post(f"/staff/cases/{case.number}/", {"action": "accept"}, follow=True)
    assert "必要材料缺失" in r.content.decode() and Case.objects.get().status == "RECEIVED"


@time_machine.travel(FROZEN, tick=False)
def test_search_by_phone_and_number(client, cast, item):
    login(client, cast["window_a"])
    client.post("/staff/cases/new/", receive_form(item))
    case = Case.objects.get()
    assert case.number in client.get("/staff/cases/", {"q": "13800138000"}).content.decode()
    assert client.get("/staff/cases/", {"q": case.number})["Location"] == f"/staff/cases/{case.number}/"
    assert case.number in client.get("/staff/work/").content.decode()


@time_machine.travel(FROZEN, tick=False)
def test_transfer_approval_screen(client, cast, item):
    login(client, cast["window_a"])
    client.post("/staff/cases/new/", receive_form(item))
    case = Case.objects.get()
    client.post(f"/staff/cases/{case.number}/", {"action": "accept"})
    client.post(f"/staff/cases/{case.number}/", {"action": "transfer", "to_badge": "B-window_b", "reason": "调岗"})
    transfer = Transfer.objects.get()
    login(client, cast["leader"])
    assert case.number in client.get("/staff/approvals/").content.decode()
    client.post("/staff/approvals/", {"subject": "transfer", "id": transfer.pk, "action": "approve"})
    assert Case.objects.get().first_handler == cast["window_b"].staff_profile


@time_machine.travel(FROZEN, tick=False)
def test_inquiry_screens(client, cast):
    login(client, cast["window_a"])
    r = client.post("/staff/inquiries/new/", {"channel": "PHONE", "matter": "咨询"})
    assert r.status_code == 200 and "来电人" in r.content.decode()
    r = client.post("/staff/inquiries/new/", {"channel": "PHONE", "matter": "咨询", "visitor_name": "王五",
                                              "phone": "13800138000"})
    inquiry = Inquiry.objects.get()
    assert r["Location"] == f"/staff/inquiries/{inquiry.number}/"
    client.post(r["Location"], {"action": "outcome", "outcome": "REFERRED_INTERNAL", "to_badge": "B-window_b"})
    login(client, cast["window_b"])
    client.post(f"/staff/inquiries/{inquiry.number}/", {"action": "acknowledge"})
    client.post(f"/staff/inquiries/{inquiry.number}/", {"action": "close", "result": "已办理"})
    inquiry.refresh_from_db()
    assert inquiry.status == "CLOSED" and inquiry.referral_acknowledged_at
    login(client, cast["town_window"])
    assert client.get(f"/staff/inquiries/{inquiry.number}/").status_code == 404


@time_machine.travel(FROZEN, tick=False)
def test_public_lookup_page(client, cast, item):
    login(client, cast["window_a"])
    client.post("/staff/cases/new/", receive_form(item))
    case = Case.objects.get()
    client.logout()
    page = client.get("/lookup/", {"n": case.number, "c": case.query_code}).content.decode()
    assert "已收件" in page and "张三" not in page
    wrong = client.post("/lookup/", {"number": case.number, "code": "WRONG123"}).content.decode()
    unknown = client.post("/lookup/", {"number": "NOPE", "code": "WRONG123"}).content.decode()
    assert "不正确" in wrong and "不正确" in unknown


@time_machine.travel(FROZEN, tick=False)
def test_upload_and_download_through_the_scope_check(client, cast, item):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    login(client, cast["window_a"])
    client.post("/staff/cases/new/", receive_form(item))
    case = Case.objects.get()
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    Image.new("RGB", (8, 8), "red").save(buffer, format="JPEG", exif=exif)
    photo = SimpleUploadedFile("场所照片.jpg", buffer.getvalue(), content_type="image/jpeg")
    client.post(f"/staff/cases/{case.number}/", {"action": "upload", "material": "场所平面图", "file": photo})
    stored = case.files.get()
    r = client.get(f"/staff/cases/{case.number}/files/{stored.pk}/")
    body = b"".join(r.streaming_content)
    assert r["Content-Disposition"].startswith("attachment") and r["X-Content-Type-Options"] == "nosniff"
    assert body.startswith(b"\xff\xd8\xff") and b"SecretCameraMaker" not in body  # EXIF stripped
    bad = SimpleUploadedFile("x.pdf", b"MZ not a pdf")
    r = client.post(f"/staff/cases/{case.number}/", {"action": "upload", "file": bad}, follow=True)
    assert "不符" in r.content.decode() and case.files.count() == 1
    login(client, cast["town_window"])
    assert client.get(f"/staff/cases/{case.number}/files/{stored.pk}/").status_code == 404


@time_machine.travel(FROZEN, tick=False)
def test_pause_and_extension_screens(client, cast, item):
    from bianmin.cases.models import Extension
    from bianmin.org.models import HeadOf

    login(client, cast["window_a"])
    client.post("/staff/cases/new/", receive_form(item))
    case = Case.objects.get()
    url = f"/staff/cases/{case.number}/"
    client.post(url, {"action": "accept"})
    assert "启动特别程序" in client.get(url).content.decode()
    client.post(url, {"action": "pause_start", "kind": "INSPECTION", "basis": "抽样检验", "expected_days": "2"})
    assert "结束特别程序" in client.get(url).content.decode()
    client.post(url, {"action": "pause_end", "result": "合格"})
    client.post(url, {"action": "extension", "reason": "需现场核查"})
    ext = Extension.objects.get()
    cast["leader"].staff_profile.__class__.objects.filter(pk=cast["leader"].staff_profile.pk).update(
        head_of=HeadOf.ORGAN)
    login(client, cast["leader"])
    assert case.number in client.get("/staff/approvals/").content.decode()
    client.post("/staff/approvals/", {"subject": "extension", "id": ext.pk, "action": "approve"})
    ext.refresh_from_db()
    assert ext.status == "APPROVED"
    assert Case.objects.get().notices.filter(kind="EXTENSION").exists()


def test_workbench_shows_red_for_an_overdue_case(client, cast, item):
    with time_machine.travel(FROZEN, tick=False):
        login(client, cast["window_a"])
        client.post("/staff/cases/new/", receive_form(item))
        case = Case.objects.get()
        client.post(f"/staff/cases/{case.number}/", {"action": "accept"})
    with time_machine.travel(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        login(client, cast["window_a"])
        page = client.get("/staff/work/").content.decode()
        assert "红色预警" in page and 'class="warn-red"' in page


@time_machine.travel(FROZEN, tick=False)
def test_workbench_tables_escape_what_applicants_typed(client, cast, item):
    from bianmin.inquiries import services as inq

    login(client, cast["window_a"])
    client.post("/staff/cases/new/", receive_form(item, name="王<i>五</i>&"))
    queued = Case.objects.get()
    client.post("/staff/cases/new/", receive_form(item, name="赵\"六'"))
    accepted = Case.objects.exclude(pk=queued.pk).get()
    client.post(f"/staff/cases/{accepted.number}/", {"action": "accept"})
    inq.register_inquiry(actor=cast["window_a"], channel="WINDOW", matter="<script>问</script>", now=FROZEN)
    page = client.get("/staff/work/").content.decode()
    assert "王&lt;i&gt;五&lt;/i&gt;&amp;" in page and "<i>五" not in page  # the intake queue
    assert "赵&quot;六&#x27;" in page  # my cases
    assert f'href="/staff/cases/{accepted.number}/"' in page and f'href="/staff/cases/{queued.number}/"' in page
    assert "<script>问" not in page and "&lt;script&gt;问" in page  # open inquiries


@time_machine.travel(FROZEN, tick=False)
def test_a_failed_receipt_keeps_the_materials_as_entered_and_a_resent_form_receives_once(client, cast, item):
    login(client, cast["window_a"])
    page = client.get("/staff/cases/new/", {"item": "SP-01"}).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    plan = item.materials.get(name="场所平面图")
    data = receive_form(item, token=token, id_number="110105194912310021")
    del data[f"m{plan.pk}_ok"]
    data.update({f"m{plan.pk}_copies": "3", f"m{plan.pk}_problem": "未标功能分区", f"m{plan.pk}_how": "ELECTRONIC"})
    page = client.post("/staff/cases/new/", data).content.decode()
    row = page.split(f'name="m{plan.pk}_how"')[1].split("</tr>")[0]
    assert '<option value="ELECTRONIC" selected>' in row and 'value="3"' in row and 'value="未标功能分区"' in row
    assert f'name="m{plan.pk}_ok" checked' not in row and f'name="m{plan.pk}_ok"' in row
    assert f'name="token" value="{token}"' in page  # the same form keeps its token
    data["id_number"] = ID
    first = client.post("/staff/cases/new/", data)
    again = client.post("/staff/cases/new/", data)  # the back button and a second click
    assert Case.objects.count() == 1 and first["Location"] == again["Location"]
    assert "没有重复收件" in client.get(again["Location"]).content.decode()


@time_machine.travel(FROZEN, tick=False)
def test_histories_and_home_speak_chinese(client, cast, item):
    login(client, cast["window_a"])
    r = client.post("/staff/cases/new/", receive_form(item))
    page = client.get(r["Location"]).content.decode()
    history = page.split("办理过程")[1]
    assert "已收件" in history and "RECEIVED" not in history
    home = client.get("/staff/").content.decode()
    assert "后续版本" not in home and "我的办件" in home and "收件" in home


@time_machine.travel(FROZEN, tick=False)
def test_the_case_page_shows_who_acts_for_an_absent_first_handler(client, cast, item):
    from bianmin.org.models import Absence

    login(client, cast["window_a"])
    r = client.post("/staff/cases/new/", receive_form(item))
    client.post(r["Location"], {"action": "accept"})
    Absence.objects.create(staff=cast["window_a"].staff_profile, start_date=dt.date(2026, 3, 2),
                           end_date=dt.date(2026, 3, 3), kind="TRAINING")
    login(client, cast["window_b"])
    page = client.get(r["Location"]).content.decode()
    assert "由B角代办：window_b姓名" in page


@time_machine.travel(FROZEN, tick=False)
def test_supervisors_read_inquiries_but_only_the_people_involved_may_close_them(client, cast):
    login(client, cast["window_a"])
    client.post("/staff/inquiries/new/", {"channel": "WINDOW", "matter": "咨询材料"})
    inquiry = Inquiry.objects.get()
    login(client, cast["supervisor"])
    page = client.get(f"/staff/inquiries/{inquiry.number}/")
    assert page.status_code == 200 and 'value="close"' not in page.content.decode()
    assert "登记" in page.content.decode() and "REGISTER" not in page.content.decode()


@time_machine.travel(FROZEN, tick=False)
def test_a_full_phone_or_id_is_shown_once_for_a_reason_and_audited(client, cast, item):
    from bianmin.audit.models import AuditEntry

    login(client, cast["window_a"])
    r = client.post("/staff/cases/new/", receive_form(item))
    url = r["Location"]
    page = client.get(url).content.decode()
    assert "13800138000" not in page and "查看完整号码" in page
    refused = client.post(url, {"action": "reveal", "field": "phone", "reason": ""}, follow=True)
    assert "13800138000" not in refused.content.decode() and "理由" in refused.content.decode()
    shown = client.post(url, {"action": "reveal", "field": "id_number", "reason": "核对身份"})
    assert shown.status_code == 200 and ID in shown.content.decode() and shown["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action="PERSONAL_DATA_VIEW")
    assert entry.data == {"field": "id_number", "reason": "核对身份"} and entry.actor == cast["window_a"]
    assert ID not in client.get(url).content.decode()  # masked again on the next view
    login(client, cast["town_window"])
    assert client.post(url, {"action": "reveal", "field": "phone", "reason": "看看"}).status_code == 404


@time_machine.travel(FROZEN, tick=False)
def test_a_callers_full_phone_is_shown_for_a_call_back_and_audited(client, cast):
    from bianmin.audit.models import AuditEntry

    login(client, cast["window_a"])
    client.post("/staff/inquiries/new/", {"channel": "PHONE", "visitor_name": "李四", "phone": "13911112222",
                                          "matter": "咨询"})
    inquiry = Inquiry.objects.get()
    url = f"/staff/inquiries/{inquiry.number}/"
    assert "13911112222" not in client.get(url).content.decode()
    shown = client.post(url, {"action": "reveal", "reason": "回电答复"})
    assert "13911112222" in shown.content.decode()
    assert AuditEntry.objects.filter(action="PERSONAL_DATA_VIEW", object_id=str(inquiry.pk)).exists()


@time_machine.travel(FROZEN, tick=False)
def test_the_printed_notice_carries_what_the_pdf_carries_and_a_qr_code(client, cast, item):
    from bianmin.cases.pdf import notice_rows

    login(client, cast["window_a"])
    r = client.post("/staff/cases/new/", receive_form(item))
    client.post(r["Location"], {"action": "accept"})
    notice = Notice.objects.get(kind="ACCEPTANCE")
    page = client.get(f"/staff/notices/{notice.number}/").content.decode()
    rows = notice_rows(notice.content)
    labels = [label for label, _value in rows]
    assert {"法定办结日期", "依据", "证件号码"} <= set(labels)
    for label, value in rows:
        assert f"<th>{label}</th><td>{value}</td>" in page
    assert '<img src="data:image/svg+xml;base64,' in page and "counter(pages)" in page


@time_machine.travel(FROZEN, tick=False)
def test_the_inquiry_list_searches_filters_and_stays_in_scope(client, cast):
    login(client, cast["window_a"])
    client.post("/staff/inquiries/new/", {"channel": "PHONE", "visitor_name": "李四", "phone": "13911112222",
                                          "matter": "咨询个体户登记"})
    login(client, cast["window_b"])
    client.post("/staff/inquiries/new/", {"channel": "WINDOW", "matter": "咨询社保转移"})
    login(client, cast["town_window"])
    client.post("/staff/inquiries/new/", {"channel": "WINDOW", "matter": "镇里的咨询"})
    li, other, town = Inquiry.objects.order_by("id")
    login(client, cast["window_a"])
    page = client.get("/staff/inquiries/").content.decode()
    assert li.number in page and other.number in page and town.number in page  # the town is below the county
    assert "13911112222" not in page
    assert other.number not in client.get("/staff/inquiries/", {"mine": "1"}).content.decode()
    for q in ("李四", "139 1111 2222", "个体户", li.number.lower()):
        found = client.get("/staff/inquiries/", {"q": q}).content.decode()
        assert li.number in found and other.number not in found, q
    assert li.number not in client.get("/staff/inquiries/", {"status": "CLOSED"}).content.decode()
    login(client, cast["town_window"])
    page = client.get("/staff/inquiries/").content.decode()
    assert town.number in page and li.number not in page


@time_machine.travel(FROZEN, tick=False)
def test_absences_are_registered_on_the_ab_page_with_the_leaders_override(client, cast):
    from bianmin.org.models import Absence

    a, b = cast["window_a"].staff_profile, cast["window_b"].staff_profile
    day = {"kind": "TRAINING", "start_date": "2026-03-02", "end_date": "2026-03-03"}
    login(client, cast["window_a"])
    page = client.get("/staff/acting/").content.decode()
    assert "离岗登记" in page and "window_b姓名" not in page.split("离岗登记")[1]  # only oneself
    r = client.post("/staff/acting/", {**day, "staff": b.pk})
    assert r.status_code == 200 and not Absence.objects.exists()  # someone else: refused
    r = client.post("/staff/acting/", {**day, "staff": a.pk})
    assert r.status_code == 302 and Absence.objects.get().staff == a
    assert "B角代岗" in client.get("/staff/acting/").content.decode()
    login(client, cast["leader"])
    page = client.post("/staff/acting/", {**day, "staff": b.pk}).content.decode()
    assert Absence.objects.count() == 1 and "同时" in page  # A and B both away needs the override
    r = client.post("/staff/acting/", {**day, "staff": b.pk, "leader_override": "on"})
    assert r.status_code == 302 and Absence.objects.get(staff=b).override_by == cast["leader"]


@time_machine.travel(FROZEN, tick=False)
def test_a_refused_action_comes_back_with_what_was_typed(client, cast, item):
    login(client, cast["window_a"])
    url = client.post("/staff/cases/new/", receive_form(item))["Location"]
    r = client.post(url, {"action": "reject", "kind": "OUTSIDE_POWERS", "reason": "属省级<审批>权限",
                          "competent_organ": ""})
    page = r.content.decode()
    assert r.status_code == 400 and "不属本机关职权的，须告知申请人向哪个机关申请" in page
    assert 'value="属省级&lt;审批&gt;权限"' in page  # kept, and escaped
    assert '<option value="OUTSIDE_POWERS" selected>' in page
    client.post(url, {"action": "accept"})
    r = client.post(url, {"action": "transfer", "to_badge": "NOPE", "reason": "调岗到综合窗口"})
    page = r.content.decode()
    assert r.status_code == 400 and 'value="NOPE"' in page and 'value="调岗到综合窗口"' in page
    assert 'value="调岗到综合窗口"' not in client.get(url).content.decode()  # only on the refused response
    assert Case.objects.get().status == "ACCEPTED"


@time_machine.travel(FROZEN, tick=False)
def test_a_refused_inquiry_outcome_comes_back_as_typed_with_the_error_once(client, cast):
    login(client, cast["window_a"])
    client.post("/staff/inquiries/new/", {"channel": "WINDOW", "matter": "咨询"})
    url = f"/staff/inquiries/{Inquiry.objects.get().number}/"
    r = client.post(url, {"action": "outcome", "outcome": "RESEARCH", "reply_days": "", "result": "需查阅政策文件"})
    page = r.content.decode()
    assert r.status_code == 400 and page.count("承诺答复期限应为1至30个工作日") == 1
    assert "需查阅政策文件" in page
    r = client.post(url, {"action": "outcome", "outcome": "MATERIALS_PASSED", "materials": "户口簿2份\n身份证复印件 1",
                          "to_badge": "B-window_b"})
    assert r.status_code == 302
    assert Inquiry.objects.get().materials == [{"name": "户口簿", "count": 2}, {"name": "身份证复印件", "count": 1}]


@time_machine.travel(FROZEN, tick=False)
def test_the_intake_form_starts_with_nothing_handed_in_and_shared_materials_fetched(client, cast, item):
    """Rows start 未提交 (copies empty, not ticked), except a material the government supplies: 共享获取, ticked.
    Posted as the page starts, with only what the applicant handed in marked, the application can be accepted."""
    import re

    login(client, cast["window_a"])
    page = client.get("/staff/cases/new/", {"item": "SP-01"}).content.decode()
    data = {"item": "SP-01", "applicant_kind": "PERSON", "name": "张三", "id_type": "RESIDENT_ID", "id_number": ID,
            "phone": "13800138000"}
    for m in item.materials.all():
        row = re.search(rf'<select name="m{m.pk}_how".*?</td>.*?</td>.*?</td>', page, re.S).group(0)
        selected = re.search(r'<option value="(\w+)" selected', row).group(1)
        shared = m.source == "GOVERNMENT"
        assert selected == ("SHARED" if shared else "MISSING")
        assert (f'name="m{m.pk}_ok" checked' in page) is shared
        assert re.search(rf'name="m{m.pk}_copies" value=""', page)
        data[f"m{m.pk}_how"] = selected if shared else "PAPER"  # the clerk marks what is on the counter
        data[f"m{m.pk}_ok"] = "on"
    assert any(m.source == "GOVERNMENT" for m in item.materials.all())
    client.post("/staff/cases/new/", data)
    case = Case.objects.get()
    assert {m.name: m.received_as for m in case.materials.all() if m.material.source == "GOVERNMENT"} == {
        m.name: "SHARED" for m in item.materials.all() if m.source == "GOVERNMENT"}
    client.post(f"/staff/cases/{case.number}/", {"action": "accept"})
    case.refresh_from_db()
    assert case.status == "ACCEPTED"


@time_machine.travel(FROZEN, tick=False)
def test_receive_and_accept_on_the_receive_page(client, cast, item):
    """收件并受理: the receive page's second button calls the API's service (POST /cases with accept)."""
    login(client, cast["window_a"])
    page = client.get("/staff/cases/new/", {"item": "SP-01"}).content.decode()
    assert "收件并受理（A）" in page and 'name="accept" value="1"' in page
    # A required material missing: nothing is received, the form comes back with the clerk's input and the reason.
    missing = receive_form(item, **{f"m{item.materials.get(name='申请书').pk}_how": "MISSING"}, accept="1")
    r = client.post("/staff/cases/new/", missing)
    assert r.status_code == 200 and "申请书" in r.content.decode() and "必要材料缺失" in r.content.decode()
    assert not Case.objects.exists() and "张三" in r.content.decode()
    r = client.post("/staff/cases/new/", receive_form(item, accept="1"))
    case = Case.objects.get()
    assert r["Location"] == f"/staff/cases/{case.number}/"
    assert case.status == "ACCEPTED" and case.first_handler.user == cast["window_a"]
    assert set(Notice.objects.filter(case=case).values_list("kind", flat=True)) >= {"ACCEPTANCE", "RECEIPT"}
    assert "已收件并受理" in client.get(r["Location"]).content.decode()


@pytest.mark.skipif("not __import__('django.db').db.connection.vendor == 'postgresql'",
                    reason="the case's lists and staff come with its read on PostgreSQL only")
@time_machine.travel(FROZEN, tick=False)
def test_a_case_page_makes_two_statements(client, cast, item):
    """A case with neither a relay nor a 预约办结, shown again: the session with the unread count (decision 0039) and
    the case (with its lists, its staff and which optional lists it has); the relay and the appointment are not
    asked for (decision 0038)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, cast["window_a"])
    client.post("/staff/cases/new/", receive_form(item))
    case = Case.objects.get()
    client.post(f"/staff/cases/{case.number}/", {"action": "accept"})
    assert client.get(f"/staff/cases/{case.number}/").status_code == 200  # the per-process caches filled
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/staff/cases/{case.number}/")
    assert page.status_code == 200 and "window_a姓名" in page.content.decode()
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 2, statements
    for sql, table in zip(statements, ("accounts_staffsession", "cases_case"), strict=True):
        assert f'FROM "{table}"' in sql, sql
    assert 'FROM "notifications_message"' in statements[0]  # the badge's count, in the session's statement
    assert 'FROM "relay_relayrequest"' not in statements[1] and "hall_completionappointment" not in statements[1]
