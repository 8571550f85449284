"""The printable 代办受理回执: the frozen content of ``RelayRequest.receipt`` on A4 through the notice renderer."""
from __future__ import annotations

from bianmin.cases.pdf import render_notice_pdf

from .models import RelayRequest


def receipt_pdf(relay: RelayRequest, *, lookup_url: str) -> bytes:
    """Return the PDF of the relay's 代办受理回执, byte-for-byte the same text on every reprint. Refuses nothing."""
    return render_notice_pdf(relay.receipt, lookup_url=lookup_url)
