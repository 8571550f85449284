"""The last place of a slot is taken exactly once when 50 bookings race (SECURITY.md; decision 0025 §2): on
PostgreSQL, one connection per thread, each with another person's valid ID. Exactly one booking and one audit row
are written; the 49 others are refused with the 约满 error naming the slot, and write nothing."""
import datetime as dt
import threading

import pytest
from django.db import connection
from stdnum.cn import ric

from bianmin.audit.models import AuditEntry
from bianmin.core.errors import DomainError
from bianmin.hall.booking import book
from bianmin.hall.models import Appointment, Slot
from bianmin.notifications.models import Message
from bianmin.testing.factories import at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 50
MON = dt.date(2026, 3, 2)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")


def resident_id(seq: int) -> str:
    body = f"11010519800101{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def test_fifty_bookings_race_for_the_last_place_and_exactly_one_wins(postgres_only, cast, org, calendar):
    slot = Slot.objects.create(unit=org["center"], date=MON + dt.timedelta(days=1), starts_at=dt.time(9),
                               ends_at=dt.time(10), capacity=2, created_by=cast["sysadmin"])
    book(slot_id=slot.pk, name="先到者", id_number=resident_id(999), phone="13800000999", now=at(MON, 9),
         actor=cast["window_a"])  # booked by phone: one place of two is left
    appointments, audits, messages = Appointment.objects.count(), AuditEntry.objects.count(), Message.objects.count()
    start = threading.Barrier(THREADS)
    won: list[str] = []
    refused: list[DomainError] = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            start.wait(30)
            appointment, _code = book(slot_id=slot.pk, name=f"申请人{n}", id_number=resident_id(n),
                                      phone=f"139{n:08d}", now=at(MON, 10), ip=f"198.51.100.{n + 1}")
            won.append(appointment.number)
        except DomainError as exc:
            refused.append(exc)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(won) == 1, won
    assert len(refused) == THREADS - 1
    assert all("约满" in exc.message and list(exc.fields) == ["slot"] for exc in refused), \
        {exc.message for exc in refused}
    assert Appointment.objects.count() == appointments + 1
    assert Appointment.objects.filter(slot=slot).count() == 2
    assert AuditEntry.objects.count() == audits + 1
    assert Message.objects.count() == messages + 1  # one confirmation code sent
