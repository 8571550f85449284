"""The one error body: {"error": {"code", "message", "fields"}}, and the client's address behind a proxy."""
from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import JsonResponse


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    """Return the error document."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_response(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> JsonResponse:
    """Return the error document as a JSON response."""
    return JsonResponse(error_body(code, message, fields), status=status, json_dumps_params={"ensure_ascii": False})


def client_ip(request) -> str | None:
    """Return the client's address: ``REMOTE_ADDR``, or — only when that is one of ``BIANMIN["TRUSTED_PROXIES"]``
    (addresses or networks) — the right-most address in ``X-Forwarded-For`` that is not a trusted proxy.

    Addresses left of the first untrusted one are written by the client and never believed. A malformed hop
    leaves the proxy's own address, so a misconfigured proxy throttles everyone together rather than trusting
    a forged header.
    """
    remote = _address(request.META.get("REMOTE_ADDR"))
    proxies = _trusted_proxies(tuple(settings.BIANMIN.get("TRUSTED_PROXIES", ())))
    if remote is None or not _is_trusted(remote, proxies):
        return str(remote) if remote is not None else None
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop.strip())
        if address is None:
            break
        if not _is_trusted(address, proxies):
            return str(address)
    return str(remote)


def _address(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(value or "")
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@functools.lru_cache(maxsize=8)
def _trusted_proxies(values: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def _is_trusted(address, proxies) -> bool:
    return any(address.version == net.version and address in net for net in proxies)
