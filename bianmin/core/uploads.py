"""Upload checks (SECURITY.md "Uploads"): allow-list by content, extension must match, size limits."""
from __future__ import annotations

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


def sniff(head: bytes) -> set[str]:
    """Return the allowed extensions whose magic bytes ``head`` starts with."""
    return {ext for ext, magics in ALLOWED.items() if any(head.startswith(m) for m in magics)}


def validate_upload(file) -> None:
    """Raise ValidationError unless ``file`` is a PDF, JPEG, PNG or OFD of at most 10 MB whose name matches."""
    name = getattr(file, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise ValidationError("只能上传 PDF、JPEG、PNG 或 OFD 文件", code="extension")
    size = getattr(file, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ValidationError("单个文件不能超过 10 MB", code="size")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(16)
    file.seek(position)
    if ext not in sniff(head):
        raise ValidationError("文件内容与扩展名不符，请上传真实的 PDF、JPEG、PNG 或 OFD 文件", code="content")


def without_metadata(file):
    """Return a JPEG or PNG re-encoded without EXIF and other metadata; other files unchanged."""
    import io

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
