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
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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


# The page: A4 with 20 mm sides. The QR code sits in the signature block (not in a footer band), so the body has
# the page down to the footer line; a notice of ordinary length (the 受理通知书 with a long legal basis, a 补正
# notice of about a dozen materials) fits one page with room for the seal over the organ's name.
MARGIN_X = 20 * mm
MARGIN_TOP = 14 * mm
MARGIN_BOTTOM = 16 * mm
FOOTER_Y = 9 * mm
QR_SIZE = 24 * mm
WIDTH = A4[0] - 2 * MARGIN_X
LABEL_WIDTH = 34 * mm
# When the content runs over a page, this many of its last rows go with the signature block, so the organ, the
# seal's place and the date never stand alone on a sheet.
KEEP_ROWS = 2
GREY = colors.HexColor("#f0f2f4")


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=15.5, wordWrap="CJK")
    return {"base": base,
            "title": ParagraphStyle("title", parent=base, fontSize=16, leading=22, alignment=TA_CENTER),
            "number": ParagraphStyle("number", parent=base, fontSize=9.5, leading=13, alignment=TA_RIGHT,
                                     spaceAfter=2 * mm),
            "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13),
            "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#444")),
            "caption": ParagraphStyle("caption", parent=base, fontSize=7.5, leading=10, alignment=TA_CENTER),
            "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT)}


FIELD_LABELS = [
    ("case_number", "办件编号"), ("item_name", "申请事项"), ("applicant", "申请人"), ("applicant_id", "证件号码"),
    ("received_at", "收件时间"), ("accepted_at", "受理时间"), ("procedure", "特别程序"),
    ("expected", "预计所需时间"), ("expected_end", "预计结束日期"), ("legal_limit", "法定办结时限"),
    ("committed_limit", "承诺办结时限"), ("committed_deadline", "承诺办结日期"), ("legal_deadline", "法定办结日期"),
    ("approver", "批准人"), ("approved_at", "批准时间"),
    ("due_date", "补交期限"), ("competent_organ", "有权受理机关"),
    ("competent_organ_contact", "有权机关联系方式"), ("handler", "首办负责人"),
    ("handler_badge", "上岗证号"), ("handler_phone", "联系电话"), ("delivered_document", "送达文书"),
    ("delivery", "送达方式"), ("delivery_place", "送达地点"), ("delivered_at", "送达时间"),
    ("received_by", "签收人"), ("server", "送达人"),
    ("query_code", "查询码"), ("complaint_phone", "监督投诉电话"), ("legal_basis", "依据"),
]
# The blank a signature line leaves for the hand, the same on paper from the PDF and from the print page.
SIGNATURE_BLANK = "（签名）" + "\u00a0" * 36 + "年" + "\u00a0" * 8 + "月" + "\u00a0" * 8 + "日"  # no-break spaces stay


def notice_rows(content: dict[str, Any]) -> list[tuple[str, str]]:
    """Return the (label, value) rows of a notice's table: the same for the PDF and the HTML print."""
    rows = [(label, str(content[key])) for key, label in FIELD_LABELS if content.get(key)]
    if content.get("provisional"):
        rows.append(("期限说明", "该期限按暂定工作日历计算，国务院公布放假安排后将重新核定并告知。"))
    if content.get("urgent"):
        rows.append(("办件类型", "急办件（缩短承诺时限）"))
    return rows


class _Rows:
    """A grid not built yet, so that its last rows can go with the signature block."""

    def __init__(self, rows: list[list[Any]], widths: list[float], *, header: int = 0, label_column: bool = False,
                 caption: bool = False, heights: list[float] | None = None) -> None:
        self.rows, self.widths, self.header, self.label_column = rows, widths, header, label_column
        self.caption, self.heights = caption, heights

    def split_tail(self, keep: int) -> tuple[_Rows, _Rows] | None:
        """Return (head, last ``keep`` rows), or None when the grid has no more rows than that."""
        if len(self.rows) - self.header <= keep:
            return None
        cut = len(self.rows) - keep
        heights = self.heights
        return (_Rows(self.rows[:cut], self.widths, header=self.header, label_column=self.label_column,
                      caption=self.caption, heights=heights[:cut] if heights else None),
                _Rows(self.rows[cut:], self.widths, label_column=self.label_column,
                      heights=heights[cut:] if heights else None))

    def table(self) -> Table:
        # The header rows repeat on a following page, and reportlab never leaves them at a page's foot alone.
        table = Table(self.rows, colWidths=self.widths, rowHeights=self.heights, repeatRows=self.header)
        top = 1 if self.caption else 0  # a caption row: the grid's title, spanning it without lines
        style: list[tuple[Any, ...]] = [
            ("GRID", (0, top), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
        if self.caption:
            style += [("SPAN", (0, 0), (-1, 0)), ("LEFTPADDING", (0, 0), (-1, 0), 0),
                      ("TOPPADDING", (0, 0), (-1, 0), 5)]
        if self.header > top:
            style.append(("BACKGROUND", (0, top), (-1, self.header - 1), GREY))
        if self.label_column:
            style.append(("BACKGROUND", (0, 0), (0, -1), GREY))
        table.setStyle(TableStyle(style))
        return table


def _qr(lookup_url: str) -> Drawing:
    qr = QrCodeWidget(lookup_url)
    x1, y1, x2, y2 = qr.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x2 - x1), 0, 0, QR_SIZE / (y2 - y1), 0, 0])
    drawing.add(qr)
    return drawing


def _with_signature(body: list[Any], signature: list[Flowable]) -> list[Flowable]:
    """Return the story: the body, then its last part kept on one page with the signature block.

    The last rows of the last grid (or the last paragraph, with the grid rows before it) move with the signature,
    so when the content runs over a page the block is carried over together with content, never alone."""
    body = list(body)
    tail: list[Any] = []
    while body:
        last = body.pop()
        if isinstance(last, _Rows):
            parts = last.split_tail(KEEP_ROWS)
            if parts is None:
                tail.insert(0, last)
            else:
                body.append(parts[0])
                tail.insert(0, parts[1])
            break
        tail.insert(0, last)
        if not body or not isinstance(body[-1], _Rows):
            break

    def built(items: list[Any]) -> list[Flowable]:
        return [item.table() if isinstance(item, _Rows) else item for item in items]

    return [*built(body), KeepTogether([*built(tail), *signature])]


def _footer(case_number: str, notice_number: str) -> type[Canvas]:
    """Return a canvas class that writes "第 n 页 共 m 页" on every page once the page count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                self.setFont(_font(), 8)
                self.drawString(MARGIN_X, FOOTER_Y, f"{case_number} · {notice_number}")
                self.drawRightString(A4[0] - MARGIN_X, FOOTER_Y,
                                     f"第{self._pageNumber}页 共{len(self._pages)}页")
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def render_notice_pdf(content: dict[str, Any], *, lookup_url: str) -> bytes:
    """Return the PDF bytes of a notice: one A4 page at ordinary length; the signature block never alone."""
    st = _styles()

    def p(text: object, style: str = "base") -> Paragraph:
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), st[style])

    story: list[Any] = [p(content.get("organ", ""), "title"), p(content.get("title", ""), "title"),
                        p(f"文号：{content.get('number', '')}", "number")]
    story.append(p(f"{content.get('applicant', '')}："))
    story.append(p(content.get("body", "")))
    if content.get("reason"):
        story.append(p(f"理由：{content['reason']}"))
    story.append(Spacer(1, 2 * mm))
    rows = [[p(label, "cell"), p(value, "cell")] for label, value in notice_rows(content)]
    if rows:
        story.append(_Rows(rows, [LABEL_WIDTH, WIDTH - LABEL_WIDTH], label_column=True))
    if content.get("signatures"):
        story.append(Spacer(1, 2 * mm))
        story.append(_Rows([[p(label, "cell"), p(SIGNATURE_BLANK, "cell")] for label in content["signatures"]],
                           [LABEL_WIDTH, WIDTH - LABEL_WIDTH], label_column=True,
                           heights=[14 * mm] * len(content["signatures"])))
    if content.get("lines"):
        lines = [[p("需补正的材料（一次性告知，以下为全部内容）："), "", "", ""],
                 [p("序号", "cell"), p("材料", "cell"), p("存在的问题", "cell"), p("补正要求", "cell")]]
        lines += [[p(i, "cell"), p(line["material"], "cell"), p(line["problem"], "cell"),
                   p(line.get("standard", ""), "cell")]
                  for i, line in enumerate(content["lines"], start=1)]
        story.append(_Rows(lines, [11 * mm, 45 * mm, 50 * mm, WIDTH - 106 * mm], header=2, caption=True))
        if content.get("justification"):
            story.append(p(f"再次告知的理由：{content['justification']}"))
    if content.get("materials"):
        story.append(p("需补交的材料：" + "、".join(content["materials"])))
    if content.get("remedy"):
        story.append(p(content["remedy"]))

    sign = [p(content.get("organ", ""), "right"), p(f"（{content.get('unit', '')}）", "right"),
            p(content.get("date", ""), "right")]
    block = Table([[[_qr(lookup_url), p("扫码查询办理进度", "caption")], sign]],
                  colWidths=[QR_SIZE + 4 * mm, WIDTH - QR_SIZE - 4 * mm])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (0, 0), "TOP"), ("VALIGN", (1, 0), (1, 0), "BOTTOM"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    signature: list[Flowable] = [
        Spacer(1, 2 * mm),
        p(f"如对办理有意见，可拨打监督投诉电话 {content.get('complaint_phone', '')} "
          f"或政务服务便民热线 {content.get('hotline', '12345')}。", "small"),
        Spacer(1, 3 * mm), block]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                            bottomMargin=MARGIN_BOTTOM, title=content.get("title", ""), author="便民",
                            initialFontName=_font(), invariant=1)
    doc.build(_with_signature(story, signature),
              canvasmaker=_footer(str(content.get("case_number", "")), str(content.get("number", ""))))
    return buffer.getvalue()
