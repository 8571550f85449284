import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.core.uploads import MAX_FILE_BYTES, validate_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.parametrize("name,content", [("a.pdf", b"%PDF-1.7 x"), ("a.PNG", PNG), ("a.jpg", b"\xff\xd8\xff\xe0x")])
def test_allowed(name, content):
    validate_upload(SimpleUploadedFile(name, content))


@pytest.mark.parametrize("name,content,code", [
    ("a.exe", b"MZ", "extension"),
    ("a.pdf", PNG, "content"),          # extension does not match the bytes
    ("a.png", b"<html>", "content"),
    ("noext", b"%PDF-", "extension"),
])
def test_refused(name, content, code):
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile(name, content))
    assert exc.value.code == code


def test_size_limit():
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * MAX_FILE_BYTES))
    assert exc.value.code == "size"


# --- issue 11 item 6: crafted containers and PDFs ------------------------------------------------------------
import io  # noqa: E402
import os  # noqa: E402
import struct  # noqa: E402
import zipfile  # noqa: E402
import zlib  # noqa: E402

from bianmin.core import uploads  # noqa: E402


def refused(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile(name, content))
    assert name in exc.value.messages[0]  # the message names the file
    return exc.value


def ofd(entries: dict[str, bytes] | None = None, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in (entries if entries is not None else
                           {"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_real_ofd_passes():
    validate_upload(SimpleUploadedFile("证照.ofd", ofd()))


def test_a_zip_that_is_not_an_ofd_or_not_a_zip_is_refused():
    assert refused("a.ofd", ofd({"readme.txt": b"hi"})).code == "container"
    assert refused("a.ofd", b"PK\x03\x04rest").code == "container"


def test_a_zip_bomb_is_refused_by_its_ratio_before_unpacking():
    assert refused("炸弹.ofd", ofd({"OFD.xml": b"<x/>", "Doc_0/big.xml": b"\0" * (3 * 1024 * 1024)})).code \
        == "zip_ratio"


def test_total_uncompressed_size_is_limited(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_UNCOMPRESSED", 1024 * 1024)
    content = ofd({"OFD.xml": b"<x/>", "a.jpg": os.urandom(700_000), "b.jpg": os.urandom(700_000)},
                  compression=zipfile.ZIP_STORED)
    assert refused("a.ofd", content).code == "zip_size"


def test_entry_count_is_limited():
    content = ofd({"OFD.xml": b"<x/>", **{f"Res/{i}.xml": b"" for i in range(uploads.MAX_ZIP_ENTRIES)}},
                  compression=zipfile.ZIP_STORED)
    assert refused("a.ofd", content).code == "zip_entries"


def _central_records(content: bytes) -> tuple[bytes, list[bytes], bytes]:
    """Split a ZIP into (local part, central directory records, end record)."""
    end = content.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack("<HII", content[end + 10:end + 20])
    records, pos = [], offset
    for _ in range(count):
        name_len, extra_len, comment_len = struct.unpack("<HHH", content[pos + 28:pos + 34])
        length = 46 + name_len + extra_len + comment_len
        records.append(content[pos:pos + length])
        pos += length
    return content[:offset], records, content[end:]


def test_overlapping_entries_are_refused():
    """The non-recursive bomb: many central records point at one compressed stream."""
    local, records, end = _central_records(ofd({"OFD.xml": b"<x/>" * 100}))
    twin = records[0].replace(b"OFD.xml", b"OFD.xm2")
    directory = records[0] + twin
    end = end[:8] + struct.pack("<HHII", 2, 2, len(directory), len(local)) + end[20:]
    assert refused("a.ofd", local + directory + end).code == "zip_overlap"


@pytest.mark.parametrize("entry", ["../../etc/passwd", "/abs.xml", "C:/x.xml"])
def test_unsafe_paths_are_refused(entry):
    assert refused("a.ofd", ofd({"OFD.xml": b"<x/>", entry: b"x"})).code == "container"


def test_encrypted_entries_are_refused():
    local, records, end = _central_records(ofd())
    flagged = [r[:8] + struct.pack("<H", struct.unpack("<H", r[8:10])[0] | 1) + r[10:] for r in records]
    assert refused("a.ofd", local + b"".join(flagged) + end).code == "container"


def pdf(*objects: bytes, tail: bytes = b"") -> bytes:
    """A small PDF made of ``objects`` (each the text between "N 0 obj" and "endobj")."""
    out = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
    for n, body in enumerate(objects, start=1):
        out.append(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    out.append(b"trailer\n<< /Root 1 0 R >>\nstartxref\n0\n%%EOF\n" + tail)
    return b"".join(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def test_a_plain_pdf_passes_even_when_binary_streams_happen_to_hold_names():
    image = os.urandom(2000) + b"/JS (x) /JavaScript /Launch" + os.urandom(2000)  # bytes of a JPEG, not names
    validate_upload(SimpleUploadedFile("扫描件.pdf", pdf(CATALOG, PAGES, stream(image, b"/Filter /DCTDecode"))))


def test_pdfs_made_by_reportlab_pass():
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 700, "申请书")
    page.save()
    validate_upload(SimpleUploadedFile("申请书.pdf", buffer.getvalue()))


@pytest.mark.parametrize("body", [
    b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
    b"<< /Type /Catalog /OpenAction 3 0 R >>",  # /JS in an action object of its own, below
    b"<< /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >>",
    b"<< /Type /Catalog /Names << /EmbeddedFiles << /Names [(a.exe) 3 0 R] >> >> >>",
    b"<< /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>",  # hex-escaped names
])
def test_pdfs_with_active_content_are_refused(body):
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    assert refused("a.pdf", pdf(body, PAGES, action)).code == "pdf_active"


def test_an_embedded_file_stream_is_refused():
    assert refused("a.pdf", pdf(CATALOG, PAGES, stream(b"MZ\x90\x00", b"/Type /EmbeddedFile"))).code == "pdf_active"


def object_stream(text: bytes, extra: bytes = b"/Filter /FlateDecode", *, compress=zlib.compress) -> bytes:
    header = b"10 0 "
    return stream(compress(header + text), b"/Type /ObjStm /N 1 /First %d " % len(header) + extra)


def test_javascript_inside_a_compressed_object_stream_is_refused():
    hidden = object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    assert refused("a.pdf", pdf(CATALOG, PAGES, hidden)).code == "pdf_active"
    validate_upload(SimpleUploadedFile("a.pdf", pdf(CATALOG, PAGES, object_stream(b"<< /Type /Font >>"))))


def test_object_streams_that_cannot_be_inspected_are_refused():
    hex_encoded = object_stream(b"<< /JS (x) >>", b"/Filter /ASCIIHexDecode", compress=lambda d: d.hex().encode())
    assert refused("a.pdf", pdf(CATALOG, PAGES, hex_encoded)).code == "pdf_uninspectable"
    corrupt = object_stream(b"<< /JS (x) >>", compress=lambda d: b"not deflate")
    assert refused("a.pdf", pdf(CATALOG, PAGES, corrupt)).code == "pdf_uninspectable"


def test_an_object_stream_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "PDF_INFLATE_BUDGET", 100_000)
    assert refused("a.pdf", pdf(CATALOG, PAGES, object_stream(b" " * 200_000))).code == "pdf_size"


def test_objects_hidden_in_a_mis_sized_stream_are_still_scanned():
    sneaky = b"<< /Length 1 >>\nstream\nx 7 0 obj << /S /JavaScript /JS (1) >> endobj\nendstream"
    assert refused("a.pdf", pdf(CATALOG, PAGES, sneaky)).code == "pdf_active"


@pytest.mark.parametrize("content", [
    b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>",
    b"%PDF-1.4\n<!DOCTYPE html><body onload=alert(1)>",
    pdf(CATALOG, PAGES, tail=b"<SCRIPT>alert(1)</SCRIPT>"),
])
def test_html_behind_a_pdf_header_is_refused(content):
    assert refused("a.pdf", content).code == "content"
