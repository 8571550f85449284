"""The demo hall (``demo.history_hall``): slots for the coming working days, phone bookings, today's queue at the
county center with tickets served, dropped and waiting, all through the services; loading again adds nothing."""
import pytest
from django.utils import timezone

from bianmin.demo.history import seed_history
from bianmin.demo.seed import seed_demo
from bianmin.hall.models import (
    Appointment,
    AppointmentStatus,
    BoardRules,
    Bulletin,
    BulletinComment,
    CompletionAppointment,
    HallDevice,
    JointAppointment,
    OutreachVisit,
    ServiceType,
    Slot,
    Ticket,
    TicketStatus,
)
from conftest import NOW

from .test_history import END, SMALL

pytestmark = pytest.mark.django_db


def test_the_history_builds_the_hall_around_now():
    seed_demo(NOW)
    lines: list[str] = []
    stats = seed_history(now=END, cases=SMALL, progress=lines.append)
    assert stats is not None and not stats.errors, stats and stats.errors
    assert ServiceType.objects.filter(unit__code="C01", letter="A").exists()
    assert Slot.objects.filter(unit__code="C01").count() > 10
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() >= 3
    statuses = set(Ticket.objects.filter(unit__code="C01").values_list("status", flat=True))
    assert {TicketStatus.DONE, TicketStatus.WAITING} <= statuses
    assert any("服务大厅：已开放预约时段" in line and "/screen/activate/" in line for line in lines)
    # The marks the case page reads before asking for a relay or a 预约办结 (decision 0038) say exactly what exists,
    # after a history that made both through the services.
    from bianmin.cases.models import Case
    from bianmin.relay.models import RelayRequest

    promised = set(CompletionAppointment.objects.values_list("case_id", flat=True))
    relayed = set(RelayRequest.objects.filter(case__isnull=False).values_list("case_id", flat=True))
    assert promised and relayed
    assert set(Case.objects.filter(completion_promised=True).values_list("pk", flat=True)) == promised
    assert set(Case.objects.filter(via_relay=True).values_list("pk", flat=True)) == relayed
    assert not [line for line in lines if "未执行" in line or "未开放" in line]
    # The board: rules, a bulletin in its period and one in the archive, each with an objection handled.
    assert BoardRules.objects.filter(unit__code="C01").exists()
    today = timezone.localtime(END).date()
    assert Bulletin.objects.filter(unit__code="C01", ends_on__gte=today).count() == 1
    assert Bulletin.objects.filter(unit__code="C01", ends_on__lt=today).count() == 1
    assert BulletinComment.objects.filter(handled_at__isnull=False).count() == 2
    # The promises and the devices.
    assert CompletionAppointment.objects.count() == 1 and JointAppointment.objects.count() == 1
    assert OutreachVisit.objects.count() == 1
    assert HallDevice.objects.filter(unit__code="C01").count() == 2
