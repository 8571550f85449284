"""Public pages: no login, no personal data."""
from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render

from bianmin.cases.lookup import TooManyRequests, throttled
from bianmin.cases.selectors import PublicStatus, public_lookup
from bianmin.catalog.models import ItemKind, ItemLevel
from bianmin.catalog.selectors import (
    current_version_by_code,
    current_versions,
    item_history,
    material_for_download,
    version_by_number,
)
from bianmin.core.errors import DomainError
from bianmin.core.http import client_ip, error_response
from bianmin.core.paging import page_of
from bianmin.core.replica import reads_from_replica
from bianmin.core.timeutils import now
from bianmin.org.models import Unit, UnitKind
from bianmin.ratings.policies import RATEABLE_CASE, RATEABLE_RELAY
from bianmin.relay.public import PublicRelay, public_relay


def home(request):
    centers = Unit.objects.filter(kind__in=[UnitKind.COUNTY_CENTER, UnitKind.TOWN_CENTER,
                                            UnitKind.INSTITUTION_DESK], is_active=True).order_by("path")
    return render(request, "public/home.html", {"centers": centers,
                                                "item_count": current_versions().count()})


@reads_from_replica  # decision 0027
def catalogue(request):
    params = {k: request.GET.get(k, "").strip() for k in ("q", "department", "level", "kind")}
    if params["level"] not in ItemLevel.values:
        params["level"] = ""
    if params["kind"] not in ItemKind.values:
        params["kind"] = ""
    qs = current_versions(**params)
    page = page_of(qs, 20, request.GET.get("page"))
    departments = Unit.objects.filter(item_versions__is_current=True).distinct().order_by("path")
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return render(request, "public/catalogue.html", {
        "page": page, "params": params, "departments": departments, "levels": ItemLevel.choices,
        "kinds": ItemKind.choices, "query": query})


def _render_guide(request, version):
    if version is None:
        raise Http404
    history = item_history(version.item.code)
    return render(request, "public/guide.html", {"v": version, "history": history})


@reads_from_replica
def guide(request, code: str):
    return _render_guide(request, current_version_by_code(code))


@reads_from_replica
def guide_version(request, code: str, number: int):
    return _render_guide(request, version_by_number(code, number))


def material_file(request, code: str, number: int, material_id: int, which: str):
    """Serve a material's blank form or sample as an attachment (published versions only)."""
    material = material_for_download(code, number, material_id)
    field = {"blank": "blank_form", "sample": "sample"}.get(which)
    if material is None or field is None or not getattr(material, field):
        raise Http404
    stored = getattr(material, field)
    suffix = "（空白表格）" if which == "blank" else "（示范文本）"
    filename = f"{material.name}{suffix}.{stored.name.rsplit('.', 1)[-1]}"
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


RELAY_PREFIX = "DB"  # relay numbers (代办编号) are DB + station code + year + sequence (relay.services)


def find_public(number: str, code: str) -> PublicRelay | PublicStatus | None:
    """Return the public view of relay request or case ``number`` for the right code; None otherwise (alike).

    A number with the relay prefix is looked up as a relay first, then as a case (a unit code may start the same)."""
    if number.upper().startswith(RELAY_PREFIX):
        relay = public_relay(number, code)
        if relay is not None:
            return relay
    return public_lookup(number, code)


def lookup(request):
    """Case or relay status by number and query code; wrong code and unknown number answer the same, and both
    kinds of number share the throttle (``cases.lookup.throttled``)."""
    number = (request.POST.get("number") or request.GET.get("n") or "").strip()
    code = (request.POST.get("code") or request.GET.get("c") or "").strip()
    result, error, status, retry_after = None, "", 200, None
    if number and code:
        try:
            result = throttled(find_public, number, code, ip=client_ip(request), now=now())
        except TooManyRequests as exc:
            error, status, retry_after = exc.message, exc.status, exc.retry_after
        except DomainError as exc:
            error = exc.message
    relay = result if isinstance(result, PublicRelay) else None
    # A delivered case or relay leads on to its rating (decision 0024): the code travels in a posted form, not a link.
    rateable = result is not None and result.status in (RATEABLE_RELAY if relay else RATEABLE_CASE)
    response = render(request, "public/lookup.html", {
        "result": None if relay else result, "relay": relay, "error": error, "number": number,
        "rate_code": code if rateable else ""}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def bad_request(request, exception=None):
    """400: the JSON error body under /api/, otherwise a page saying which parameter was wrong."""
    field = getattr(exception, "field", None)
    message = getattr(exception, "message", "") if field else ""
    if request.path.startswith("/api/"):
        return error_response(400, "bad_request", message or "请求无法解析", {field: [message]} if field else None)
    return render(request, "400.html", {"message": message}, status=400)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return error_response(404, "not_found", "资源不存在")
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    if request.path.startswith("/api/"):
        return error_response(403, "forbidden", "没有权限")
    return render(request, "403.html", status=403)
