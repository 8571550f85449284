"""SMS backends. Pick one with ``BIANMIN["SMS_BACKEND"]`` (a dotted path); each raises on failure.

- ``ConsoleBackend``: writes the text to the log (development).
- ``FileBackend``: appends one JSON line per message to ``BIANMIN["SMS_FILE"]`` (development, demos).
- ``HttpGatewayBackend``: POSTs JSON to the provincial SMS gateway at ``BIANMIN["SMS_GATEWAY_URL"]``
  with ``BIANMIN["SMS_GATEWAY_TOKEN"]`` as a bearer token (production).
- ``LocmemBackend``: keeps messages in a list (tests).
"""
from __future__ import annotations

import json
import logging
import urllib.request
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("bianmin.sms")


class SmsError(Exception):
    """The gateway did not take the message; the worker retries later."""


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str, reference: str) -> None: ...


class ConsoleBackend:
    def send(self, *, phone: str, text: str, reference: str) -> None:
        logger.warning("短信 %s → %s：%s", reference, phone, text)


class FileBackend:
    def send(self, *, phone: str, text: str, reference: str) -> None:
        path = Path(settings.BIANMIN["SMS_FILE"])
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"reference": reference, "phone": phone, "text": text}, ensure_ascii=False) + "\n")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: following it would turn the POST into a GET (losing the message) and could send
    the token to another host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class HttpGatewayBackend:
    def send(self, *, phone: str, text: str, reference: str) -> None:
        url = settings.BIANMIN.get("SMS_GATEWAY_URL") or ""
        if not url.startswith(("https://", "http://")):
            raise SmsError("未配置短信网关地址 SMS_GATEWAY_URL")
        body = json.dumps({"phone": phone, "text": text, "reference": reference}, ensure_ascii=False).encode()
        request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310 - URL from settings
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {settings.BIANMIN.get('SMS_GATEWAY_TOKEN', '')}"})
        try:
            with urllib.request.build_opener(_NoRedirect).open(request, timeout=10) as response:
                if not 200 <= response.status < 300:
                    raise SmsError(f"短信网关返回 {response.status}")
        except OSError as exc:  # URLError, HTTPError and timeouts
            raise SmsError(f"短信网关不可用：{exc}") from exc


class LocmemBackend:
    sent: list[dict[str, str]] = []

    def send(self, *, phone: str, text: str, reference: str) -> None:
        LocmemBackend.sent.append({"phone": phone, "text": text, "reference": reference})


def get_backend() -> SmsBackend:
    """Return the configured SMS backend."""
    return import_string(settings.BIANMIN["SMS_BACKEND"])()
