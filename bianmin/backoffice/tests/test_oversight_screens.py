"""Oversight screens: the leader's overview, messages and the accountability flow through the test client."""
import datetime as dt

import pytest
import time_machine

from bianmin.accountability.models import Statement, Violation
from bianmin.cases import services as svc
from bianmin.notifications.models import Message
from bianmin.notifications.services import deliver_due
from bianmin.sweep.services import run_sweep
from bianmin.testing.cases import GRANT
from bianmin.testing.factories import ALL_GOOD, applicant

from .test_views import login

pytestmark = pytest.mark.django_db
FRIDAY = dt.datetime(2026, 9, 25, 1, 0, tzinfo=dt.UTC)  # deadline of a 10-working-day case: 2026-10-15
AFTER = dt.datetime(2026, 10, 19, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def overdue(cast, item):
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=FRIDAY)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=FRIDAY)
    svc.start_case(actor=cast["window_a"], number=case.number, now=FRIDAY)  # started, then left to run over
    run_sweep(now=AFTER)
    return case


@time_machine.travel(AFTER, tick=False)
def test_overview_shows_red_cases_to_leaders_only(client, cast, overdue):
    login(client, cast["leader"])
    page = client.get("/staff/overview/").content.decode()
    assert overdue.number in page and "window_a姓名" in page
    assert 'class="warn-red"' in page
    assert overdue.number not in client.get("/staff/overview/?level=YELLOW").content.decode()
    listing = client.get("/staff/cases/", {"status": "IN_PROGRESS"}).content.decode()
    assert overdue.number in listing and "红色预警" in listing  # case lists show the warning too
    client.logout()
    login(client, cast["window_a"])
    assert client.get("/staff/overview/").status_code == 403
    client.logout()
    login(client, cast["town_window"])
    assert client.get("/staff/overview/").status_code == 403


@time_machine.travel(AFTER, tick=False)
def test_accountability_flow_through_the_screens(client, cast, overdue):
    violation = Violation.objects.get()
    url = f"/staff/accountability/{violation.pk}/"
    # The handler sees the record and files a statement; a colleague gets the same 404 as a missing record.
    login(client, cast["window_a"])
    assert overdue.number in client.get("/staff/accountability/mine/").content.decode()
    client.post(url, {"action": "statement", "text": "申请人补充材料延误"})
    assert Statement.objects.filter(violation=violation).count() == 1
    client.logout()
    login(client, cast["window_b"])
    assert client.get(url).status_code == 404
    assert client.get("/staff/accountability/999999/").status_code == 404
    assert client.post(url, {"action": "statement", "text": "x"}).status_code == 404
    client.logout()
    # The supervisor proposes a sanction from the ladder; a bad choice is refused with the field named.
    login(client, cast["supervisor"])
    page = client.get("/staff/accountability/").content.decode()
    assert "window_a姓名" in page and "办件超期" in page
    r = client.post(url, {"action": "propose", "severity": "MINOR", "sanction": "罚款", "reason": "超期"}, follow=True)
    assert "处理方式须从以下选择" in r.content.decode()
    client.post(url, {"action": "propose", "severity": "MINOR", "sanction": "口头告诫", "reason": "初次超期"})
    violation.refresh_from_db()
    assert (violation.status, violation.severity) == ("PROPOSED", "MINOR")
    client.logout()
    # The leader approves from the approvals inbox, seeing the severity on the record.
    login(client, cast["leader"])
    assert "口头告诫" in client.get("/staff/approvals/").content.decode()
    decide_part = client.get(url).content.decode().split("领导审批</h2>", 1)[1]
    assert "情节：<strong>情节较轻</strong>" in decide_part and "<strong>口头告诫</strong>" in decide_part
    client.post(url, {"action": "approve", "note": ""})
    violation.refresh_from_db()
    assert violation.status == "SANCTIONED" and violation.decided_by == cast["leader"]
    assert "<dt>情节</dt><dd>情节较轻</dd>" in client.get(url).content.decode()


@time_machine.travel(AFTER, tick=False)
def test_supervisor_records_a_violation_and_the_staff_member_is_told(client, cast, overdue):
    login(client, cast["supervisor"])
    badge = cast["window_b"].staff_profile.badge_number
    r = client.post("/staff/accountability/new/", {"action": "record_violation", "staff": badge, "kind": "ATTITUDE",
                                                   "occurred_on": "2026-10-19", "description": ""})
    assert r.status_code == 400 and "请写明情况" in r.content.decode()
    r = client.post("/staff/accountability/new/", {"action": "record_violation", "staff": badge, "kind": "ATTITUDE",
                                                   "occurred_on": "2026-10-19", "description": "对群众态度生硬",
                                                   "case_number": overdue.number})
    violation = Violation.objects.get(kind="ATTITUDE")
    assert r["Location"] == f"/staff/accountability/{violation.pk}/"
    assert violation.evidence[0]["label"] == f"办件 {overdue.number}"
    client.logout()
    deliver_due(now=AFTER)
    login(client, cast["window_b"])
    page = client.get("/staff/messages/").content.decode()
    assert "过错记录通知" in page and 'title="未读消息">1</span>' in page  # the unread count in the navigation
    message = Message.objects.get(recipient=cast["window_b"], kind="ACCOUNTABILITY")
    r = client.post("/staff/messages/", {"message": message.pk})
    assert r["Location"] == f"/staff/accountability/{violation.pk}/"
    message.refresh_from_db()
    assert message.read_at is not None
    other = Message.objects.filter(channel="INAPP").exclude(recipient=cast["window_b"]).first()
    assert client.post("/staff/messages/", {"message": other.pk}).status_code == 404


@time_machine.travel(AFTER, tick=False)
def test_overview_counts_are_kept_for_a_minute(client, cast, overdue):
    login(client, cast["leader"])
    assert "统计于" in client.get("/staff/overview/").content.decode()
    svc.decide_case(actor=cast["window_a"], number=overdue.number, outcome="GRANTED", **GRANT, now=AFTER)
    page = client.get("/staff/overview/").content.decode()
    assert '<strong>1</strong> 红色预警' in page  # counts as of a minute ago
    assert overdue.number not in page.split('id="warned"')[1]  # the list is live
    with time_machine.travel(AFTER + dt.timedelta(seconds=61), tick=False):
        assert '<strong>0</strong> 红色预警' in client.get("/staff/overview/").content.decode()


@time_machine.travel(AFTER, tick=False)
def test_statistics_dashboard_and_excel_export(client, cast, overdue):
    login(client, cast["leader"])
    page = client.get("/staff/stats/", {"from": "2026-09-01", "to": "2026-10-31", "group": "staff"}).content.decode()
    assert page.count("<svg") >= 2 and "window_a姓名" in page and "按期办结率" in page
    wrong = client.get("/staff/stats/", {"from": "2026-10-31", "to": "2026-10-01"}).content.decode()
    assert "结束日期不能早于开始日期" in wrong
    r = client.get("/staff/stats/export.xlsx", {"from": "2026-09-01", "to": "2026-10-31"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats") and r.content[:2] == b"PK"
    assert client.get("/staff/stats/", {"unit": "NOPE", "from": "2026-09-01", "to": "2026-10-31"}).status_code == 200
    assert client.get("/staff/stats/export.xlsx", {"unit": "NOPE"}).status_code == 404


def test_operators_see_the_outbox_and_sweep_runs_read_only_with_phones_masked(client, cast, overdue):
    login(client, cast["sysadmin"])
    page = client.get("/admin/notifications/message/").content.decode()
    assert "138****8000" in page and "13800138000" not in page
    assert client.get("/admin/sweep/sweeprun/").status_code == 200
    assert client.get("/admin/notifications/message/add/").status_code == 403


@time_machine.travel(AFTER, tick=False)
def test_case_paths_in_a_digest_are_links_and_the_rest_stays_escaped(client, cast):
    Message.objects.create(channel="INAPP", kind="DIGEST", recipient=cast["window_a"], subject="办件提醒（2条）",
                           body="1. 黄色预警 <b>甲</b>（/staff/cases/C1202603020001/）\n"
                                "2. 红色预警（/staff/cases/C1202603020002/）", status="SENT", created_at=AFTER,
                           next_attempt_at=AFTER, sent_at=AFTER)
    login(client, cast["window_a"])
    page = client.get("/staff/messages/").content.decode()
    assert '<a href="/staff/cases/C1202603020001/">/staff/cases/C1202603020001/</a>' in page
    assert '<a href="/staff/cases/C1202603020002/">' in page
    assert "&lt;b&gt;甲&lt;/b&gt;" in page and "<b>甲" not in page


def _between(page: str, start: str, end: str) -> str:
    return page.split(start, 1)[1].split(end, 1)[0]


@time_machine.travel(AFTER, tick=False)
def test_the_proposal_form_offers_sanctions_by_severity_and_refuses_a_mismatch(client, cast, overdue):
    violation = Violation.objects.get()
    url = f"/staff/accountability/{violation.pk}/"
    login(client, cast["supervisor"])
    page = client.get(url).content.decode()
    severities = _between(page, '<select name="severity">', "</select>")
    assert [label for label in ("情节较轻", "情节严重", "情节特别严重") if label in severities] == [
        "情节较轻", "情节严重", "情节特别严重"]
    # Each sanction is named with its severity, mildest first.
    sanctions = _between(page, '<select name="sanction">', "</select>")
    assert ('<option value="口头告诫">口头告诫（情节较轻）</option>'
            '<option value="书面告诫">书面告诫（情节较轻）</option>'
            '<option value="离岗培训">离岗培训（情节严重）</option>') in sanctions
    assert sanctions.endswith('<option value="辞退">辞退（情节特别严重）</option>')

    # 辞退 for 情节较轻 is refused: the form comes back as typed with the error beside the sanction.
    r = client.post(url, {"action": "propose", "severity": "MINOR", "sanction": "辞退", "reason": "首次<推诿>"})
    assert r.status_code == 400
    page = r.content.decode()
    assert '<option value="MINOR" selected>' in page and '<option value="辞退" selected>' in page
    assert ">首次&lt;推诿&gt;</textarea>" in page
    beside_sanction = _between(page, 'name="sanction"', 'name="reason"')
    assert "情节较轻的，处理方式须从以下选择：口头告诫、书面告诫" in beside_sanction
    violation.refresh_from_db()
    assert (violation.status, violation.severity, violation.sanction) == ("OPEN", "", "")

    r = client.post(url, {"action": "propose", "sanction": "口头告诫", "reason": "超期"})
    assert r.status_code == 400 and "请选择情节" in _between(r.content.decode(), 'name="severity"', 'name="sanction"')

    r = client.post(url, {"action": "propose", "severity": "SERIOUS", "sanction": "调离岗位", "reason": "多次超期"})
    assert r["Location"] == url
    violation.refresh_from_db()
    assert (violation.status, violation.severity, violation.sanction) == ("PROPOSED", "SERIOUS", "调离岗位")


@time_machine.travel(AFTER, tick=False)
def test_the_record_form_leaves_the_sweeps_kinds_to_the_sweep(client, cast):
    login(client, cast["supervisor"])
    page = client.get("/staff/accountability/new/").content.decode()
    note, options = page.split('<select name="kind"', 1)
    for label in ("未及时将事项移交承办人（受理后未按时开始办理）", "未及时回复办理结果", "补办材料逾期未督促补齐",
                  "超过收件审查期限才受理"):
        assert label in note and label not in options.split("</select>", 1)[0]
