"""Read a rendered notice back: its pages and the text on each (no PDF library in the lock, so a small reader).

reportlab writes each page's content stream ASCII85- and Flate-encoded, and the text as byte strings in subset
fonts whose ToUnicode maps give the characters back.
"""
from __future__ import annotations

import base64
import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*<<(.*?)>>\s*(stream\r?\n)?", re.S)
_PAGE = re.compile(rb"/Type /Page(?![A-Za-z])")


def page_count(pdf: bytes) -> int:
    """Return the number of page objects (``/Type /Page``, not the ``/Pages`` tree) in a PDF."""
    return len(_PAGE.findall(pdf))


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes]]:
    objects = {}
    for match in _OBJECT.finditer(pdf):
        dictionary, stream = match[2], b""
        if match[3]:
            length = int(re.search(rb"/Length (\d+)", dictionary)[1])
            stream = pdf[match.end():match.end() + length]
            if b"/ASCII85Decode" in dictionary:
                stream = base64.a85decode(stream.strip(), adobe=stream.strip().endswith(b"~>"))
            if b"/FlateDecode" in dictionary:
                stream = zlib.decompress(stream)
        objects[int(match[1])] = (dictionary, stream)
    return objects


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        char = literal[i]
        if char == 0x5C:  # backslash
            nxt = literal[i + 1:i + 4]
            octal = re.match(rb"[0-7]{1,3}", nxt)
            if octal:
                out.append(int(octal[0], 8))
                i += 1 + len(octal[0])
                continue
            out.append({ord("n"): 10, ord("r"): 13, ord("t"): 9}.get(literal[i + 1], literal[i + 1]))
            i += 2
            continue
        out.append(char)
        i += 1
    return bytes(out)


def page_texts(pdf: bytes) -> list[str]:
    """Return the text drawn on each page, in page order (glyphs joined without layout)."""
    objects = _objects(pdf)
    fonts: dict[str, dict[int, str]] = {}
    for dictionary, _ in objects.values():
        if b"/Type /Font" in dictionary and b"/ToUnicode" in dictionary:
            name = re.search(rb"/Name /(\S+)", dictionary)[1].decode()
            cmap = objects[int(re.search(rb"/ToUnicode (\d+) 0 R", dictionary)[1])][1].decode()
            fonts[name] = {int(code, 16): bytes.fromhex(text).decode("utf-16-be")
                           for code, text in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]{4,})>", cmap)}
    tree = next(d for d, _ in objects.values() if b"/Type /Pages" in d)
    texts = []
    for page in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[(.*?)\]", tree, re.S)[1]):
        contents = objects[int(re.search(rb"/Contents (\d+) 0 R", objects[int(page)][0])[1])][1]
        font: dict[int, str] = {}
        text = []
        for match in re.finditer(rb"/(\S+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", contents, re.S):
            if match[1]:
                font = fonts.get(match[1].decode(), {})
            else:
                text.append("".join(font.get(byte, chr(byte)) for byte in _unescape(match[2])))
        texts.append("".join(text))
    return texts
