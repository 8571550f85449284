"""Full IDs and phones never reach a log, access logs of searches included (decision 0018)."""
from __future__ import annotations

import io
import logging

import pytest

from bianmin.core.logfilters import MaskPersonalData, mask_personal_data

ID, PHONE = "11010519491231002X", "13800138000"


@pytest.mark.parametrize(("text", "expected"), [
    (f"GET /staff/cases/?q={PHONE}&page=2 HTTP/1.1", "GET /staff/cases/?q=138****8000&page=2 HTTP/1.1"),
    (f"GET /api/v1/cases?q={ID.lower()} HTTP/1.1", "GET /api/v1/cases?q=110***********002x HTTP/1.1"),
    ("GET /staff/cases/?q=138+0013+8000 HTTP/1.1", "GET /staff/cases/?q=138****8000 HTTP/1.1"),
    ("GET /staff/cases/?q=%2B86+138-0013-8000 HTTP/1.1", "GET /staff/cases/?q=138****8000 HTTP/1.1"),
    ("GET /staff/cases/?q=138%200013%208000 HTTP/1.1", "GET /staff/cases/?q=138****8000 HTTP/1.1"),
    ("GET /staff/inquiries/?q=0799-6123456 HTTP/1.1", "GET /staff/inquiries/?q=0799****3456 HTTP/1.1"),
    (f"短信 BM1 → {PHONE}：您申请的事项已受理", "短信 BM1 → 138****8000：您申请的事项已受理"),
    (f'{{"phone": "{PHONE}", "id": "{ID}"}}', '{"phone": "138****8000", "id": "110***********002X"}'),
    # Full-width digits typed through a Chinese input method arrive percent-encoded.
    ("GET /staff/cases/?q=" + "".join(f"%EF%BC%{0x90 + int(d):02X}" for d in PHONE) + " HTTP/1.1",
     "GET /staff/cases/?q=138****8000 HTTP/1.1"),
])
def test_ids_and_phones_are_masked(text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize("text", [
    "case YX01202603020001 accepted", "audit head 7 4f2a9c0e1b8d7a6f5e4d3c2b1a0998877665544332211aabbccddeeff0011",
    "took 1234567 µs", "2026-03-02 09:00:00,123", "GET /static/css/app.css?v=20260302 HTTP/1.1",
])
def test_other_numbers_are_left_alone(text):
    assert mask_personal_data(text) == text


def _configured_output(logger_name: str, *args, exc: BaseException | None = None) -> str:
    """Return what the handlers configured by LOGGING write for one record on ``logger_name``."""
    logger = logging.getLogger(logger_name)
    handlers = [h for h in (logger.handlers or logging.getLogger().handlers)
                if type(h) is logging.StreamHandler]  # not pytest's capturing handlers
    assert handlers and all(any(isinstance(f, MaskPersonalData) for f in h.filters) for h in handlers)
    stream = io.StringIO()
    saved = [h.setStream(stream) for h in handlers]
    try:
        if exc is None:
            logger.warning(*args)
        else:
            try:
                raise exc
            except type(exc):
                logger.exception(*args)
    finally:
        for h, old in zip(handlers, saved, strict=True):
            h.setStream(old)
    return stream.getvalue()


def test_runserver_access_log_is_masked():
    out = _configured_output("django.server", '"%s" %s %s', f"GET /staff/cases/?q={PHONE} HTTP/1.1", 200, 512)
    assert "138****8000" in out and PHONE not in out


def test_gunicorn_access_log_is_masked():
    # gunicorn logs its access line as a format over a dict of atoms.
    out = _configured_output("gunicorn.access", '%(h)s "%(r)s" %(s)s', {"h": "10.0.0.1", "s": "200",
                                                                     "r": f"GET /api/v1/cases?q={ID} HTTP/1.1"})
    assert "110***********002X" in out and ID not in out


def test_application_records_and_tracebacks_are_masked():
    out = _configured_output("bianmin.sms", "短信 %s → %s", "BM1", PHONE, exc=ValueError(f"bad phone {PHONE}"))
    assert out.count("138****8000") == 2 and PHONE not in out and "Traceback" in out
    out = _configured_output("django.request", "Not Found: %s", f"/staff/cases/{ID}/")
    assert "110***********002X" in out and ID not in out
