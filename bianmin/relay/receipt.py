"""The printable 代办受理回执: the frozen content of ``RelayRequest.receipt`` on A4 through the notice renderer."""
from __future__ import annotations

from bianmin.cases.pdf import render_notice_pdf

from .models import RelayRequest


def receipt_pdf(relay: RelayRequest, *, lookup_url: str) -> bytes:
    """Return the PDF of the relay's 代办受理回执, byte-for-byte the same text on every reprint. Refuses nothing."""
    return render_notice_pdf(relay.receipt, lookup_url=lookup_url)


def delivery_receipt_pdf(relay: RelayRequest, *, lookup_url: str) -> bytes | None:
    """Return the PDF of the 送达回证 the case issued when the station delivered the relay's result, or None when
    there is none (not yet delivered, or delivered without a decision). Refuses nothing: the caller checked scope."""
    from bianmin.cases.models import NoticeKind

    if relay.case_id is None:
        return None
    notice = (relay.case.notices.filter(kind=NoticeKind.DELIVERY, issued_at__isnull=False)  # type: ignore[union-attr]
              .order_by("-issued_at").first())
    return render_notice_pdf(notice.content, lookup_url=lookup_url) if notice else None
