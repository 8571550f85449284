"""A registration sent from a phone on a weak network is registered once (issue 13 item 7, decision 0023 §5).

The agent's page keeps the form as a draft in the browser (``static/js/relay_draft.js``) with one key per draft,
sent in the hidden field ``idempotency_key``. The key is claimed with the API's mechanism (``core.idempotency``,
scoped to the account): the first post with it runs; a re-post of the same form after it succeeded goes to the
relay it created; a re-post while the first still runs gets the "正在处理" page; the key sent with another form is
refused with a message naming it. A refused registration gives the key back, so the corrected draft is sent with
the same key. A post without a key (a browser without the script) is registered as before.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianmin.core import idempotency
from bianmin.core.errors import DomainError
from bianmin.core.timeutils import now

KEY_FIELD = "idempotency_key"
KEY = re.compile(rf"[!-~]{{1,{idempotency.MAX_KEY_LENGTH}}}")  # printable ASCII: the script sends a UUID
NOT_PART_OF_THE_FORM = {KEY_FIELD, "csrfmiddlewaretoken"}  # the CSRF field differs on every page load
DONE_PARAMETER = "sent"  # the relay page tells the script which draft has been registered
RETRY_AFTER_SECONDS = 2

INVALID = "提交标识无效，请刷新页面后重新提交（草稿会保留）"
REUSED = ("这份草稿已经提交过，其间内容有改动：请先到“代办件”列表核对是否已经登记，避免重复登记；"
          "确需另行登记的，请点“放弃草稿”后重新填写")
REPLAYED = "这份草稿已经登记过，没有重复登记"


def fingerprint(request: Any) -> str:
    """Return the SHA-256 (hex) of the posted form as a re-post repeats it: the path and every field but the key
    and the CSRF token."""
    fields = sorted((k, v) for k, values in request.POST.lists() for v in values if k not in NOT_PART_OF_THE_FORM)
    digest = hashlib.sha256()
    for part in (request.method, request.path, json.dumps(fields, ensure_ascii=False)):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def relay_url(number: str, key: str) -> str:
    return f"{reverse('backoffice:relay', kwargs={'number': number})}?{urlencode({DONE_PARAMETER: key})}"


def submit_once(request: Any, *, perform: Callable[[], Any], refused: Callable[[DomainError], HttpResponse],
                message: Callable[[Any], str]) -> HttpResponse:
    """Run ``perform`` (the registration, which returns the relay or raises DomainError) at most once for the
    draft's key, and answer the page that goes with what happened."""
    key = request.POST.get(KEY_FIELD, "").strip()
    if not key:
        return _done(request, _run_or_refuse(perform, refused), message, key)
    if not KEY.fullmatch(key):
        return refused(DomainError.for_field(KEY_FIELD, INVALID))
    with transaction.atomic():  # the claim, the registration and the kept answer commit together (core.idempotency)
        outcome = idempotency.begin(account_id=request.user.pk, key=key, method=request.method, path=request.path,
                                    fingerprint=fingerprint(request), now=now())
        if isinstance(outcome, idempotency.Replay):
            messages.info(request, REPLAYED)
            return redirect(relay_url(outcome.body, key))
        if isinstance(outcome, idempotency.Refusal):
            if outcome.reason == "mismatch":
                response = refused(DomainError.for_field(KEY_FIELD, REUSED))
                response.status_code = 422
                return response
            response = render(request, "backoffice/relay_pending.html", status=409)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        result = _run_or_refuse(perform, refused)  # an exception rolls the claim back with the rest
        if isinstance(result, HttpResponse):
            idempotency.abandon(outcome)  # refused: nothing was written, the corrected draft goes with the same key
            return result
        idempotency.finish(outcome, status=302, content_type="text/plain", body=result.number)
    return _done(request, result, message, key)


def _run_or_refuse(perform: Callable[[], Any], refused: Callable[[DomainError], HttpResponse]) -> Any:
    try:
        return perform()
    except DomainError as exc:
        return refused(exc)


def _done(request: Any, result: Any, message: Callable[[Any], str], key: str) -> HttpResponse:
    if isinstance(result, HttpResponse):
        return result
    messages.success(request, message(result))
    if key:
        return redirect(relay_url(result.number, key))
    return redirect("backoffice:relay", number=result.number)
