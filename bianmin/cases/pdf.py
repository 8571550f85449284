"""Render a frozen notice to an A4 PDF with the Chinese font embedded and a QR code for the public lookup.

Pure rendering: takes the notice's stored content, so a reprint is byte-for-byte the same text.
"""
from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bianmin.core.qr import qr_svg_data_uri  # noqa: F401 - the notice print page imports it from here

FONT = "BianminCJK"


@cache
def _font() -> str:
    """Register the CJK font shipped by the ``paperang-p2-fonts-cjk`` package (WenQuanYi Micro Hei)."""
    import paperang_p2_fonts_cjk

    path = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"
    pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    return {"base": base,
            "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER),
            "number": ParagraphStyle("number", parent=base, fontSize=10, alignment=TA_RIGHT),
            "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13, textColor=colors.HexColor("#444")),
            "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT)}


FIELD_LABELS = [
    ("case_number", "办件编号"), ("item_name", "申请事项"), ("applicant", "申请人"), ("applicant_id", "证件号码"),
    ("received_at", "收件时间"), ("accepted_at", "受理时间"), ("legal_limit", "法定办结时限"),
    ("committed_limit", "承诺办结时限"), ("committed_deadline", "承诺办结日期"), ("legal_deadline", "法定办结日期"),
    ("due_date", "补交期限"), ("competent_organ", "有权受理机关"),
    ("competent_organ_contact", "有权机关联系方式"), ("handler", "首办负责人"),
    ("handler_badge", "上岗证号"), ("handler_phone", "联系电话"), ("delivery", "送达方式"),
    ("query_code", "查询码"), ("complaint_phone", "监督投诉电话"), ("legal_basis", "依据"),
]


def notice_rows(content: dict[str, Any]) -> list[tuple[str, str]]:
    """Return the (label, value) rows of a notice's table: the same for the PDF and the HTML print."""
    rows = [(label, str(content[key])) for key, label in FIELD_LABELS if content.get(key)]
    if content.get("provisional"):
        rows.append(("期限说明", "该期限按暂定工作日历计算，国务院公布放假安排后将重新核定并告知。"))
    if content.get("urgent"):
        rows.append(("办件类型", "急办件（缩短承诺时限）"))
    return rows


def render_notice_pdf(content: dict[str, Any], *, lookup_url: str) -> bytes:
    """Return the PDF bytes of a notice."""
    st = _styles()

    def p(text: str, style: str = "base") -> Paragraph:
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), st[style])

    story: list = [p(content.get("organ", ""), "title"), p(content.get("title", ""), "title"),
                   p(f"文号：{content.get('number', '')}", "number"), Spacer(1, 4 * mm)]
    story.append(p(f"{content.get('applicant', '')}："))
    story.append(p(content.get("body", "")))
    if content.get("reason"):
        story.append(p(f"理由：{content['reason']}"))
    story.append(Spacer(1, 3 * mm))
    rows = [[p(label), p(value)] for label, value in notice_rows(content)]
    if rows:
        table = Table(rows, colWidths=[38 * mm, 132 * mm])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                                   ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f2f4")),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [table, Spacer(1, 4 * mm)]
    if content.get("lines"):
        story.append(p("需补正的材料（一次性告知，以下为全部内容）："))
        lines = [[p("序号"), p("材料"), p("存在的问题"), p("补正要求")]]
        lines += [[p(i), p(line["material"]), p(line["problem"]), p(line.get("standard", ""))]
                  for i, line in enumerate(content["lines"], start=1)]
        table = Table(lines, colWidths=[14 * mm, 42 * mm, 50 * mm, 64 * mm], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f2f4"))]))
        story += [table, Spacer(1, 3 * mm)]
        if content.get("justification"):
            story.append(p(f"再次告知的理由：{content['justification']}"))
    if content.get("materials"):
        story.append(p("需补交的材料：" + "、".join(content["materials"])))
    if content.get("remedy"):
        story.append(p(content["remedy"]))
    story.append(p(f"如对办理有意见，可拨打监督投诉电话 {content.get('complaint_phone', '')} "
                   f"或政务服务便民热线 {content.get('hotline', '12345')}。", "small"))
    story += [Spacer(1, 8 * mm), p(content.get("organ", ""), "right"), p(f"（{content.get('unit', '')}）", "right"),
              p(content.get("date", ""), "right")]

    qr = QrCodeWidget(lookup_url)
    x1, y1, x2, y2 = qr.getBounds()
    size = 28 * mm
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(qr)

    def decorate(canvas, doc):
        canvas.saveState()
        drawing.drawOn(canvas, A4[0] - 20 * mm - size, 14 * mm)
        canvas.setFont(_font(), 8)
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, "扫码查询办理进度")
        canvas.drawString(20 * mm, 12 * mm, f"{content.get('case_number', '')} · 第{doc.page}页")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=46 * mm, title=content.get("title", ""), author="便民",
                            initialFontName=_font(), invariant=1)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
