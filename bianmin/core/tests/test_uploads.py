import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.core.uploads import MAX_FILE_BYTES, validate_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.parametrize("name,content", [("a.pdf", b"%PDF-1.7 x"), ("a.PNG", PNG), ("a.jpg", b"\xff\xd8\xff\xe0x"),
                                          ("a.ofd", b"PK\x03\x04rest")])
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
