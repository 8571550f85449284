"""Printing the notices of a case (HTML for the window printer, PDF)."""
from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from bianmin.cases.models import Notice
from bianmin.cases.pdf import KEEP_ROWS, SIGNATURE_BLANK, notice_rows, qr_svg_data_uri, render_notice_pdf
from bianmin.cases.policies import visible_cases

from .views import StaffView


def _notice_for(user, notice_number: str) -> Notice:
    notice = (Notice.objects.select_related("case").filter(number=notice_number, issued_at__isnull=False,
                                                            case__in=visible_cases(user)).first())
    if notice is None:
        raise Http404
    return notice


def _lookup_url(request, notice: Notice) -> str:
    return request.build_absolute_uri(reverse("public:lookup")) + \
        f"?n={notice.content.get('case_number', '')}&c={notice.content.get('query_code', '')}"


def print_parts(content: dict[str, Any]) -> dict[str, Any]:
    """Split a notice for the print page as the PDF is split: the last rows of its last grid go in the block kept
    on one page with the signature, so the signature never stands alone on a sheet."""
    rows = notice_rows(content)
    lines = list(enumerate(content.get("lines") or [], start=1))
    parts: dict[str, Any] = {"rows_head": rows, "rows_tail": [], "lines_head": lines, "lines_tail": []}
    if lines:
        parts["lines_head"], parts["lines_tail"] = lines[:-KEEP_ROWS], lines[-KEEP_ROWS:]
    elif not content.get("signatures"):  # the signature lines themselves are the content kept with the block
        parts["rows_head"], parts["rows_tail"] = rows[:-KEEP_ROWS], rows[-KEEP_ROWS:]
    return parts


class NoticePrintView(StaffView):
    def get(self, request, notice_number: str):
        notice = _notice_for(request.user, notice_number)
        lookup_url = _lookup_url(request, notice)
        return render(request, "backoffice/notice_print.html", {
            "n": notice.content, "notice": notice, **print_parts(notice.content), "lookup_url": lookup_url,
            "case_url": reverse("backoffice:case", args=[notice.case.number]), "qr": qr_svg_data_uri(lookup_url),
            "signature_blank": SIGNATURE_BLANK})


class NoticePdfView(StaffView):
    def get(self, request, notice_number: str):
        notice = _notice_for(request.user, notice_number)
        pdf = render_notice_pdf(notice.content, lookup_url=_lookup_url(request, notice))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{notice.number}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
