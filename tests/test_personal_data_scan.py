"""The personal-data scan (issue 11 item 5, decision 0018).

A realistic flow — cases received on the window screen and through the API with applicants' and agents' IDs and
phones, an inquiry with a caller's phone, searches by full phone and ID (pages, API, inquiry list), reveals, the
notices (page and PDF), the outbox sent, the stats workbook, the public lookup — and then a search of everything
it left behind for the full values used: every text column of every table (and on SQLite the bytes of the database
file), everything the configured log handlers wrote (access lines included) and every HTTP response. A full value
may appear only in the responses of the explicit reveal actions.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
import zipfile
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection

from bianmin.cases.models import Case, Notice
from bianmin.core.validators import id_check_char
from bianmin.inquiries.models import Inquiry
from bianmin.testing.factories import receive_form
from conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing
APPLICANT_ID, AGENT_ID = "11010519491231002X", "440524188001010014"
API_ID = "36990119800101001" + id_check_char("36990119800101001")
APPLICANT_PHONE, AGENT_PHONE, CALLER_PHONE, API_PHONE = "13800138000", "13911112222", "13655556666", "13712345678"
FULL_VALUES = [APPLICANT_ID, AGENT_ID, API_ID, APPLICANT_PHONE, AGENT_PHONE, CALLER_PHONE, API_PHONE]


class Flow:
    """Make requests through the test client, keep every response, and write the access line runserver writes."""

    def __init__(self, client):
        self.client = client
        self.responses: list[tuple[str, bytes, set[str]]] = []

    def __call__(self, method: str, path: str, data=None, *, reveals: tuple[str, ...] = (), api: dict | None = None,
                 status: int | None = None):
        headers = api or {}
        if method == "GET":
            r = self.client.get(path, data or {}, headers=headers)
        elif api is not None:
            r = self.client.post(path, data or {}, content_type="application/json", headers=headers)
        else:
            r = self.client.post(path, data or {}, headers=headers)
        body = b"".join(r.streaming_content) if r.streaming else r.content
        query = f"?{urlencode(data)}" if method == "GET" and data else ""
        logging.getLogger("django.server").info('"%s" %s %s', f"{method} {path}{query} HTTP/1.1", r.status_code,
                                                len(body))
        shown = body + "".join(f"{k}: {v}\n" for k, v in r.items()).encode()
        for value in reveals:  # an explicit reveal must show the value it was asked for
            assert value.encode() in shown, (path, value)
        self.responses.append((f"{method} {path}{query} → {r.status_code}", _readable(shown), set(reveals)))
        if status is not None:
            assert r.status_code == status, (path, r.status_code, body[:300])
        return r


def _readable(data: bytes) -> bytes:
    """Return ``data`` with the members of a ZIP container (the xlsx workbook) appended, uncompressed."""
    start = data.find(b"PK\x03\x04")
    if start >= 0:
        try:
            with zipfile.ZipFile(io.BytesIO(data[start:])) as archive:
                data += b"".join(archive.read(name) for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return data


class LogCapture:
    """Point every handler configured by LOGGING (not pytest's) at one buffer while the flow runs."""

    def __enter__(self):
        names = ["", "django.server", "gunicorn.access", "gunicorn.error", *logging.root.manager.loggerDict]
        handlers = {h for name in names for h in logging.getLogger(name).handlers
                    if type(h) is logging.StreamHandler}
        self.buffer = io.StringIO()
        self.saved = [(h, h.setStream(self.buffer)) for h in handlers]
        assert self.saved, "LOGGING configured no stream handler"
        return self

    def __exit__(self, *exc):
        for handler, stream in self.saved:
            handler.setStream(stream)


def _database_text() -> list[tuple[str, str]]:
    """Return (table, value) for every non-numeric value in every table."""
    qn = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {qn(table)}")  # noqa: S608 - table names from the database itself
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        found.append((table, bytes(value).decode("latin-1")))
                    elif isinstance(value, dict | list):
                        found.append((table, json.dumps(value, ensure_ascii=False)))
                    elif isinstance(value, str):
                        found.append((table, value))
    return found


@time_machine.travel(FROZEN, tick=False)
def test_no_full_id_or_phone_is_left_anywhere_but_in_a_reveal(client, cast, item):
    from bianmin.notifications.backends import ConsoleBackend
    from bianmin.notifications.services import deliver_due

    flow = Flow(client)
    with LogCapture() as logs:
        # Window screens: receive with an agent, accept (notices and an SMS), read, print.
        sign_in(client, cast["window_a"])
        r = flow("POST", "/staff/cases/new/", receive_form(
            item, id_number=APPLICANT_ID, phone=APPLICANT_PHONE, agent_name="王五", agent_id_type="RESIDENT_ID",
            agent_id_number=AGENT_ID, agent_phone=f"{AGENT_PHONE[:3]} {AGENT_PHONE[3:7]} {AGENT_PHONE[7:]}",
            agent_authorization="授权委托书"), status=302)
        case = Case.objects.get()
        url = r["Location"]
        flow("POST", url, {"action": "accept"}, status=302)
        flow("GET", url, status=200)
        for notice in Notice.objects.filter(case=case):
            flow("GET", f"/staff/notices/{notice.number}/", status=200)
            flow("GET", f"/staff/notices/{notice.number}/pdf/", status=200)
        flow("GET", "/staff/work/", status=200)
        # Searches by full phone and ID: found, audited, never echoed (the query is carried sealed).
        for q in (APPLICANT_PHONE, f"+86 {APPLICANT_PHONE}", APPLICANT_ID.lower()):
            page = flow("GET", "/staff/cases/", {"q": q}, status=200).content.decode()
            assert case.number in page and "qe=" not in page  # one page: no links needed
        flow("GET", f"/staff/cases/{APPLICANT_ID}/", status=404)  # a mistyped URL: logged, masked
        # Reveals: the only responses allowed to hold a full value.
        flow("POST", url, {"action": "reveal", "field": "phone", "reason": "电话通知补正"}, reveals=(APPLICANT_PHONE,))
        flow("POST", url, {"action": "reveal", "field": "id_number", "reason": "核对身份"}, reveals=(APPLICANT_ID,))
        flow("GET", url, status=200)  # masked again
        # 首问 with a caller's phone: register, read, search, reveal.
        flow("POST", "/staff/inquiries/new/", {"channel": "PHONE", "visitor_name": "李四", "phone": CALLER_PHONE,
                                               "matter": "咨询个体户登记"}, status=302)
        inquiry = Inquiry.objects.get()
        flow("GET", f"/staff/inquiries/{inquiry.number}/", status=200)
        assert inquiry.number in flow("GET", "/staff/inquiries/", {"q": CALLER_PHONE}, status=200).content.decode()
        flow("POST", f"/staff/inquiries/{inquiry.number}/", {"action": "reveal", "reason": "回电答复"},
             reveals=(CALLER_PHONE,))
        # The API: token, receive, read, list, search by phone and ID, the caller's inquiry list.
        token = flow("POST", "/api/v1/auth/token", {"username": "window_a", "password": PASSWORD}, api={},
                     status=200).json()["token"]
        h = {"Authorization": f"Bearer {token}"}
        created = flow("POST", "/api/v1/cases", {
            "item": "SP-01", "applicant": {"kind": "PERSON", "name": "赵六", "id_number": API_ID, "phone": API_PHONE},
            "materials": [{"material": "申请书", "received_as": "PAPER"}, {"material": "场所平面图"}]},
            api=h, status=201).json()
        flow("GET", f"/api/v1/cases/{created['number']}", api=h, status=200)
        for q in (API_PHONE, API_ID, APPLICANT_PHONE):
            assert flow("GET", "/api/v1/cases", {"q": q}, api=h, status=200).json()["count"] == 1
        flow("GET", "/api/v1/inquiries", api=h, status=200)
        # The outbox sent (the console backend logs the number), the stats workbook, the public lookup.
        assert deliver_due(now=FROZEN, backend=ConsoleBackend())["sent"] >= 1
        sign_in(client, cast["leader"])
        flow("GET", "/staff/stats/export.xlsx", {"from": "2026-03-01", "to": "2026-03-31"}, status=200)
        flow("GET", "/staff/stats/", status=200)
        client.logout()
        flow("POST", "/lookup/", {"number": case.number, "code": case.query_code}, status=200)
        flow("GET", "/", status=200)

    # --- the scan ---
    from bianmin.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="PERSONAL_DATA_VIEW").count() >= 9  # 6 searches, 3 reveals
    for value in FULL_VALUES:
        in_db = sorted({table for table, text in _database_text() if value in text})
        assert in_db == [], f"{value} stored in plaintext in {in_db}"
        written = logs.buffer.getvalue()
        assert value not in written, f"{value} in the logs"
        leaked = [label for label, body, allowed in flow.responses if value.encode() in body and value not in allowed]
        assert leaked == [], f"{value} in responses {leaked}"
    assert "138****8000" in logs.buffer.getvalue() and "HTTP/1.1" in logs.buffer.getvalue()  # the log was written
    assert len([1 for _label, _body, allowed in flow.responses if allowed]) == 3
    if connection.vendor == "sqlite":  # the database file itself, byte for byte (pages, indexes, free space)
        data = connection.connection.serialize()
        assert data.startswith(b"SQLite format 3") and b"cases_case" in data
        assert [v for v in FULL_VALUES if v.encode() in data] == []


@time_machine.travel(FROZEN, tick=False)
def test_a_search_by_phone_pages_on_without_the_number_in_pages_or_links(client, cast, item):
    import re

    from bianmin.audit.models import AuditEntry
    from bianmin.cases import services as svc

    for n in range(31):  # one more than a page
        svc.receive_case(actor=cast["window_a"], item_code="SP-01", now=FROZEN, applicant={
            "name": f"申请人{n}", "id_number": APPLICANT_ID, "phone": APPLICANT_PHONE}, materials=[])
    sign_in(client, cast["window_a"])
    first = client.get("/staff/cases/", {"q": f"{APPLICANT_PHONE[:3]}-{APPLICANT_PHONE[3:]}"}).content.decode()
    assert APPLICANT_PHONE not in first and 'placeholder="138****8000"' in first
    link = re.search(r'href="\?([^"]*page=2)"', first).group(1).replace("&amp;", "&")
    assert "qe=" in link and "q=" not in link.replace("qe=", "")
    second = client.get(f"/staff/cases/?{link}").content.decode()
    assert APPLICANT_PHONE not in second and "2 / 2" in second and second.count("/staff/cases/C1") == 1
    assert AuditEntry.objects.filter(action="PERSONAL_DATA_VIEW").count() == 2  # each page is a search
    # A forged or stale sealed query is no query at all.
    with time_machine.travel(FROZEN + dt.timedelta(hours=9), tick=False):
        sign_in(client, cast["window_a"])
        stale = client.get(f"/staff/cases/?{link}").content.decode()
    assert "placeholder" not in stale.split('id="q"')[1][:80]
    assert AuditEntry.objects.filter(action="PERSONAL_DATA_VIEW").count() == 2
