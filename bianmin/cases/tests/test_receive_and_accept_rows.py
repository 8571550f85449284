"""收件并受理 in one transaction writes the same rows as receiving, then accepting (issue 16 item 1): the same
history steps in the same order, the same audit rows (one chain), the same notices and SMS — however the writes
are batched (one insert for the history steps, the checklist not read again)."""
from typing import Any

import pytest

from bianmin.audit.models import AuditEntry
from bianmin.audit.services import verify_chain
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent, CaseMaterial, Notice
from bianmin.notifications.models import Message
from bianmin.testing.factories import ALL_GOOD, MONDAY, applicant

pytestmark = pytest.mark.django_db

DEFERRING = [{"material": "申请书", "received_as": "PAPER", "copies": 1}]  # 场所平面图 (容缺) missing


def _rows(case: Case) -> dict[str, Any]:
    """What the case's receipt and acceptance wrote, its own numbers replaced by placeholders."""
    numbers = {case.number: "<case>", case.query_code: "<query code>",
               **{n.number: f"<{n.kind}>" for n in Notice.objects.filter(case=case)}}

    def plain(value: Any) -> Any:
        text = str(value)
        for number, name in numbers.items():
            text = text.replace(number, name)
        return text

    events = [(e.action, e.from_status, e.to_status, e.opinion, e.actor_name, e.at, plain(e.data))
              for e in CaseEvent.objects.filter(case=case).order_by("pk")]
    audit = [(a.action, a.actor_username, a.at, plain(a.summary), plain(a.data))
             for a in AuditEntry.objects.filter(object_type="cases.Case", object_id=str(case.pk)).order_by("seq")]
    notices = [(n.kind, n.issued_at, n.served_at, plain(n.content))
               for n in Notice.objects.filter(case=case).order_by("pk")]
    sms = list(Message.objects.filter(cause=f"case:{case.number}").values_list("kind", "channel"))
    materials = list(CaseMaterial.objects.filter(case=case).order_by("pk")
                     .values_list("name", "received_as", "copies", "acceptable", "necessity"))
    fields = {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields
              if f.attname not in ("id", "number", "query_code", "applicant_id_number", "applicant_phone")}
    return {"events": events, "audit": audit, "notices": notices, "sms": sms, "materials": materials,
            "case": fields}


@pytest.mark.parametrize("materials", [ALL_GOOD, DEFERRING], ids=["complete", "deferred"])
def test_one_transaction_writes_what_receiving_then_accepting_writes(cast, item, materials):
    actor = cast["window_a"]
    two = svc.receive_case(actor=actor, item_code="SP-01", applicant=applicant(), materials=materials, now=MONDAY)
    svc.accept_case(actor=actor, number=two.number, now=MONDAY)
    one = svc.receive_and_accept(actor=actor, item_code="SP-01", applicant=applicant(), materials=materials,
                                 now=MONDAY)
    written, expected = _rows(Case.objects.get(pk=one.pk)), _rows(Case.objects.get(pk=two.pk))
    assert written == expected
    kinds = ["ACCEPTANCE", "RECEIPT", *(["DEFERRED"] if materials is DEFERRING else [])]
    # Named outright, so that a step missing from both paths fails too.
    assert [(a, f, t) for a, f, t, *_rest in written["events"]] == [
        ("RECEIVE", "", "RECEIVED"), ("ACCEPT", "RECEIVED", "ACCEPTED"), *[("NOTICE_ISSUED", "", "")] * len(kinds)]
    assert [e[-1] for e in written["events"][2:]] == [str({"kind": k, "number": f"<{k}>"}) for k in kinds]
    assert [(a, s.split("：")[0]) for a, _u, _at, s, _d in written["audit"]] == [
        ("CASE_TRANSITION", "收件"), ("CASE_TRANSITION", "办件<case>")]
    assert [k for k, *_rest in written["notices"]] == kinds and written["sms"] == [("CASE_ACCEPT", "SMS")]
    assert verify_chain() is None


def test_a_refused_acceptance_writes_nothing(cast, item):
    before = (Case.objects.count(), CaseEvent.objects.count(), AuditEntry.objects.count(), Message.objects.count())
    with pytest.raises(Exception, match="申请书"):
        svc.receive_and_accept(actor=cast["window_a"], item_code="SP-01", applicant=applicant(),
                               materials=[{"material": "场所平面图"}], now=MONDAY)
    assert (Case.objects.count(), CaseEvent.objects.count(), AuditEntry.objects.count(),
            Message.objects.count()) == before
