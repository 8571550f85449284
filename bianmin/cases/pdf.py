"""Render a frozen notice to an A4 PDF with the Chinese font embedded and a QR code for the public lookup.

Pure rendering: takes the notice's stored content, so a reprint is byte-for-byte the same text.

The font is Noto Sans SC from the ``pylopdf-fonts-zh-cn`` package (SIL Open Font License 1.1, decision 0020). It has
PostScript (CFF) outlines, which reportlab cannot embed, so reportlab reads the metrics from an outline-less
TrueType copy and each subset it embeds gets TrueType outlines converted by fontTools for the characters it holds.
"""
from __future__ import annotations

import copy
import io
import threading
from functools import cache, lru_cache
from typing import Any
from xml.sax.saxutils import escape

import pylopdf_fonts_zh_cn
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont as OpenTypeFont
from fontTools.ttLib.tables._g_l_y_f import Glyph
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace, TTFontFile
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bianmin.core.qr import qr_svg_data_uri  # noqa: F401 - the notice print page imports it from here

FONT = "BianminCJK"
# Largest distance, in font units (1/1000 em), between a cubic curve and its quadratic replacement: the tolerance
# of fontTools' own OpenType-to-TrueType conversion, far below what print or screen shows.
_MAX_CURVE_ERROR = 1.0
# fontTools reads the source font lazily and is not thread-safe: one conversion at a time.
_FONT_LOCK = threading.Lock()


@cache
def _source() -> OpenTypeFont:
    """Return Noto Sans SC as shipped (CFF outlines), read lazily: only the glyphs used are ever parsed."""
    return OpenTypeFont(str(pylopdf_fonts_zh_cn.sans_path()), lazy=True)


@lru_cache(maxsize=8192)  # a few MB at most; covers the commonly used characters several times over
def _truetype_glyph(name: str) -> Glyph:
    """Return the glyph ``name`` with its cubic curves replaced by quadratic ones (TrueType runs clockwise)."""
    pen = TTGlyphPen(None)
    _source().getGlyphSet()[name].draw(Cu2QuPen(pen, _MAX_CURVE_ERROR, reverse_direction=True))
    return pen.glyph()


def _truetype_font(cmap: dict[int, str], *, outlines: bool) -> bytes:
    """Return a TrueType font with the source's metrics, names and licence for the characters of ``cmap``.

    Without ``outlines`` every glyph is empty: enough for reportlab's metrics, and quick for the whole font.
    The result is deterministic (the source's timestamps), so a notice renders to the same bytes every time.
    """
    src = _source()
    order = [".notdef", *sorted(set(cmap.values()) - {".notdef"}, key=src.getGlyphID)]
    builder = FontBuilder(unitsPerEm=src["head"].unitsPerEm, isTTF=True)
    font = builder.font
    font.recalcTimestamp = False
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf({name: _truetype_glyph(name) if outlines else Glyph() for name in order})
    advances = src["hmtx"].metrics
    builder.setupHorizontalMetrics({name: (advances[name][0], getattr(font["glyf"][name], "xMin", 0))
                                    for name in order})
    hhea = src["hhea"]
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
    post = src["post"]
    builder.setupPost(keepGlyphNames=False, italicAngle=post.italicAngle, underlinePosition=post.underlinePosition,
                      underlineThickness=post.underlineThickness, isFixedPitch=post.isFixedPitch)
    font["name"] = copy.deepcopy(src["name"])  # the copyright and the OFL notice travel with every copy
    font["OS/2"] = copy.deepcopy(src["OS/2"])
    head = font["head"]
    for attr in ("created", "modified", "fontRevision", "macStyle"):
        setattr(head, attr, getattr(src["head"], attr))
    if not outlines:  # keep the real bounding box, which reportlab writes into the PDF's font descriptor
        font.recalcBBoxes = False
        for attr in ("xMin", "yMin", "xMax", "yMax"):
            setattr(head, attr, getattr(src["head"], attr))
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class _ConvertedFace(TTFontFace):
    """The face reportlab measures text with: the outline-less font, whose embedded subsets get real outlines."""

    def makeSubset(self, subset: list[int]) -> bytes:
        """Return the TrueType subset reportlab embeds for the characters ``subset`` (at most 256)."""
        with _FONT_LOCK:
            cmap = _source().getBestCmap()
            data = _truetype_font({code: cmap[code] for code in subset if code in cmap}, outlines=True)
        return TTFontFile(io.BytesIO(data)).makeSubset(subset)


@cache
def _font() -> str:
    """Register the CJK font with reportlab once per process (under a second) and return its name."""
    with _FONT_LOCK:
        skeleton = _truetype_font(_source().getBestCmap(), outlines=False)
    font = TTFont(FONT, io.BytesIO(skeleton))
    font.face = _ConvertedFace(io.BytesIO(skeleton))
    pdfmetrics.registerFont(font)
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

    def p(text: object, style: str = "base") -> Paragraph:
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
