"""Several nodes at the same moment on PostgreSQL (issue 11 item 12): sweeps that split the work, and whole scheduler
rounds — sweep, digests, outbox, anchor — on two nodes over the same data, each with its own connection. Every
violation, event, digest line and message exists exactly once, and every due message is sent exactly once."""
import datetime as dt
import json
import threading
import time
from collections import Counter

import pytest
from django.db import connection, transaction
from django.db.models import Count

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.audit.anchors import read_anchors
from bianmin.audit.verification import verify_audit
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseCounter, CaseEvent
from bianmin.cases.services import retire_case_counters
from bianmin.core.counters import sequence_name
from bianmin.notifications.models import Channel, DigestItem, Message, MessageStatus
from bianmin.sweep.management.commands.scheduler import run_round
from bianmin.sweep.services import run_sweep
from bianmin.testing.factories import ALL_GOOD, applicant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NODES, CASES = 4, 40
FRIDAY = dt.datetime(2026, 9, 25, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing
LATER = FRIDAY + dt.timedelta(days=40)  # Wednesday 2026-11-04 09:00 in Beijing: a working day, working hours


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")


def on_nodes(count: int, work) -> list:
    """Run ``work(node)`` on ``count`` threads released together, each with its own database connection."""
    errors: list[BaseException] = []
    results: list = []
    start = threading.Barrier(count)

    def node(number: int) -> None:
        try:
            start.wait()
            results.append(work(number))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=node, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def test_concurrent_sweeps_record_each_overdue_case_once(postgres_only, cast, item):
    for i in range(CASES):
        case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(name=f"申请人{i}"),
                                materials=ALL_GOOD, now=FRIDAY)
        svc.accept_case(actor=cast["window_a"], number=case.number, now=FRIDAY)
    results = on_nodes(NODES, lambda _node: run_sweep(now=LATER, batch=7))
    assert sum(r["overdue"] for r in results) == CASES  # the nodes split the work
    assert sum(r["not_started"] for r in results) == CASES
    assert Violation.objects.filter(kind=ViolationKind.OVERDUE_CASE).count() == CASES
    assert Violation.objects.count() == CASES * 2  # overdue and not started (issue 10), each once per case
    assert Violation.objects.values("case").distinct().count() == CASES
    assert CaseEvent.objects.filter(action="OVERDUE").count() == CASES
    assert CaseEvent.objects.filter(action="NOT_STARTED").count() == CASES
    assert DigestItem.objects.count() == CASES * 3  # handler, B and leader, each once per case
    assert set(Case.objects.values_list("warning_level", flat=True)) == {"RED"}
    assert all(v == 0 for v in run_sweep(now=LATER).values())


class SlowGateway:
    """An SMS gateway that takes a moment per message (so deliveries overlap) and remembers every send."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent: list[str] = []

    def send(self, *, phone: str, text: str, reference: str) -> None:
        time.sleep(0.002)
        with self.lock:
            self.sent.append(reference)


def duplicates(qs, *fields) -> list:
    return list(qs.values(*fields).annotate(n=Count("id")).filter(n__gt=1))


def test_two_schedulers_record_and_send_everything_exactly_once(postgres_only, settings, tmp_path, cast,
                                                                 item):
    settings.BIANMIN = {**settings.BIANMIN, "AUDIT_ANCHOR_FILE": str(tmp_path / "anchors.jsonl")}
    accepted, waiting = 30, 10
    for i in range(accepted + waiting):
        day = FRIDAY - dt.timedelta(weeks=i % 8)  # eight past days: eight number sequences for both to retire
        case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(name=f"申请人{i}"),
                                materials=ALL_GOOD, now=day)
        if i < accepted:
            svc.accept_case(actor=cast["window_a"], number=case.number, now=day)
    queued = Message.objects.count()
    gateway = SlowGateway()

    def scheduler(_node: int) -> list[dict]:
        return [run_round(now=LATER, batch=5, backend=gateway) for _ in range(2)]  # two rounds each, small batches

    rounds = [r for node in on_nodes(2, scheduler) for r in node]

    # The sweep: each fact recorded once, the work split between the nodes.
    assert sum(r["sweep"]["deemed_accepted"] for r in rounds) == waiting
    assert sum(r["sweep"]["overdue"] for r in rounds) == accepted + waiting  # deemed ones are overdue too
    assert Violation.objects.filter(kind=ViolationKind.OVERDUE_CASE).count() == accepted + waiting
    assert Violation.objects.filter(kind=ViolationKind.LATE_SUPPLEMENT_NOTICE).count() == waiting
    assert duplicates(Violation.objects, "case", "kind") == []
    assert duplicates(CaseEvent.objects.filter(at=LATER), "case", "action") == []  # what the rounds wrote
    assert duplicates(DigestItem.objects, "recipient", "kind", "text") == []

    # Messages: one per cause, each due one sent exactly once, nothing left behind.
    messages = Message.objects.all()
    assert messages.count() > queued
    assert duplicates(messages.exclude(kind="DIGEST"), "channel", "kind", "recipient", "phone", "cause", "body") == []
    violations = Violation.objects.count()
    assert messages.filter(kind="ACCOUNTABILITY").count() == violations  # one notice per violation record
    assert sorted(messages.filter(kind="ACCOUNTABILITY").values_list("cause", flat=True)) == sorted(
        f"violation:{pk}" for pk in Violation.objects.values_list("pk", flat=True))
    assert not DigestItem.objects.filter(message__isnull=True).exists()  # every line went into a digest…
    digests = messages.filter(kind="DIGEST")
    assert sum(d.items.count() for d in digests) == DigestItem.objects.count()  # …exactly one digest
    assert set(messages.values_list("status", flat=True)) == {MessageStatus.SENT}
    sms = list(messages.filter(channel=Channel.SMS).values_list("pk", flat=True))
    assert Counter(gateway.sent) == Counter(f"BM{pk}" for pk in sms)  # each SMS handed to the gateway once
    assert sum(r["sent"]["sent"] for r in rounds) == messages.count()  # each counted once, by one node

    # The audit chain is one chain, and both nodes' anchors agree with it.
    result = verify_audit()
    assert result.ok, result.problems
    anchors = read_anchors()
    assert anchors.bad_lines == [] and anchors.anchors
    assert all(json.loads(line)["kind"] == "head" for line in anchors.path.read_text().splitlines())


def test_a_node_retiring_number_sequences_while_another_drops_one(postgres_only, cast, item):
    """The scheduler's last step drops past days' number sequences. While one node holds a sequence it is dropping,
    the other must skip it, not fail its round on the vanished sequence (it used to read ``pg_sequences``, which
    waits for the drop and then cannot open the sequence)."""
    svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(name="申请人"), materials=ALL_GOOD,
                     now=FRIDAY)
    counter = CaseCounter.objects.get()
    dropping, errors = threading.Event(), []

    def first_node() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                CaseCounter.objects.select_for_update().get(pk=counter.pk)
                cursor.execute(f"DROP SEQUENCE {connection.ops.quote_name(sequence_name(CaseCounter, counter.pk))}")
                dropping.set()
                time.sleep(0.5)  # the other node starts meanwhile
        except BaseException as exc:
            errors.append(exc)
            dropping.set()
        finally:
            connection.close()

    first = threading.Thread(target=first_node)
    first.start()
    assert dropping.wait(10)
    assert retire_case_counters(LATER) == 0  # skipped: the first node holds it
    first.join()
    assert errors == []
    assert retire_case_counters(LATER) == 0  # and it is gone
