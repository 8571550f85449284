"""The outbox: messages exist exactly when their cause does, are sent with retries, and are never lost;
staff digests are built only in the recipient's working hours; the SMS backends."""
import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.core.errors import NotFound
from bianmin.notifications import selectors
from bianmin.notifications.backends import FileBackend, HttpGatewayBackend, LocmemBackend, SmsError, get_backend
from bianmin.notifications.models import Channel, DigestItem, Message, MessageStatus
from bianmin.notifications.services import (
    LEASE,
    STOP_AFTER_FAILURES,
    add_digest_items,
    build_digests,
    deliver_due,
    enqueue_inapp,
    enqueue_sms,
    is_working_time,
    mark_read,
)
from bianmin.org.models import Region
from bianmin.workdays.services import add_local_day

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
PHONE = "13800138000"


def bj(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


NOW = bj(2026, 3, 2, 10)  # Monday 10:00 Beijing time


class FakeBackend:
    """Records what it sends; raises ``fail`` (an exception instance) instead when given one."""

    def __init__(self, fail: BaseException | None = None, fail_for: str | None = None):
        self.fail, self.fail_for = fail, fail_for
        self.calls: list[dict[str, str]] = []

    def send(self, *, phone: str, text: str, reference: str) -> None:
        self.calls.append({"phone": phone, "text": text, "reference": reference})
        if self.fail is not None and self.fail_for in (None, phone):
            raise self.fail


class WorkerKilled(BaseException):
    """Stands for the worker dying mid-batch (SIGKILL, power loss): not an ``Exception``, so nothing catches it."""


class DiesOnSecondSend(FakeBackend):
    def send(self, *, phone: str, text: str, reference: str) -> None:
        super().send(phone=phone, text=text, reference=reference)
        if len(self.calls) == 2:
            raise WorkerKilled


def sms(text: str = "您的办件已受理", *, phone: str = PHONE, now: dt.datetime = NOW) -> Message:
    return enqueue_sms(phone=phone, kind="CASE_ACCEPTED", text=text, cause="case:YX01202603020001", now=now)


def audit_rows():
    return list(AuditEntry.objects.filter(action=AuditAction.NOTIFICATION).order_by("seq"))


def reload(message: Message) -> Message:
    return Message.objects.get(pk=message.pk)


# --- enqueue: in the caller's transaction ------------------------------------------------------------------


def test_enqueued_messages_exist_only_when_the_transaction_commits(cast):
    with pytest.raises(RuntimeError), transaction.atomic():
        sms()
        enqueue_inapp(recipient=cast["window_a"], kind="X", subject="标题", text="内容", now=NOW)
        assert Message.objects.count() == 2  # visible inside the transaction…
        raise RuntimeError("the cause failed after the messages were queued")
    assert not Message.objects.exists()  # …and gone with it

    with transaction.atomic():
        sms_message = sms()
        inapp = enqueue_inapp(recipient=cast["window_a"], kind="X", subject="标" * 200, text="内容", now=NOW,
                              link="/staff/", cause="c" * 100)
    assert set(Message.objects.values_list("pk", flat=True)) == {sms_message.pk, inapp.pk}
    sms_message, inapp = reload(sms_message), reload(inapp)
    assert (sms_message.channel, sms_message.phone, sms_message.status) == (Channel.SMS, PHONE, MessageStatus.PENDING)
    assert sms_message.next_attempt_at == NOW and sms_message.attempts == 0 and sms_message.recipient is None
    assert (inapp.channel, inapp.recipient, inapp.status) == (Channel.INAPP, cast["window_a"], MessageStatus.PENDING)
    assert len(inapp.subject) == 128 and len(inapp.cause) == 64


def test_an_sms_without_a_phone_is_not_queued():
    assert enqueue_sms(phone="", kind="X", text="内容", cause="case:1", now=NOW) is None
    assert not Message.objects.exists()


# --- deliver_due --------------------------------------------------------------------------------------------


def test_a_due_sms_is_sent_through_the_backend_and_marked_sent():
    message = sms()
    later = sms("稍后发送", now=NOW + dt.timedelta(minutes=5))  # not due yet
    backend = FakeBackend()
    assert deliver_due(now=NOW, backend=backend) == {"sent": 1, "retry": 0, "failed": 0}
    assert backend.calls == [{"phone": PHONE, "text": "您的办件已受理", "reference": f"BM{message.pk}"}]
    message = reload(message)
    assert (message.status, message.sent_at, message.attempts, message.last_error) == (MessageStatus.SENT, NOW, 1, "")
    assert reload(later).status == MessageStatus.PENDING
    assert deliver_due(now=NOW, backend=backend) == {"sent": 0, "retry": 0, "failed": 0}  # a sent one stays sent
    assert len(backend.calls) == 1


def test_in_app_messages_are_marked_sent_without_the_sms_backend(cast):
    message = enqueue_inapp(recipient=cast["window_a"], kind="X", subject="标题", text="内容", now=NOW)
    backend = FakeBackend(fail=AssertionError("the SMS backend must not be called for in-app messages"))
    assert deliver_due(now=NOW, backend=backend) == {"sent": 1, "retry": 0, "failed": 0}
    assert backend.calls == []
    message = reload(message)
    assert (message.status, message.sent_at) == (MessageStatus.SENT, NOW)


def test_without_a_backend_argument_the_configured_one_is_used(monkeypatch):
    monkeypatch.setattr(LocmemBackend, "sent", [])  # the test settings pick LocmemBackend
    message = sms()
    deliver_due(now=NOW)
    assert LocmemBackend.sent == [{"phone": PHONE, "text": "您的办件已受理", "reference": f"BM{message.pk}"}]


def test_a_failed_send_is_retried_after_the_backoff():
    message = sms()
    assert deliver_due(now=NOW, backend=FakeBackend(fail=SmsError("短信网关返回 503"))) == {
        "sent": 0, "retry": 1, "failed": 0}
    message = reload(message)
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 1)
    assert message.next_attempt_at == NOW + dt.timedelta(seconds=30)
    assert message.last_error == "短信网关返回 503" and message.sent_at is None

    working = FakeBackend()
    for moment in (NOW, NOW + dt.timedelta(seconds=29)):  # not due yet: not tried again
        assert deliver_due(now=moment, backend=working) == {"sent": 0, "retry": 0, "failed": 0}
    assert working.calls == []
    assert reload(message).attempts == 1

    assert deliver_due(now=NOW + dt.timedelta(seconds=31), backend=working)["sent"] == 1
    message = reload(message)
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 2, "")
    assert message.sent_at == NOW + dt.timedelta(seconds=31)


def test_backoff_doubles_and_the_message_fails_for_good_after_the_last_attempt(settings):
    assert settings.BIANMIN["OUTBOX_MAX_ATTEMPTS"] == 6 and settings.BIANMIN["OUTBOX_BACKOFF_SECONDS"] == 30
    message = sms()
    failing = FakeBackend(fail=SmsError("网关超时"))
    moment = NOW
    for attempt, delay in enumerate((30, 60, 120, 240, 480), start=1):
        assert deliver_due(now=moment, backend=failing) == {"sent": 0, "retry": 1, "failed": 0}
        message = reload(message)
        assert (message.status, message.attempts) == (MessageStatus.PENDING, attempt)
        assert message.next_attempt_at == moment + dt.timedelta(seconds=delay)
        moment = message.next_attempt_at
    assert deliver_due(now=moment, backend=failing) == {"sent": 0, "retry": 0, "failed": 1}
    message = reload(message)
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.FAILED, 6, "网关超时")
    assert message.sent_at is None

    working = FakeBackend()
    assert deliver_due(now=moment + dt.timedelta(days=30), backend=working) == {"sent": 0, "retry": 0, "failed": 0}
    assert working.calls == [] and reload(message).status == MessageStatus.FAILED
    assert len(failing.calls) == 6


def test_backoff_is_capped_at_one_hour(settings):
    settings.BIANMIN = {**settings.BIANMIN, "OUTBOX_MAX_ATTEMPTS": 20}
    message = sms()
    failing, moment = FakeBackend(fail=SmsError("x")), NOW
    for _ in range(7):  # the 7th failure waits 30·2⁶ = 1920 s
        deliver_due(now=moment, backend=failing)
        moment = reload(message).next_attempt_at
    assert moment - NOW == dt.timedelta(seconds=30 * (2**7 - 1))
    deliver_due(now=moment, backend=failing)  # 30·2⁷ = 3840 s would exceed the cap
    assert reload(message).next_attempt_at == moment + dt.timedelta(hours=1)


def test_one_failing_message_does_not_hold_back_the_others():
    bad, good = sms(phone="13900000000"), sms(phone=PHONE)
    backend = FakeBackend(fail=RuntimeError(), fail_for="13900000000")  # any Exception counts as a failure
    assert deliver_due(now=NOW, backend=backend) == {"sent": 1, "retry": 1, "failed": 0}
    assert reload(good).status == MessageStatus.SENT
    bad = reload(bad)
    assert bad.status == MessageStatus.PENDING and bad.last_error == "RuntimeError"  # no text: the class name


def test_a_crash_between_write_and_send_loses_nothing():
    first, second = sms("第一条"), sms("第二条")
    dying = DiesOnSecondSend()
    with pytest.raises(WorkerKilled):
        deliver_due(now=NOW, backend=dying)
    assert len(dying.calls) == 2  # the first was handed to the gateway before the crash
    for message in (first, second):
        message = reload(message)
        assert (message.status, message.attempts, message.sent_at) == (MessageStatus.PENDING, 0, None)
        assert message.next_attempt_at == NOW + LEASE  # claimed before sending, outside any transaction
    assert audit_rows() == []  # nothing was marked

    backend = FakeBackend()
    assert deliver_due(now=NOW + dt.timedelta(minutes=1), backend=backend)["sent"] == 0  # still leased
    assert deliver_due(now=NOW + LEASE, backend=backend)["sent"] == 2  # the lease ran out: sent again
    # At least once, never zero times: the first message goes out a second time.
    assert [c["text"] for c in backend.calls] == ["第一条", "第二条"]
    assert {reload(m).status for m in (first, second)} == {MessageStatus.SENT}


def test_a_gateway_that_is_down_stops_the_round_and_releases_the_rest():
    for i in range(8):
        sms(f"第{i}条")
    backend = FakeBackend(fail=SmsError("网关超时"))
    totals = deliver_due(now=NOW, backend=backend)
    assert len(backend.calls) == STOP_AFTER_FAILURES and totals["retry"] == STOP_AFTER_FAILURES
    untried = Message.objects.filter(attempts=0)
    assert untried.count() == 3 and all(m.status == MessageStatus.PENDING for m in untried)


def test_each_batch_writes_one_audit_row(cast):
    for i in range(3):
        sms(f"短信{i}")
    enqueue_inapp(recipient=cast["window_a"], kind="X", subject="标题", text="内容", now=NOW)
    failing_one = FakeBackend(fail=SmsError("x"), fail_for="13900000000")
    sms("发不出去", phone="13900000000")
    assert deliver_due(now=NOW, batch=2, backend=failing_one) == {"sent": 4, "retry": 1, "failed": 0}
    rows = audit_rows()
    assert len(rows) == 3  # batches of 2, 2 and 1
    assert [row.data for row in rows] == [{"sent": 2, "retry": 0, "failed": 0}, {"sent": 2, "retry": 0, "failed": 0},
                                          {"sent": 0, "retry": 1, "failed": 0}]
    assert {row.actor_username for row in rows} == {"system"} and all(row.at == NOW for row in rows)
    assert deliver_due(now=NOW, backend=FakeBackend()) == {"sent": 0, "retry": 0, "failed": 0}
    assert len(audit_rows()) == 3  # nothing due, nothing written


# --- digests ------------------------------------------------------------------------------------------------


def _items(cast):
    a, b = cast["window_a"].pk, cast["leader"].pk
    return [(a, "YELLOW", "【黄色预警】办件0001即将到期", "/staff/cases/0001/"),
            (a, "RED", "【红色预警】办件0002已超期", "/staff/cases/0002/"),
            (a, "YELLOW", "【黄色预警】办件0001即将到期", "/staff/cases/0001/"),  # a duplicate line
            (b, "YELLOW", "【黄色预警】办件0001即将到期", "/staff/cases/0001/"),
            (None, "YELLOW", "无人接收", "")]  # no recipient: dropped


def test_digest_items_become_one_message_per_recipient_in_working_hours(cast, calendar):
    assert add_digest_items(_items(cast), now=NOW - dt.timedelta(hours=12)) == 3  # duplicates collapse
    assert DigestItem.objects.count() == 3
    assert build_digests(now=NOW) == 2
    a_digest = Message.objects.get(recipient=cast["window_a"])
    assert (a_digest.channel, a_digest.kind, a_digest.cause) == (Channel.INAPP, "DIGEST", "digest")
    assert a_digest.subject == "办件提醒（2条）" and a_digest.link == ""
    assert a_digest.body.count("办件0001即将到期") == 1 and "办件0002已超期" in a_digest.body
    assert a_digest.body.startswith("1. ") and "\n2. " in a_digest.body
    b_digest = Message.objects.get(recipient=cast["leader"])
    assert b_digest.subject == "办件提醒（1条）" and b_digest.link == "/staff/cases/0001/"
    assert b_digest.body == "1. 【黄色预警】办件0001即将到期"
    assert not DigestItem.objects.filter(message__isnull=True).exists()
    assert [row.data for row in audit_rows()] == [{"digests": 2}]

    assert build_digests(now=NOW + dt.timedelta(minutes=5)) == 0  # nothing new to build
    assert Message.objects.count() == 2 and len(audit_rows()) == 1

    deliver_due(now=NOW, backend=FakeBackend())
    assert list(selectors.inbox(cast["window_a"])) == [a_digest]


@pytest.mark.parametrize("moment", [
    bj(2026, 3, 2, 20),  # Monday evening
    bj(2026, 3, 2, 8, 29),  # before opening
    bj(2026, 3, 2, 17, 30),  # closing time is already outside
    bj(2026, 3, 7, 10),  # Saturday
    bj(2026, 10, 1, 10),  # National Day (a Thursday)
], ids=["evening", "before-opening", "at-closing", "saturday", "holiday"])
def test_no_digest_outside_working_hours(cast, calendar, moment):
    add_digest_items(_items(cast), now=moment - dt.timedelta(hours=1))
    assert build_digests(now=moment) == 0
    assert not Message.objects.exists()
    assert DigestItem.objects.filter(message__isnull=True).count() == 3  # still waiting for the next working hour
    assert audit_rows() == []


@pytest.mark.parametrize("moment", [
    bj(2026, 3, 2, 8, 30),  # opening time
    bj(2026, 3, 2, 17, 29),
    bj(2026, 10, 10, 10),  # Saturday made a working day (调休) after National Day
], ids=["at-opening", "before-closing", "adjusted-saturday"])
def test_digests_at_the_edges_of_working_time(cast, calendar, moment):
    add_digest_items(_items(cast), now=moment - dt.timedelta(hours=1))
    assert build_digests(now=moment) == 2


def test_waiting_items_are_built_at_the_next_working_hour(cast, calendar):
    add_digest_items(_items(cast), now=bj(2026, 3, 6, 18))  # Friday evening
    for moment in (bj(2026, 3, 6, 20), bj(2026, 3, 7, 10), bj(2026, 3, 8, 10), bj(2026, 3, 9, 8)):
        assert build_digests(now=moment) == 0
    assert build_digests(now=bj(2026, 3, 9, 8, 30)) == 2  # Monday opening


def test_digests_follow_each_recipients_regional_calendar(cast, calendar, org):
    tuesday = bj(2026, 3, 3, 10)
    add_local_day(actor=cast["sysadmin"], region=Region.objects.get(code="10101"), date=tuesday.date(), kind="REST",
                  name="地方节日", now=NOW)
    add_digest_items([(cast["window_a"].pk, "YELLOW", "县中心的提醒", ""),
                      (cast["town_window"].pk, "YELLOW", "镇中心的提醒", "")], now=NOW)
    assert is_working_time(tuesday, org["county"]) and not is_working_time(tuesday, org["town"])
    assert build_digests(now=tuesday) == 1
    assert Message.objects.get().recipient == cast["window_a"]
    assert DigestItem.objects.get(message__isnull=True).recipient == cast["town_window"]
    assert build_digests(now=bj(2026, 3, 4, 10)) == 1  # the town's next working day
    assert Message.objects.get(recipient=cast["town_window"]).body == "1. 镇中心的提醒"


def test_later_digest_items_make_a_new_digest(cast, calendar):
    add_digest_items([(cast["window_a"].pk, "YELLOW", "第一条", "")], now=NOW)
    assert build_digests(now=NOW) == 1
    add_digest_items([(cast["window_a"].pk, "RED", "第二条", "")], now=NOW + dt.timedelta(hours=1))
    assert build_digests(now=NOW + dt.timedelta(hours=1)) == 1
    assert sorted(Message.objects.values_list("body", flat=True)) == ["1. 第一条", "1. 第二条"]


# --- reading ------------------------------------------------------------------------------------------------


def _sent_inapp(user, subject: str = "标题") -> Message:
    message = enqueue_inapp(recipient=user, kind="X", subject=subject, text="内容", now=NOW)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENT, sent_at=NOW)
    return reload(message)


def test_mark_read_only_own_messages(cast):
    mine, theirs = _sent_inapp(cast["window_a"]), _sent_inapp(cast["window_b"])
    read = mark_read(actor=cast["window_a"], message_id=mine.pk, now=NOW)
    assert read.read_at == NOW and reload(mine).read_at == NOW
    assert mark_read(actor=cast["window_a"], message_id=mine.pk, now=NOW + dt.timedelta(hours=1)).read_at == NOW
    assert len(audit_rows()) == 1  # reading again changes nothing

    sms_message = sms()
    for message_id in (theirs.pk, sms_message.pk, 999_999):
        with pytest.raises(NotFound) as exc:
            mark_read(actor=cast["window_a"], message_id=message_id, now=NOW)
        assert str(exc.value) == "消息不存在"  # someone else's message answers exactly like a missing one
    assert reload(theirs).read_at is None


def test_inbox_and_unread_count_show_only_the_users_delivered_in_app_messages(cast):
    a = cast["window_a"]
    sent = _sent_inapp(a, "已发送")
    read = _sent_inapp(a, "已读")
    mark_read(actor=a, message_id=read.pk, now=NOW)
    enqueue_inapp(recipient=a, kind="X", subject="待发送", text="内容", now=NOW)
    failed = enqueue_inapp(recipient=a, kind="X", subject="发送失败", text="内容", now=NOW)
    Message.objects.filter(pk=failed.pk).update(status=MessageStatus.FAILED)
    _sent_inapp(cast["window_b"], "别人的")
    sms_message = sms()
    Message.objects.filter(pk=sms_message.pk).update(status=MessageStatus.SENT)

    assert {m.subject for m in selectors.inbox(a)} == {"已发送", "已读"}
    assert selectors.unread_count(a) == 1
    mark_read(actor=a, message_id=sent.pk, now=NOW)
    assert selectors.unread_count(a) == 0
    assert [m.subject for m in selectors.inbox(cast["window_b"])] == ["别人的"]
    assert selectors.unread_count(cast["leader"]) == 0


# --- SMS backends -------------------------------------------------------------------------------------------


@pytest.fixture
def no_proxy(monkeypatch):
    """urllib honours proxy variables; the local gateway must be reached directly."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def gateway(no_proxy):
    """A local SMS gateway on 127.0.0.1: records each request and answers with ``state.code``."""
    received: list[dict] = []
    state = SimpleNamespace(code=200)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, body: bytes = b""):
            received.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                             "body": body})
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/landing")
            else:
                self.send_response(state.code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self):
            self._answer(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def do_GET(self):
            self._answer()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(base=f"http://127.0.0.1:{server.server_port}", received=received, state=state)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _configure(settings, **values):
    settings.BIANMIN = {**settings.BIANMIN, **values}


@pytest.mark.parametrize("url", ["", "ftp://gateway.example/sms", "file:///etc/passwd"])
def test_http_gateway_refuses_without_an_http_url(settings, url):
    _configure(settings, SMS_GATEWAY_URL=url)
    with pytest.raises(SmsError, match="SMS_GATEWAY_URL"):
        HttpGatewayBackend().send(phone=PHONE, text="内容", reference="BM1")


def test_http_gateway_posts_json_with_a_bearer_token(settings, gateway):
    _configure(settings, SMS_GATEWAY_URL=gateway.base + "/sms", SMS_GATEWAY_TOKEN="gw-token-123")
    HttpGatewayBackend().send(phone=PHONE, text="您的办件已办结，请携带回执领取", reference="BM42")
    (request,) = gateway.received
    assert (request["method"], request["path"]) == ("POST", "/sms")
    assert request["headers"]["Authorization"] == "Bearer gw-token-123"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert json.loads(request["body"].decode("utf-8")) == {
        "phone": PHONE, "text": "您的办件已办结，请携带回执领取", "reference": "BM42"}


def test_http_gateway_error_status_raises(settings, gateway):
    _configure(settings, SMS_GATEWAY_URL=gateway.base + "/sms", SMS_GATEWAY_TOKEN="t")
    gateway.state.code = 500
    with pytest.raises(SmsError, match="500"):
        HttpGatewayBackend().send(phone=PHONE, text="内容", reference="BM1")


def test_http_gateway_unreachable_raises(settings, no_proxy):
    with socket.socket() as sock:  # a port that was just free: nothing listens on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _configure(settings, SMS_GATEWAY_URL=f"http://127.0.0.1:{port}/sms")
    with pytest.raises(SmsError, match="短信网关不可用"):
        HttpGatewayBackend().send(phone=PHONE, text="内容", reference="BM1")


def test_deliver_due_retries_when_the_gateway_answers_500(settings, gateway):
    _configure(settings, SMS_GATEWAY_URL=gateway.base + "/sms",
               SMS_BACKEND="bianmin.notifications.backends.HttpGatewayBackend")
    message = sms()
    gateway.state.code = 500
    assert deliver_due(now=NOW) == {"sent": 0, "retry": 1, "failed": 0}
    message = reload(message)
    assert message.status == MessageStatus.PENDING and "500" in message.last_error
    gateway.state.code = 200
    assert deliver_due(now=NOW + dt.timedelta(seconds=30)) == {"sent": 1, "retry": 0, "failed": 0}
    assert [json.loads(r["body"])["reference"] for r in gateway.received] == [f"BM{message.pk}"] * 2


# Regression (found by the test writer, fixed in the backend): a redirect is a failure, never "delivered".
def test_http_gateway_redirect_is_not_taken_as_delivered(settings, gateway):
    _configure(settings, SMS_GATEWAY_URL=gateway.base + "/moved", SMS_GATEWAY_TOKEN="t")
    with pytest.raises(SmsError):
        HttpGatewayBackend().send(phone=PHONE, text="内容", reference="BM1")
    # Today: POST /moved (302), then GET /landing without the body but with the bearer token, answered 200.
    assert [(r["method"], r["path"]) for r in gateway.received] == [("POST", "/moved")]


def test_file_backend_appends_json_lines(settings, tmp_path):
    path = tmp_path / "var" / "sms.jsonl"
    _configure(settings, SMS_FILE=str(path), SMS_BACKEND="bianmin.notifications.backends.FileBackend")
    backend = get_backend()
    assert isinstance(backend, FileBackend)
    backend.send(phone=PHONE, text="您的办件已受理", reference="BM1")
    backend.send(phone="13900000000", text="请补正材料", reference="BM2")
    text = path.read_text(encoding="utf-8")
    assert "您的办件已受理" in text  # kept readable, not \u-escaped
    assert [json.loads(line) for line in text.splitlines()] == [
        {"reference": "BM1", "phone": PHONE, "text": "您的办件已受理"},
        {"reference": "BM2", "phone": "13900000000", "text": "请补正材料"}]


def test_sms_only_to_mobiles_and_never_at_night():
    assert enqueue_sms(phone="0791-86000000", kind="CASE_ACCEPT", text="x", cause="c", now=NOW) is None
    night = dt.datetime(2026, 3, 2, 14, 30, tzinfo=dt.UTC)  # 22:30 in Beijing
    message = enqueue_sms(phone=PHONE, kind="CASE_ACCEPT", text="x", cause="c", now=night)
    assert message.next_attempt_at == dt.datetime(2026, 3, 3, 0, 0, tzinfo=dt.UTC)  # 08:00 next morning
    early = dt.datetime(2026, 3, 2, 21, 0, tzinfo=dt.UTC)  # 05:00 on the 3rd in Beijing
    assert enqueue_sms(phone=PHONE, kind="k", text="x", cause="c", now=early).next_attempt_at == dt.datetime(
        2026, 3, 3, 0, 0, tzinfo=dt.UTC)
