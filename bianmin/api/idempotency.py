"""The ``Idempotency-Key`` request header on every POST under /api/v1/ (issue 13 item 7, decision 0023).

A client on a weak network sends a key of its own making (a UUID) with a POST and the same key with every retry
of that request; the request runs once. Follows the IETF draft "The Idempotency-Key HTTP Header Field"
(draft-ietf-httpapi-idempotency-key-header): the first request runs; a retry after it answered gets the same
answer again (marked ``Idempotent-Replayed: true``) without running; a retry while it still runs gets 409; the key
reused for another request (another path or body) gets 422. Keys belong to the account that sent them and
expire after 24 hours. What is kept (decision 0032): the operation's answer, success (2xx) or refusal (4xx), is kept
with what the request did and replayed to every retry, so a refusal the service records (a further 补正 refused) is
recorded once however often it is retried; a corrected request is a new request with a new key. Not kept: 401, 408,
425 and 429, which say "not now" and commit nothing. A server error (5xx) rolls back everything the request did,
the claim with it, even when the service had finished (an error while answering): the retry runs it once.

Applies to every POST under /api/v1/ made with a valid token, except the sign-in and sign-out endpoints
(``/auth/``), the anonymous public lookup (``/public/``) and any reveal endpoint (``…/reveal``: each showing of a
full number must be its own audited request, never a replay). A key on any other request is ignored, as is a key
on a request without a valid token (the operation answers 401). The rows are ``core.IdempotentRequest``; the
claim, replay and expiry rules are ``core.idempotency``. ``document`` adds the header and its answers to the
OpenAPI document of each operation it applies to.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import transaction
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError

from bianmin.accounts.services import user_for_token
from bianmin.core import idempotency
from bianmin.core.http import error_response
from bianmin.core.timeutils import now
from bianmin.org.policies import staff_profile_of

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
API_ROOT = "/api/v1/"
EXEMPT_PREFIXES = ("/api/v1/auth/", "/api/v1/public/", "/api/v1/hall/kiosk/")  # no login: no key's owner
EXEMPT_SUFFIXES = ("/reveal", "/reveal-evaluator")  # each showing of personal data is its own audited view
KEY_CHARACTERS = re.compile(rf"[!-~]{{1,{idempotency.MAX_KEY_LENGTH}}}")  # printable ASCII, no spaces
KEY_PATTERN = r'^(?:[!-~]{1,255}|"[!-~]{1,255}")$'  # as documented: bare, or an RFC 8941 sf-string
RETRY_AFTER_SECONDS = 2
NOT_KEPT = frozenset({401, 408, 425, 429})  # "not now": a retry is meant to run again, and these committed nothing

INVALID = ("idempotency_key_invalid",
           f"{HEADER} 请求头无效：应为 1–{idempotency.MAX_KEY_LENGTH} 个可打印 ASCII 字符（不含空格，建议使用 UUID），"
           "可加双引号")
MISMATCH = ("idempotency_key_reused",
            f"{HEADER} 已用于另一个请求（地址或请求内容不同）：重试须原样重发，新的请求请使用新的 {HEADER}")
IN_PROGRESS = ("idempotency_in_progress",
               f"使用同一 {HEADER} 的请求正在处理，请稍后重试（不会重复办理）")
DESCRIPTION = (
    f"可选请求头 {HEADER}：客户端生成的唯一键（建议 UUID，1–{idempotency.MAX_KEY_LENGTH} 个可打印 ASCII 字符，"
    "可按 RFC 8941 加双引号），同一请求重试时原样重发，保证只办理一次。键按账号区分，24 小时后失效。"
    f"首次请求成功（2xx）后，重试得到同一应答，并带响应头 {REPLAYED}: true；首次请求仍在处理时重试得到 409"
    f"（idempotency_in_progress）；同一键用于不同地址或内容得到 422（idempotency_key_reused）；键格式不对得到 400"
    "（idempotency_key_invalid）。首次请求被拒绝（4xx）的应答同样保留，重试得到同一拒绝应答（不会重复记录），"
    "改正后的请求是新的请求，须使用新的键；401、408、425、429 不保留。首次请求出错（5xx）时所做的一切都已撤销，"
    "键不保留，可用同一键重试。")


def applies(method: str, path: str) -> bool:
    """Whether a key on a ``method`` request to ``path`` (a request path or an OpenAPI path template) is honoured."""
    return (method.upper() == "POST" and path.startswith(API_ROOT) and not path.startswith(EXEMPT_PREFIXES)
            and not path.rstrip("/").endswith(EXEMPT_SUFFIXES))


def kept(status: int) -> bool:
    """Whether an answer with ``status`` is kept for the key's retries (decision 0032): success and refusals."""
    return 200 <= status < 300 or (400 <= status < 500 and status not in NOT_KEPT)


def parse_key(raw: str) -> str | None:
    """Return the key a header value carries (bare, or one RFC 8941 string in double quotes), or None if invalid."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value if KEY_CHARACTERS.fullmatch(value) else None


def fingerprint(request: Any) -> str:
    """Return the SHA-256 (hex) of the request as a retry repeats it: method, path, query and body, with a JSON
    body in canonical form (key order and spacing do not count) and a form by its fields and files (a browser
    sends each retry of a form with a new multipart boundary).

    Raises what reading the body raises (too large, a malformed form)."""
    digest = hashlib.sha256()
    query = sorted((k, v) for k, values in request.GET.lists() for v in values)
    for part in (request.method, request.path, json.dumps(query, ensure_ascii=False)):
        digest.update(part.encode() + b"\0")
    media = request.content_type or ""
    if media in ("multipart/form-data", "application/x-www-form-urlencoded"):
        fields = sorted((k, v) for k, values in request.POST.lists() for v in values)
        digest.update(b"form\0" + json.dumps(fields, ensure_ascii=False).encode() + b"\0")
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                file_digest = hashlib.sha256()
                for chunk in upload.chunks():
                    file_digest.update(chunk)
                upload.seek(0)
                digest.update(f"{name}\0{upload.name}\0{file_digest.hexdigest()}\0".encode())
        return digest.hexdigest()
    body = request.body
    try:
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, RecursionError):
        pass  # not JSON: the bytes as sent
    digest.update(b"body\0" + body)
    return digest.hexdigest()


def _account_id(request: Any) -> int | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = user_for_token(token.strip(), now=now(), warm=staff_profile_of)
    return user.pk if user is not None else None


class IdempotencyMiddleware:
    """Run a POST under /api/v1/ with an ``Idempotency-Key`` at most once per account and key (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.headers.get(HEADER)
        if raw is None or not applies(request.method, request.path) or "\x00" in request.path:
            return self.get_response(request)  # (a NUL cannot be stored; no operation has such a path)
        key = parse_key(raw)
        if key is None:
            return error_response(400, *INVALID, {HEADER: [INVALID[1]]})
        account_id = _account_id(request)
        if account_id is None:
            return self.get_response(request)  # the operation refuses it (401); nothing to guard
        try:
            print_ = fingerprint(request)
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
            return self.get_response(request)  # the operation refuses the body the same way; nothing runs
        # One transaction for the claim, the request and the kept answer: a node that dies leaves all or nothing
        # (core.idempotency). An exception here (the worker killed on timeout) rolls back the claim with the rest.
        with transaction.atomic():
            outcome = idempotency.begin(account_id=account_id, key=key, method=request.method, path=request.path,
                                        fingerprint=print_, now=now())
            if isinstance(outcome, idempotency.Replay):
                response = HttpResponse(outcome.body.encode(), status=outcome.status,
                                        content_type=outcome.content_type or None)
                response[REPLAYED] = "true"
                return response
            if isinstance(outcome, idempotency.Refusal):
                if outcome.reason == "mismatch":
                    return error_response(422, *MISMATCH, {HEADER: [MISMATCH[1]]})
                response = error_response(409, *IN_PROGRESS, {HEADER: [IN_PROGRESS[1]]})
                response["Retry-After"] = str(RETRY_AFTER_SECONDS)
                return response
            response = self.get_response(request)
            self._settle(outcome, response)
        return response

    @staticmethod
    def _settle(run: idempotency.Run, response: HttpResponse) -> None:
        """Keep the answer (2xx or 4xx) for the retries; after a 5xx roll back the whole request, the claim with
        it, so the key is free and nothing of the request stays (decision 0032); give the key back otherwise."""
        if response.status_code >= 500:
            # The error may come after the service committed its savepoint (a failure while answering, turned into
            # a 500 by Django's handler inside this block): without this the work would commit with the key given
            # back, and the retry would do it a second time.
            transaction.set_rollback(True)
            return
        if not kept(response.status_code) or getattr(response, "streaming", False):
            idempotency.abandon(run)
            return
        try:
            body = response.content.decode("utf-8")
        except UnicodeDecodeError:  # every /api/v1/ answer is JSON or empty; a binary one is not kept
            idempotency.abandon(run)
            return
        idempotency.finish(run, status=response.status_code, content_type=response.get("Content-Type", ""),
                           body=body)


# The OpenAPI document ------------------------------------------------------------------------------------------

def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the ``Idempotency-Key`` header, its answers (400, 409, 422) and the ``Idempotent-Replayed`` response
    header to every operation of the OpenAPI ``schema`` that honours the key; return ``schema``."""
    for path, item in schema.get("paths", {}).items():
        operation = item.get("post")
        if operation is None or not applies("POST", path):
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("in") == "header" and p.get("name") == HEADER for p in parameters):
            parameters.append({"in": "header", "name": HEADER, "required": False, "description": DESCRIPTION,
                               "schema": {"type": "string", "pattern": KEY_PATTERN}})
        responses = operation.setdefault("responses", {})
        for status, description in ((400, "请求无效（含 Idempotency-Key 格式不对：idempotency_key_invalid）"),
                                    (409, "冲突（含同一 Idempotency-Key 的请求正在处理：idempotency_in_progress）"),
                                    (422, "同一 Idempotency-Key 已用于另一个请求（idempotency_key_reused）")):
            if status not in responses and str(status) not in responses:
                responses[status] = _error(description)
        for status, response in responses.items():
            if str(status).isdigit() and kept(int(status)):
                response.setdefault("headers", {})[REPLAYED] = {
                    "description": "值为 true 时，本应答是同一 Idempotency-Key 的首次请求的应答，本次未重复办理",
                    "schema": {"type": "string", "enum": ["true"]}}
    return schema
