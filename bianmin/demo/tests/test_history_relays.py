"""The demo history's relays (``demo.history_relays``): about thirty 代办件 from the village stations, made through the
relay services, in every state; a refused hand-over sent again; the town's 初审; one hop signed late and recorded by
the sweep; the public lookup shows one relay's hops without personal data."""
from collections import Counter

import pytest

from bianmin.accountability.models import Source, Violation
from bianmin.cases.models import Case
from bianmin.demo.history import seed_history
from bianmin.demo.history_relays import PLANS
from bianmin.demo.seed import seed_demo
from bianmin.org.models import UnitKind
from bianmin.relay.models import Direction, HandOver, RelayFollowUp, RelayRequest, RelayStatus
from bianmin.relay.public import StepKind, public_relay
from conftest import NOW

from .test_history import END

pytestmark = pytest.mark.django_db

# The relay status each plan stage stands in today.
STATUS_OF = {"registered": "REGISTERED", "sent": "IN_TRANSIT", "at_town": "AT_TOWN", "reviewing": "REVIEWING",
             "sent_up": "IN_TRANSIT", "opened": "OPENED", "accepted": "OPENED", "decided": "OPENED",
             "result_sent": "RETURNING", "returning": "RETURNING", "at_station": "AT_STATION",
             "delivered": "DELIVERED", "followed_up": "DELIVERED", "closed": "CLOSED"}


def test_the_history_has_relays_in_every_state_a_late_hop_and_a_public_chain(client):
    seed_demo(NOW)
    stats = seed_history(now=END, cases=20)
    assert stats is not None and not stats.errors, stats and stats.errors  # no relay step refused by the rules
    assert stats.cases == Case.objects.count()  # the cases the relays opened are counted too

    # About thirty, from every village station, in every state, as planned.
    relays = RelayRequest.objects.select_related("origin_unit", "case", "item_version")
    assert 25 <= relays.count() == len(PLANS) <= 35
    assert Counter(relays.values_list("status", flat=True)) == Counter(STATUS_OF[p.stage] for p in PLANS)
    assert set(RelayStatus.values) <= set(relays.values_list("status", flat=True))
    assert {r.origin_unit.kind for r in relays} == {UnitKind.VILLAGE_STATION}
    assert len({r.origin_unit_id for r in relays}) == 6
    assert not relays.filter(created_at__gte=END).exists() and not HandOver.objects.filter(sent_at__gte=END).exists()
    # … to the county and to the towns; the cases opened where the materials were signed for.
    assert {r.deciding_unit.kind for r in relays} == {UnitKind.COUNTY_CENTER, UnitKind.TOWN_CENTER}
    opened = relays.filter(case__isnull=False)
    assert all(r.case.unit_id == r.deciding_unit_id for r in opened)
    case_states = Counter(r.case.status for r in opened.filter(status=RelayStatus.OPENED))
    assert case_states["RECEIVED"] >= 1 and case_states["DECIDED"] >= 1
    assert case_states["ACCEPTED"] + case_states["IN_PROGRESS"] >= 2
    # Delivered by the agent with the case's 送达回证, or posted by the county; followed up before the archive.
    delivered = relays.filter(status__in=[RelayStatus.DELIVERED, RelayStatus.CLOSED])
    assert {r.delivery_method for r in delivered} == {"AGENT", "POST"}
    assert all(r.case.status == "DELIVERED" and r.delivered_to for r in delivered)
    assert all(r.follow_ups.exists() for r in relays.filter(status=RelayStatus.CLOSED))
    assert RelayFollowUp.objects.count() == sum(p.stage in ("followed_up", "closed") for p in PLANS)

    # A hand-over refused with the discrepancy named, and sent again; the town's 初审 running and done.
    refused = HandOver.objects.filter(status="REFUSED")
    assert refused.count() == sum(p.refused for p in PLANS) and all(h.refusal_reason for h in refused)
    for hop in refused:
        assert hop.relay.hand_overs.filter(seq=hop.seq + 1, from_unit=hop.from_unit).exists()
    reviews = HandOver.objects.filter(direction=Direction.REVIEW)
    assert reviews.filter(status="SENT").count() == 2
    assert reviews.filter(status="SIGNED").exclude(opinion="").exists()
    # Hops up and down with due dates; one signed after its limit, recorded by the sweep against the sender.
    assert HandOver.objects.filter(direction=Direction.DOWN, status="SIGNED").exists()
    late = Violation.objects.filter(kind="RELAY_HOP_LATE")
    assert late.count() == 1 and late.get().source == Source.SYSTEM
    hop = HandOver.objects.get(pk=int(late.get().dedupe_key.rsplit(":", 1)[1]))
    assert hop.status == "SIGNED" and hop.signed_at.date() > hop.due_on and late.get().staff_id == hop.from_staff_id
    assert late.get().occurred_on > hop.due_on

    # The public lookup: the hop chain of a finished relay by number and query code, no personal data.
    done = relays.filter(status=RelayStatus.CLOSED, delivery_method="AGENT").order_by("created_at").first()
    assert done is not None
    chain = public_relay(done.number, done.query_code)
    assert chain is not None
    kinds = [s.kind for s in chain.steps]
    assert kinds[0] == StepKind.RECEIVED and kinds[-1] == StepKind.CLOSED
    assert {StepKind.SENT, StepKind.SIGNED, StepKind.CASE, StepKind.RESULT_SENT, StepKind.DELIVERED} <= set(kinds)
    page = client.get("/lookup/", {"n": done.number, "c": done.query_code}).content.decode()
    assert done.number in page and "已归档" in page and done.origin_unit.name in page
    assert done.applicant_name not in page and done.applicant_phone not in page
    assert public_relay(done.number, "WRONG123") is None
