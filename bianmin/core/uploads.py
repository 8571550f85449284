"""Upload checks (SECURITY.md "Uploads"): allow-list by content, extension must match, size limits, and the
content checks of issue 11 item 6 — ZIP containers (OFD) judged from their central directory before anything is
unpacked, PDFs with active content refused, HTML dressed as a PDF refused (docs/decisions/0019)."""
from __future__ import annotations

import bisect
import io
import re
import struct
import zipfile
import zlib

from django.core.exceptions import ValidationError

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel scan is plenty; decoding more would take gigabytes of memory
# extension -> magic-byte prefixes
ALLOWED = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "ofd": (b"PK\x03\x04",),  # OFD is a ZIP container
}

# ZIP containers: a 10 MB OFD holds page XML and images; these bounds are far above any real one.
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100  # deflate reaches ~1030:1 on zeros; page XML compresses 5–20:1
ZIP_RATIO_FLOOR = 1024 * 1024  # entries smaller than this are never a bomb, whatever their ratio

# PDF names that carry active content or hidden files, and what to call them in the message.
PDF_FORBIDDEN_NAMES = {
    b"JS": "脚本（JavaScript）",
    b"JavaScript": "脚本（JavaScript）",
    b"Launch": "启动外部程序的动作（Launch）",
    b"EmbeddedFile": "嵌入文件（EmbeddedFile）",
    b"EmbeddedFiles": "嵌入文件（EmbeddedFiles）",
}
PDF_INFLATE_BUDGET = 64 * 1024 * 1024  # object streams inflated for the scan, in total
HTML_MARKERS = (b"<html", b"<!doctype html", b"<script", b"<body", b"<head", b"<iframe", b"<svg", b"<object",
                b"<embed", b"<meta")


def sniff(head: bytes) -> set[str]:
    """Return the allowed extensions whose magic bytes ``head`` starts with."""
    return {ext for ext, magics in ALLOWED.items() if any(head.startswith(m) for m in magics)}


def validate_upload(file) -> None:
    """Raise ValidationError unless ``file`` is a PDF, JPEG, PNG or OFD of at most 10 MB whose name matches its
    content, with no active content (PDF) and no bomb inside (OFD)."""
    name = getattr(file, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise ValidationError("只能上传 PDF、JPEG、PNG 或 OFD 文件", code="extension")
    size = getattr(file, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ValidationError("单个文件不能超过 10 MB", code="size")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    data = file.read(MAX_FILE_BYTES + 1)
    file.seek(position)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError("单个文件不能超过 10 MB", code="size")
    if ext not in sniff(data[:16]):
        raise ValidationError("文件内容与扩展名不符，请上传真实的 PDF、JPEG、PNG 或 OFD 文件", code="content")
    label = name.replace("\\", "/").rsplit("/", 1)[-1][:80]
    if ext == "pdf":
        check_pdf(data, label)
    elif ext == "ofd":
        check_zip(data, label, required="OFD.xml")


# --- ZIP containers -----------------------------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"


def _zip_refused(label: str, reason: str, code: str = "container") -> ValidationError:
    return ValidationError(f"文件“{label}”{reason}，不能上传", code=code)


def check_zip(data: bytes, label: str, *, required: str | None = None) -> None:
    """Raise ValidationError if the ZIP ``data`` is malformed, encrypted, ZIP64, holds too many entries, would
    unpack to too much, compresses suspiciously well, has overlapping or unsafe entries, or lacks ``required``.

    Only the end record and the central directory are read; nothing is decompressed. The sizes checked are the
    declared ones: whoever unpacks later must still stop at them (Python's ``zipfile`` does).
    """
    end = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        raise _zip_refused(label, "不是有效的 OFD/ZIP 文件")
    entries = struct.unpack("<H", data[end + 10:end + 12])[0]
    if entries == 0xFFFF or data.rfind(_ZIP64_LOCATOR, max(0, end - 20), end) >= 0:
        raise _zip_refused(label, "使用了 ZIP64 格式（OFD 文件不需要）")
    if entries > MAX_ZIP_ENTRIES:
        raise _zip_refused(label, f"包含的条目过多（超过 {MAX_ZIP_ENTRIES} 个）", "zip_entries")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            directory_start = archive.start_dir
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error, UnicodeDecodeError):
        raise _zip_refused(label, "不是有效的 OFD/ZIP 文件") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _zip_refused(label, f"包含的条目过多（超过 {MAX_ZIP_ENTRIES} 个）", "zip_entries")
    total, names = 0, set()
    for info in infos:
        if info.flag_bits & 0x1:
            raise _zip_refused(label, "包含加密的条目")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _zip_refused(label, "使用了不支持的压缩方式")
        path = info.filename.replace("\\", "/")
        if path.startswith("/") or ".." in path.split("/") or ":" in path.split("/", 1)[0]:
            raise _zip_refused(label, "包含不安全的路径")
        if path.lower() in names:
            raise _zip_refused(label, "包含重名的条目")
        names.add(path.lower())
        total += info.file_size
        if total > MAX_ZIP_UNCOMPRESSED:
            raise _zip_refused(label, f"解压后过大（超过 {MAX_ZIP_UNCOMPRESSED // 1024 // 1024} MB）", "zip_size")
        if info.file_size > ZIP_RATIO_FLOOR and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise _zip_refused(label, f"压缩比异常（超过 {MAX_ZIP_RATIO} 倍，疑似压缩炸弹）", "zip_ratio")
    if total > ZIP_RATIO_FLOOR and total > MAX_ZIP_RATIO * len(data):
        raise _zip_refused(label, f"压缩比异常（超过 {MAX_ZIP_RATIO} 倍，疑似压缩炸弹）", "zip_ratio")
    _check_no_overlap(infos, directory_start, label)
    if required and required.lower() not in names:
        raise _zip_refused(label, f"不是有效的 OFD 文件（缺少 {required}）")


def _check_no_overlap(infos: list[zipfile.ZipInfo], directory_start: int, label: str) -> None:
    """Refuse entries whose data overlap another's (the "non-recursive" zip bomb reuses one stream many times)."""
    spans = []
    for info in infos:
        raw_name = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
        spans.append((info.header_offset, info.header_offset + 30 + len(raw_name) + info.compress_size))
    spans.sort()
    for (start, stop), following in zip(spans, [*[s[0] for s in spans[1:]], directory_start], strict=True):
        if start < 0 or stop > following:
            raise _zip_refused(label, "的条目相互重叠（疑似压缩炸弹）", "zip_overlap")


# --- PDF ----------------------------------------------------------------------------------------------------

_DELIMITERS = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"
_NAME = re.compile(rb"/([^" + _DELIMITERS + rb"]*)")
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_ENDSTREAM = re.compile(rb"(?:\r\n|\n|\r)?endstream")
_OBJ_NUMBERS = re.compile(rb"\d+\s+\d+\s+$")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^" + _DELIMITERS + rb"]+)")


def _pdf_refused(label: str, reason: str, code: str = "pdf_active") -> ValidationError:
    return ValidationError(f"文件“{label}”{reason}，出于安全原因不能上传", code=code)


def _decoded_names(chunk: bytes) -> set[bytes]:
    """Return the PDF names in ``chunk`` with ``#xx`` escapes decoded (``/J#61vaScript`` is ``/JavaScript``)."""
    return {_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), m.group(1)) if b"#" in m.group(1) else m.group(1)
            for m in _NAME.finditer(chunk)}


def _refuse_forbidden(names: set[bytes], label: str) -> None:
    found = names & PDF_FORBIDDEN_NAMES.keys()
    if found:
        raise _pdf_refused(label, "含有" + "、".join(sorted({PDF_FORBIDDEN_NAMES[n] for n in found})))


def _keyword_positions(data: bytes, word: bytes):
    """Yield the offsets of ``word`` standing alone (not inside a longer word such as ``endstream``)."""
    pos = data.find(word)
    while pos >= 0:
        after = data[pos + len(word):pos + len(word) + 1]
        if not (pos and data[pos - 1:pos].isalpha()) and not after.isalpha():
            yield pos
        pos = data.find(word, pos + 1)


def _object_starts(data: bytes) -> list[int]:
    """Return the offsets of the ``N G obj`` headers (bytes.find, then a look back: fast on binary bodies)."""
    starts = []
    for pos in _keyword_positions(data, b"obj"):
        numbers = _OBJ_NUMBERS.search(data, max(0, pos - 24), pos)
        if numbers is not None:
            starts.append(numbers.start())
    return starts


def _streams(data: bytes, objects: list[int]):
    """Yield (dictionary bytes, body start, body end) of each stream; a body is delimited by a direct /Length
    that lands on ``endstream``, otherwise by the next ``endstream``."""
    pos = 0
    while (keyword := data.find(b"stream", pos)) >= 0:
        pos = keyword + 6
        eol = data[pos:pos + 2]
        if (keyword and data[keyword - 1:keyword].isalpha()) or not eol.startswith((b"\n", b"\r")):
            continue
        header = data.rfind(b">>", max(0, keyword - 65_536), keyword)
        if header < 0 or data[header + 2:keyword].strip():
            continue
        start = pos + (2 if eol == b"\r\n" else 1)
        index = bisect.bisect_right(objects, keyword) - 1
        dict_start = objects[index] if index >= 0 else 0
        dictionary = data[max(dict_start, keyword - 65_536):keyword]
        end = None
        length = _LENGTH.search(dictionary)
        if length is not None:
            candidate = start + int(length.group(1))
            if _ENDSTREAM.match(data, candidate) is not None:
                end = candidate
        if end is None:
            found = data.find(b"endstream", start)
            end = found if found >= 0 else len(data)
        yield dictionary, start, end
        pos = end


def check_pdf(data: bytes, label: str) -> None:
    """Raise ValidationError if the PDF ``data`` is HTML behind a PDF header or holds JavaScript, a launch action
    or embedded files.

    The scan reads every name outside stream bodies (dictionaries of uncompressed objects, with ``#xx``
    escapes decoded) and inflates object streams (``/Type /ObjStm``, Flate only, within a byte budget) to read
    the dictionaries compressed inside them. Bodies of other streams (page content, images, fonts) are not
    interpreted: a reader does not run names found there. An object stream that cannot be inspected (encrypted,
    another filter, a predictor, corrupt or over budget) is refused.
    """
    lowered_head = data[:1024].lower()
    stream_bodies: list[tuple[int, int]] = []
    object_streams: list[tuple[bytes, int, int]] = []
    objects = _object_starts(data)
    for dictionary, start, end in _streams(data, objects):
        inner = bisect.bisect_right(objects, start)
        if inner == len(objects) or objects[inner] >= end:  # objects inside a mis-sized body are scanned too
            stream_bodies.append((start, end))
        if b"ObjStm" in _decoded_names(dictionary):
            object_streams.append((dictionary, start, end))
    outside = _outside(data, stream_bodies)
    lowered = outside.lower()
    if any(marker in lowered_head or marker in lowered for marker in HTML_MARKERS):
        raise _pdf_refused(label, "看起来是网页（HTML）而不是 PDF", code="content")
    names = _decoded_names(outside)
    _refuse_forbidden(names, label)
    budget = PDF_INFLATE_BUDGET
    encrypted = b"Encrypt" in names
    for dictionary, start, end in object_streams:
        content = _inflate_object_stream(dictionary, data[start:end], budget, label, encrypted=encrypted)
        budget -= len(content)
        _refuse_forbidden(_decoded_names(content), label)


def _outside(data: bytes, bodies: list[tuple[int, int]]) -> bytes:
    parts, pos = [], 0
    for start, end in bodies:
        parts.append(data[pos:start])
        pos = end
    parts.append(data[pos:])
    return b"\n".join(parts)


def _inflate_object_stream(dictionary: bytes, body: bytes, budget: int, label: str, *, encrypted: bool) -> bytes:
    unreadable = _pdf_refused(label, "已加密或使用了无法检查的压缩方式" if encrypted else "的对象流无法检查",
                              code="pdf_uninspectable")
    names = _decoded_names(dictionary)
    if b"Predictor" in names or b"DecodeParms" in names:
        raise unreadable
    filters = _FILTER.search(dictionary)
    if filters is None:
        return b""  # not compressed: its bytes were scanned with the rest
    if _decoded_names(filters.group(1)) - {b"FlateDecode", b"Fl"}:
        raise unreadable
    inflater = zlib.decompressobj()
    try:
        content = inflater.decompress(body, max(budget, 0) + 1)
    except zlib.error:
        raise unreadable from None
    if len(content) > budget:
        raise _pdf_refused(label, "解压后过大", code="pdf_size")
    return content


# --- images -------------------------------------------------------------------------------------------------


def without_metadata(file):
    """Return a JPEG or PNG re-encoded without EXIF and other metadata; other files unchanged."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    name = getattr(file, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ("jpg", "jpeg", "png"):
        return file
    file.seek(0)
    try:
        image = Image.open(file)
    except Image.DecompressionBombError:
        raise ValidationError("图片像素过多，请压缩后再上传", code="pixels") from None
    with image:
        if image.width * image.height > MAX_IMAGE_PIXELS:  # checked before decoding: a small file can inflate
            raise ValidationError("图片像素过多，请压缩后再上传", code="pixels")
        image.load()
        clean = Image.new(image.mode, image.size)  # a fresh image carries no EXIF, XMP or text chunks
        if image.mode == "P" and image.getpalette():
            clean.putpalette(image.getpalette())
        clean.paste(image)
        buffer = io.BytesIO()
        clean.save(buffer, format="PNG" if ext == "png" else "JPEG", quality=92)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png" if ext == "png" else "image/jpeg")


def checked_upload(file):
    """Return ``file`` checked (``validate_upload``) and, for an image, without its metadata (EXIF: location,
    device): what every door that stores an upload keeps (cases, relay photos).

    Raises DomainError naming ``file`` with the check's message, or for an image that cannot be read."""
    from .errors import DomainError

    try:
        validate_upload(file)
        return without_metadata(file)
    except ValidationError as exc:
        raise DomainError.for_field("file", exc.messages[0]) from None
    except OSError:
        raise DomainError.for_field("file", "图片文件已损坏，无法读取") from None
