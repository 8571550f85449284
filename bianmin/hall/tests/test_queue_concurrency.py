"""Windows calling "next" at the same moment never get the same ticket (issue 18, decision 0025 §3: ``SELECT … FOR
UPDATE SKIP LOCKED``). PostgreSQL only, one connection per thread, as the other concurrency tests."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from bianmin.accounts.roles import Role
from bianmin.hall import queue as q
from bianmin.hall.models import Ticket, TicketStatus
from bianmin.org.models import Window
from conftest import make_user

from .queue_helpers import T0, make_hall, minutes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(calls: list[tuple[object, int]], at) -> tuple[list[Ticket | None], list[BaseException]]:
    """Run ``call_next`` for each (clerk, window id) at once; return what each got and the errors."""
    start, results, errors = threading.Barrier(len(calls)), [], []

    def worker(clerk, window_id: int) -> None:
        try:
            start.wait(30)
            results.append(q.call_next(actor=clerk, window_id=window_id, now=at))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=worker, args=call) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.fixture
def pg(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")


def test_two_windows_calling_at_once_for_one_ticket(pg, cast, org):
    hall = make_hall(cast, org)
    ticket = q.take_ticket(unit_id=hall.center.pk, service_type_id=hall.a.pk, now=T0, kiosk=True)
    results, errors = race([(cast["window_a"], hall.w1.pk), (cast["window_b"], hall.w2.pk)], T0 + minutes(1))
    assert errors == []
    assert sorted(r is None for r in results) == [False, True]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED and ticket.call_count == 1
    assert ticket.window_id in (hall.w1.pk, hall.w2.pk)


@pytest.mark.parametrize("waiting", [10, 4])
def test_ten_windows_calling_at_once_never_get_the_same_ticket(pg, cast, org, django_user_model, waiting):
    hall = make_hall(cast, org)
    windows = [hall.w1, hall.w2, *(Window.objects.create(unit=hall.center, number=f"{n:02d}", name=f"综合窗口{n}")
                                   for n in range(4, 12))]
    hall.a.windows.set(windows)
    clerks = [make_user(django_user_model, f"clerk{n}", Role.WINDOW, hall.center) for n in range(len(windows))]
    for n in range(waiting):
        q.take_ticket(unit_id=hall.center.pk, service_type_id=hall.a.pk, now=T0 + minutes(n / 10), kiosk=True)
    results, errors = race([(clerk, w.pk) for clerk, w in zip(clerks, windows, strict=True)], T0 + minutes(5))
    assert errors == []
    got = [r.pk for r in results if r is not None]
    assert len(got) == len(set(got)) == waiting  # every ticket called once, no window empty-handed while one waited
    called = Ticket.objects.filter(status=TicketStatus.CALLED)
    assert called.count() == waiting
    assert len(set(called.values_list("window_id", flat=True))) == waiting  # one ticket per window
    assert not Ticket.objects.filter(status=TicketStatus.WAITING).exists()
