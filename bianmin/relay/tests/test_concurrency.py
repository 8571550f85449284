"""Two browsers signing for the same hand-over at once on PostgreSQL: exactly one signature goes through."""
import threading

import pytest
from django.db import close_old_connections, connection

from bianmin.core.errors import Conflict
from bianmin.relay import services as svc
from bianmin.relay.models import HandOver, RelayRequest
from bianmin.testing.factories import MON, at

from .helpers import SENT, register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 6


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")


def test_two_signatures_at_once_let_exactly_one_through(postgres_only, cast, town_item):
    relay = register(cast, code="ZJ-01")  # the town decides: the signature also opens the case
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON))
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def signer() -> None:
        try:
            start.wait()
            svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(MON, 10))
            outcomes.append("signed")
        except Conflict:
            outcomes.append("conflict")
        except BaseException as exc:
            outcomes.append(repr(exc))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=signer) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * (THREADS - 1) + ["signed"]
    assert HandOver.objects.get(relay=relay).status == "SIGNED"
    relay = RelayRequest.objects.get(pk=relay.pk)
    assert relay.case is not None and relay.case.unit.code == "T1"
    from bianmin.cases.models import Case

    assert Case.objects.count() == 1  # one case opened, not one per signature
