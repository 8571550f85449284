"""The notice PDF: Chinese text embedded as a subset of Noto Sans SC with real outlines (decision 0020)."""
from __future__ import annotations

import io
import re
import zlib

from fontTools.ttLib import TTFont

from bianmin.cases.pdf import FIELD_LABELS, _source, render_notice_pdf

TITLE = "受理通知书"
CONTENT = {
    "organ": "云溪县政务服务中心", "title": TITLE, "number": "云政服受〔2026〕0001号", "applicant": "张三",
    "body": "你于2026年3月2日提出的个体工商户设立登记申请，经审查，符合受理条件，决定予以受理。",
    "case_number": "YX-20260302-0001", "item_name": "个体工商户设立登记", "applicant_id": "110***********002X",
    "received_at": "2026-03-02 09:30", "committed_limit": "5个工作日", "committed_deadline": "2026-03-09",
    "handler": "李四", "handler_badge": "YX-0123", "query_code": "K7M2Q9RT", "complaint_phone": "0799-6123456",
    "date": "2026年3月2日", "unit": "综合窗口",
    "lines": [{"material": "营业执照申请书", "problem": "缺少签名", "standard": "由申请人本人签名"}],
}
LOOKUP = "https://bianmin.example/lookup/?n=YX-20260302-0001"


def render() -> bytes:
    return render_notice_pdf(CONTENT, lookup_url=LOOKUP)


def pdf_objects(pdf: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Return each indirect object's dictionary and its stream (inflated when only deflated)."""
    objects = {}
    for match in re.finditer(rb"(\d+) 0 obj\s*<<(.*?)>>\s*(stream\r?\n)?", pdf, re.S):
        number, dictionary = int(match[1]), match[2]
        stream = b""
        if match[3]:
            length = int(re.search(rb"/Length (\d+)", dictionary)[1])
            stream = pdf[match.end():match.end() + length]
            if b"/Filter [ /FlateDecode ]" in dictionary:
                stream = zlib.decompress(stream)
        objects[number] = (dictionary, stream)
    return objects


def ref(dictionary: bytes, key: bytes) -> int:
    return int(re.search(rb"/" + key + rb" (\d+) 0 R", dictionary)[1])


def embedded_fonts(pdf: bytes) -> list[tuple[str, dict[int, str], TTFont]]:
    """Return (base font name, code → character from the ToUnicode map, embedded font) for each TrueType font."""
    objects = pdf_objects(pdf)
    fonts = []
    for dictionary, _ in objects.values():
        if b"/Subtype /TrueType" not in dictionary or b"/Type /Font" not in dictionary:
            continue
        name = re.search(rb"/BaseFont /(\S+)", dictionary)[1].decode()
        to_unicode = objects[ref(dictionary, b"ToUnicode")][1].decode()
        chars = {int(code, 16): bytes.fromhex(text).decode("utf-16-be")
                 for code, text in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]{4,})>", to_unicode)}
        descriptor = objects[ref(dictionary, b"FontDescriptor")][0]
        font = TTFont(io.BytesIO(objects[ref(descriptor, b"FontFile2")][1]))
        fonts.append((name, chars, font))
    return fonts


def test_the_font_is_a_subset_of_noto_sans_sc_with_its_licence():
    fonts = embedded_fonts(render())
    assert fonts
    for name, _, font in fonts:
        assert re.fullmatch(r"[A-Z]{6}\+NotoSansSC-Regular", name), name  # the subset tag reportlab adds
        assert font.getGlyphOrder() and len(font.getGlyphOrder()) <= 257  # a subset, not the 30,000-glyph face
        assert "glyf" in font and "CFF " not in font  # TrueType outlines, as reportlab embeds them
        assert "SIL Open Font License" in font["name"].getDebugName(13)  # OFL 1.1: the licence travels along


def test_the_chinese_glyphs_are_embedded_with_outlines_and_extractable():
    wanted = set(TITLE + CONTENT["applicant"] + CONTENT["organ"] + "扫码查询办理进度")
    found = set()
    for _, chars, font in embedded_fonts(render()):
        cmap = font["cmap"].getcmap(1, 0).cmap  # reportlab's subset: code → glyph
        glyf = font["glyf"]
        for code, char in chars.items():
            if char in wanted:
                glyph = glyf[cmap[code]]
                assert glyph.numberOfContours > 0, f"{char} has no outline"
                found.add(char)
    assert found == wanted  # every character maps back to its text (copy and search work in a reader)


def test_the_same_notice_renders_to_the_same_bytes():
    assert render() == render()


def test_the_font_covers_every_fixed_label():
    cmap = _source().getBestCmap()
    fixed = "".join(label for _, label in FIELD_LABELS)
    fixed += "扫码查询办理进度第页文号理由需补正的材料序号存在的问题补正要求再次告知的理由需补交的材料"
    assert [c for c in fixed if ord(c) not in cmap] == []
