"""The one error body: {"error": {"code", "message", "fields"}} with a 4xx status."""
from __future__ import annotations

from django.http import JsonResponse


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    """Return the error document."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_response(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> JsonResponse:
    """Return the error document as a JSON response."""
    return JsonResponse(error_body(code, message, fields), status=status, json_dumps_params={"ensure_ascii": False})
