"""The demo county's history (``demo.history``): made through the real services, every state of the lifecycle,
violations recorded by the sweep, a meeting, approvals waiting for the leader; the same each time; loaded once.
And the demo's own data: no doubled 村村 in unit names, no two window A roles with the same name."""
import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from bianmin.accountability.models import Source, Violation
from bianmin.audit.models import AuditEntry
from bianmin.audit.services import verify_chain
from bianmin.cases.models import Case, CaseEvent, CasePause, Extension, ReturnRequest, Transfer
from bianmin.cases.workflow import Status
from bianmin.core.validators import is_valid_credit_code, is_valid_resident_id, validate_phone
from bianmin.demo.history import seed_history
from bianmin.demo.seed import seed_demo
from bianmin.inquiries.models import Inquiry
from bianmin.meetings.models import ActionItem, Meeting
from bianmin.notifications.models import Message
from bianmin.org.models import Post, StaffProfile, Unit
from conftest import NOW

pytestmark = pytest.mark.django_db

# Three months after the demo catalogue was published (2026-01-05), on a Monday at 11:00 in Beijing.
END = dt.datetime(2026, 6, 15, 3, 0, tzinfo=dt.UTC)
SMALL = 60


def fingerprint() -> tuple:
    """What two runs with the same seed must share (query codes and ciphertexts are random by design)."""
    cases = list(Case.objects.order_by("number").values_list(
        "number", "status", "applicant_name", "committed_deadline", "first_handler__badge_number", "warning_level"))
    violations = list(Violation.objects.order_by("pk").values_list("kind", "staff__badge_number", "occurred_on",
                                                                  "status"))
    inquiries = list(Inquiry.objects.order_by("number").values_list("number", "status", "outcome", "reply_check"))
    return cases, violations, inquiries, AuditEntry.objects.count()


@pytest.fixture
def county(db):
    seed_demo(NOW)


def test_a_small_history_has_every_state_violations_a_meeting_and_pending_approvals(county):
    stats = seed_history(now=END, cases=SMALL)
    assert stats is not None and not stats.errors, stats and stats.errors  # no step refused by the rules
    assert SMALL <= stats.cases == Case.objects.count() and stats.inquiries == Inquiry.objects.count() > 0
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    # Only the past: nothing received or decided after the end, and the history spans about three months.
    first = Case.objects.order_by("received_at").first()
    assert first is not None and (END - first.received_at).days > 60
    assert not Case.objects.filter(received_at__gte=END).exists()
    assert not CaseEvent.objects.filter(at__gte=END).exists()
    # Staff have read their old in-app messages (audited); only the last days' wait unread.
    old = Message.objects.filter(channel="INAPP", sent_at__lt=END - dt.timedelta(days=5))
    assert old.exists() and not old.filter(read_at__isnull=True).exists()
    # The sweep recorded violations (at least the showcase's overdue case), a supervisor some others.
    kinds = Counter(Violation.objects.values_list("kind", flat=True))
    assert kinds["OVERDUE_CASE"] >= 1 and Violation.objects.filter(source=Source.SYSTEM).exists()
    assert Case.objects.filter(warning_level="RED").exists() and Case.objects.filter(warning_level="YELLOW").exists()
    # Requests the leader approved, and some still waiting; a special procedure ended and one still running.
    for model in (Transfer, Extension, ReturnRequest):
        statuses = set(model.objects.values_list("status", flat=True))
        assert {"APPROVED", "PENDING"} <= statuses, (model.__name__, statuses)
    assert CasePause.objects.filter(ended_at__isnull=False).exists()
    assert CasePause.objects.filter(ended_at__isnull=True).exists()
    # 首问: closed and open, phone ones with the caller logged, a promised reply kept.
    assert {"OPEN", "CLOSED"} <= set(Inquiry.objects.values_list("status", flat=True))
    phone = Inquiry.objects.filter(channel="PHONE").first()
    assert phone is not None and phone.visitor_name and phone.phone
    assert Inquiry.objects.filter(reply_check="ON_TIME").exists()
    # The monthly 联席会议 with its agenda, decisions and minutes.
    meeting = Meeting.objects.filter(kind="JOINT").order_by("held_on").first()
    assert meeting is not None and meeting.agenda.exists() and meeting.minutes
    assert ActionItem.objects.filter(meeting__kind="JOINT").exists()
    # Real identities of fictitious people: checksummed IDs and credit codes, valid phones.
    for case in Case.objects.all()[:80]:
        assert case.applicant_name and validate_phone(case.applicant_phone)
        if case.applicant_kind == "PERSON":
            assert is_valid_resident_id(case.applicant_id_number)
        else:
            assert is_valid_credit_code(case.applicant_credit_code) and case.applicant_legal_rep
    assert Case.objects.filter(applicant_kind="ORGANISATION").exists()
    # Every step left its audit row in one intact chain; the outbox was emptied as the scheduler would have.
    assert AuditEntry.objects.filter(at__lt=END).count() > stats.steps
    assert verify_chain() is None
    assert not Message.objects.filter(status="PENDING", next_attempt_at__lt=END).exists()


def test_the_history_is_the_same_each_time_and_loaded_once(county):
    with transaction.atomic():
        seed_history(now=END, cases=25, days=35)
        first = fingerprint()
        transaction.set_rollback(True)
    assert not Case.objects.exists()
    seed_history(now=END, cases=25, days=35)
    assert fingerprint() == first and len(first[0]) >= 25
    assert seed_history(now=END, cases=25, days=35) is None  # loaded once: a second run does nothing
    assert fingerprint() == first


def test_seed_demo_command_loads_history_once_and_can_leave_it_out(db, capsys):
    call_command("seed_demo", "--no-history")
    assert not Case.objects.exists() and not Inquiry.objects.exists()
    call_command("seed_demo", "--history-cases", "15", "--history-days", "14")
    out = capsys.readouterr().out
    assert "演示历史：100%" in out and "历史办件：" in out
    count = Case.objects.count()
    assert count >= 15
    call_command("seed_demo")
    assert Case.objects.count() == count and "不再生成" in capsys.readouterr().out


def test_demo_names_are_distinct_and_not_doubled(county):
    names = list(Unit.objects.values_list("name", flat=True))
    assert "青石村便民服务站" in names and "文昌社区便民服务站" in names
    for doubled in ("村村", "镇镇", "县县", "社区社区"):
        assert not [n for n in names if doubled in n], doubled
    a_names = list(Post.objects.values_list("a_staff__name", flat=True))
    assert len(a_names) == len(set(a_names)), Counter(a_names).most_common(3)
    staff = list(StaffProfile.objects.values_list("name", flat=True))
    assert len(staff) == len(set(staff))
