"""叫号台 (issue 18 item 4): the window clerk's console through Django's test client, and a ticket becoming a case
or an inquiry in the same transaction as its creation (rules are tested in bianmin/hall/tests/test_queue.py)."""
from __future__ import annotations

import pytest
import time_machine

from bianmin.cases.models import Case
from bianmin.hall import queue as q
from bianmin.hall.models import Counter, Ticket, TicketStatus
from bianmin.hall.tests.queue_helpers import T0, make_hall, other_county
from bianmin.inquiries.models import Inquiry
from bianmin.testing.factories import receive_form

from .test_views import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def hall(cast, org):
    return make_hall(cast, org)


def take(hall, kind=None):
    return q.take_ticket(unit_id=hall.center.pk, service_type_id=(kind or hall.a).pk, now=T0, kiosk=True)


def act(client, hall, action, ticket=None, window=None, **extra):
    data = {"action": action, "window": (window or hall.w1).pk, **extra}
    if ticket is not None:
        data["ticket"] = ticket.pk
    return client.post("/staff/queue/", data)


def messages_of(client, response) -> str:
    return client.get(response["Location"]).content.decode()


def test_the_console_remembers_the_window_and_refuses_another_countys(client, cast, hall, django_user_model):
    far = other_county(django_user_model)
    login(client, cast["window_a"])
    page = client.get("/staff/queue/").content.decode()
    assert "请先选择您所在的窗口" in page and "02号窗口" in page and "邻县" not in page
    assert client.get("/staff/queue/", {"window": far["window"].pk}).status_code == 404
    assert client.get("/staff/queue/", {"window": "abc"}).status_code == 404
    page = client.get("/staff/queue/", {"window": hall.w2.pk}).content.decode()
    assert 'id="queue-console"' in page and "未开窗" in page
    page = client.get("/staff/queue/").content.decode()  # remembered in the session
    assert f'<option value="{hall.w2.pk}" selected>' in page and 'id="queue-console"' in page
    assert act(client, hall, "next", window=far["window"]).status_code == 404
    assert act(client, hall, "open", window=far["window"]).status_code == 404
    assert act(client, hall, "take", window=far["window"], service_type=far["type"].pk).status_code == 404
    theirs = q.take_ticket(unit_id=far["center"].pk, service_type_id=far["type"].pk, now=T0, kiosk=True)
    q.call_next(actor=far["clerk"], window_id=far["window"].pk, now=T0)
    for action in ("recall", "start", "skip", "drop", "finish"):
        assert act(client, hall, action, ticket=theirs).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == TicketStatus.CALLED and theirs.call_count == 1


def test_a_window_without_business_types_is_explained(client, cast, hall):
    login(client, cast["town_window"])
    assert 'id="queue-no-window"' in client.get("/staff/queue/").content.decode()


def test_open_call_recall_start_finish(client, cast, hall):
    first, second = take(hall), take(hall)
    login(client, cast["window_a"])
    assert "已开窗" in messages_of(client, act(client, hall, "open"))
    assert Counter.objects.filter(window=hall.w1, closed_at__isnull=True).exists()
    page = messages_of(client, act(client, hall, "next"))
    assert "请A001号到01号窗口办理" in page and 'id="queue-current-number">A001<' in page
    assert f'href="/staff/cases/new/?ticket={first.pk}"' in page and f'href="/staff/inquiries/new/?ticket={first.pk}"'
    assert 'accesskey="n"' in page and 'id="queue-next" disabled' in page
    assert "当前号尚未处理" in page
    page = messages_of(client, act(client, hall, "next"))  # refused while A001 is called
    assert "A001号已呼叫尚未办理" in page
    for _ in range(2):
        act(client, hall, "recall", ticket=first)
    page = messages_of(client, act(client, hall, "recall", ticket=first))
    assert "已呼叫3次，请按过号处理" in page and "已呼叫 3/3 次" in page
    act(client, hall, "start", ticket=first)
    first.refresh_from_db()
    assert first.status == TicketStatus.SERVING
    page = messages_of(client, act(client, hall, "next"))  # finishes A001, calls A002
    first.refresh_from_db()
    assert first.status == TicketStatus.DONE and "请A002号到01号窗口办理" in page
    act(client, hall, "finish", ticket=second)
    assert "窗口空闲" in messages_of(client, act(client, hall, "close"))
    assert not Counter.objects.filter(window=hall.w1, closed_at__isnull=True).exists()
    assert "当前没有等候的号" in messages_of(client, act(client, hall, "next"))


def test_skip_drop_and_requeue_from_the_list(client, cast, hall):
    first, second = take(hall), take(hall)
    login(client, cast["window_a"])
    act(client, hall, "next")
    act(client, hall, "skip", ticket=first)
    act(client, hall, "next")
    page = messages_of(client, act(client, hall, "drop", ticket=second))
    assert "A002：已过号" in page
    assert page.count('value="requeue"') == 2 and "已跳过" in page and "过号" in page
    page = messages_of(client, act(client, hall, "requeue", ticket=first))
    assert "A001：已重新排队" in page and page.count('value="requeue"') == 1
    assert Ticket.objects.get(pk=first.pk).status == TicketStatus.WAITING


def test_a_clerk_takes_a_ticket_for_a_citizen(client, cast, hall):
    login(client, cast["window_a"])
    page = messages_of(client, act(client, hall, "take", service_type=hall.b.pk))
    assert "已人工取号 B001（不动产登记），前面0人" in page
    ticket = Ticket.objects.get()
    assert ticket.source == "STAFF" and ticket.created_by == cast["window_a"]
    page = messages_of(client, act(client, hall, "take", service_type="999999"))
    assert "该业务类型不存在或已停用" in page and Ticket.objects.count() == 1


def test_the_state_answers_the_centers_version(client, cast, hall, django_user_model):
    far = other_county(django_user_model)
    login(client, cast["window_a"])
    before = client.get("/staff/queue/state/", {"window": hall.w1.pk}).json()["version"]
    take(hall)
    assert client.get("/staff/queue/state/", {"window": hall.w1.pk}).json()["version"] == before + 1
    assert client.get("/staff/queue/state/", {"window": far["window"].pk}).json() == {"version": 0}
    assert client.get("/staff/queue/state/", {"window": "x"}).json() == {"version": 0}
    page = client.get("/staff/queue/", {"window": hall.w1.pk}).content.decode()
    assert f'data-queue-version="{before + 1}"' in page and "js/queue_console" in page


# --- a ticket becomes a case or an inquiry -----------------------------------------------------------------------


def test_a_case_received_from_the_ticket_is_linked_in_the_same_transaction(client, cast, hall, item):
    ticket = take(hall)
    login(client, cast["window_a"])
    act(client, hall, "next")
    page = client.get("/staff/cases/new/", {"ticket": ticket.pk, "q": "食品"}).content.decode()
    assert f'href="?item=SP-01&amp;ticket={ticket.pk}"' in page and 'name="ticket"' in page
    page = client.get("/staff/cases/new/", {"item": "SP-01", "ticket": ticket.pk}).content.decode()
    assert "本次收件来自排队号 A001" in page and f'name="ticket" value="{ticket.pk}"' in page
    r = client.post(f"/staff/cases/new/?item=SP-01&ticket={ticket.pk}", receive_form(item, ticket=ticket.pk))
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/staff/cases/{case.number}/"
    ticket.refresh_from_db()
    assert ticket.case == case and ticket.status == TicketStatus.SERVING
    page = client.get("/staff/queue/", {"window": hall.w1.pk}).content.decode()
    assert f'id="queue-case">{case.number}<' in page and 'id="queue-receive"' not in page


def test_when_the_link_fails_no_case_is_written(client, cast, hall, item, django_user_model):
    waiting = take(hall)  # not called to a window: the link is refused
    login(client, cast["window_a"])
    r = client.post("/staff/cases/new/", receive_form(item, ticket=waiting.pk))
    assert r.status_code == 200 and "排队号：A001号等候中" in r.content.decode()
    assert 'name="ticket"' not in r.content.decode()  # the form comes back without the ticket: resubmit to receive
    assert not Case.objects.exists()
    far = other_county(django_user_model)
    theirs = q.take_ticket(unit_id=far["center"].pk, service_type_id=far["type"].pk, now=T0, kiosk=True)
    q.call_next(actor=far["clerk"], window_id=far["window"].pk, now=T0)
    r = client.post("/staff/cases/new/", receive_form(item, ticket=theirs.pk))
    assert r.status_code == 200 and "号码不存在或不在您的管辖范围内" in r.content.decode()
    assert not Case.objects.exists()
    act(client, hall, "next")
    assert client.post("/staff/cases/new/", receive_form(item, ticket=waiting.pk)).status_code == 302
    r = client.post("/staff/cases/new/", receive_form(item, ticket=waiting.pk))  # the ticket has its case already
    assert r.status_code == 200 and "已关联办件或咨询" in r.content.decode()
    assert Case.objects.count() == 1
    theirs.refresh_from_db()
    assert theirs.case_id is None


def test_an_inquiry_registered_from_the_ticket_is_linked_in_the_same_transaction(client, cast, hall):
    ticket = take(hall)
    login(client, cast["window_a"])
    r = client.post("/staff/inquiries/new/", {"channel": "WINDOW", "matter": "咨询社保转移", "ticket": ticket.pk})
    assert r.status_code == 200 and "排队号：A001号等候中" in r.content.decode()
    assert not Inquiry.objects.exists()
    act(client, hall, "next")
    page = client.get("/staff/inquiries/new/", {"ticket": ticket.pk}).content.decode()
    assert "本次登记来自排队号 A001" in page and 'value="WINDOW" selected' in page
    r = client.post("/staff/inquiries/new/", {"channel": "WINDOW", "matter": "咨询社保转移", "ticket": ticket.pk})
    inquiry = Inquiry.objects.get()
    assert r.status_code == 302
    ticket.refresh_from_db()
    assert ticket.inquiry == inquiry and ticket.status == TicketStatus.SERVING
    page = client.get("/staff/queue/", {"window": hall.w1.pk}).content.decode()
    assert f'id="queue-inquiry">{inquiry.number}<' in page


def test_the_stats_page_and_its_export_show_the_waits(client, cast, hall):
    import io

    import openpyxl

    first = take(hall)
    q.call_next(actor=cast["window_a"], window_id=hall.w1.pk, now=T0)
    q.finish(actor=cast["window_a"], ticket_id=first.pk, now=T0)
    login(client, cast["leader"])
    page = client.get("/staff/stats/", {"from": "2026-03-01", "to": "2026-03-31"}).content.decode()
    assert 'id="queue-stats"' in page and 'id="queue-hours"' in page and "测试县政务服务中心 A 综合受理" in page
    assert 'id="queue-windows"' in page and "01号窗口" in page
    r = client.get("/staff/stats/export.xlsx", {"from": "2026-03-01", "to": "2026-03-31"})
    assert "排队等候" in openpyxl.load_workbook(io.BytesIO(r.content)).sheetnames


def test_the_ticket_is_locked_before_the_case_is_made(client, cast, hall, item, monkeypatch):
    """The lock order of every queue change (ticket and screen counter before the audit chain): receiving a case
    from a ticket reserves the ticket first, so a kiosk taking a ticket at that moment cannot deadlock with it."""
    from bianmin.backoffice import views_receive

    order: list[str] = []
    real_reserve, real_receive = views_receive.reserve_link, views_receive.svc.receive_case
    monkeypatch.setattr(views_receive, "reserve_link", lambda **kw: order.append("reserve") or real_reserve(**kw))
    monkeypatch.setattr(views_receive.svc, "receive_case",
                        lambda **kw: order.append("receive") or real_receive(**kw))
    ticket = take(hall)
    login(client, cast["window_a"])
    act(client, hall, "next")
    r = client.post(f"/staff/cases/new/?item=SP-01&ticket={ticket.pk}", receive_form(item, ticket=ticket.pk))
    assert r.status_code == 302 and order[:2] == ["reserve", "receive"]
