"""Check API calls against the published OpenAPI document (issue 15 item 5).

``Contract`` holds the parsed document and answers, for one call: which operation it is (method + path
template), what is wrong with the request (body against the operation's ``requestBody``, query and path
parameters against ``parameters``) and what is wrong with the response (the status code must be documented,
the body must match the schema documented for it). ``$ref``s resolve into the document's ``components``.
Schemas are validated with ``jsonschema_rs`` (draft 2020-12, the dialect of OpenAPI 3.1), formats included.

``checked_client_calls`` wraps Django's test client for the length of a block (one test): ``conftest.py`` runs
it around every test of this package (an autouse fixture). The tests of the checker feed ``Contract`` synthetic
documents. Nothing here needs Django's settings at import time.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import jsonschema_rs

DOCUMENT_URL = "/api/v1/openapi.json"
API_PREFIX = "/api/v1/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Known mismatches between the document and the responses, tolerated until the routes are fixed; keyed by (METHOD,
# path template), valued by what is wrong. For these operations a response that does not match the document is
# recorded (``TOLERATED``, printed at the end of the run) instead of failing the test, and
# ``test_openapi_contract.py`` does not require their success responses to be precise (no free-form object, an
# enum on every code); that test fails on an entry whose operation has gone or become precise. Empty since the
# case routes were typed (issue 15): keep it so.
KNOWN_MISMATCHES: dict[tuple[str, str], str] = {}
# The response mismatches of KNOWN_MISMATCHES seen in this run: operation → problems.
TOLERATED: dict[tuple[str, str], list[str]] = {}

# Response fields that carry a code from a fixed set: the document must list the set (issue 15 item 5).
ENUMERATED_FIELDS = frozenset({"status", "kind", "case_class", "severity", "source", "outcome", "channel", "level",
                               "default_class", "result_type", "from_status", "to_status", "received_as"})
# Fields with one of those names that hold a label, not a code.
LABEL_FIELDS = frozenset({"StepOut.status"})  # the public lookup's steps: the status's Chinese label


class ContractViolation(AssertionError):
    """A call the suite made, or its response, does not match the OpenAPI document."""


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # the template, e.g. /api/v1/cases/{number}/accept
    spec: dict[str, Any] = field(compare=False, hash=False, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path


@dataclass
class Call:
    """One request as the test client sent it and the response it got."""

    method: str
    path: str  # without the query string, percent-decoded
    query: list[tuple[str, str]]
    body: bytes
    content_type: str
    status: int
    response_body: bytes
    response_content_type: str

    @property
    def is_invalid_input_refusal(self) -> bool:
        """Whether the server answered 400 with ``error.code == "invalid"`` (it found the input invalid)."""
        return self.status == 400 and _error_code(self.response_body) == "invalid"


def _error_code(body: bytes) -> str | None:
    try:
        return json.loads(body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


_EMPTY_MULTIPART = re.compile(rb"^--[^\r\n]+--\r\n$")


class Contract:
    """The OpenAPI document and the checks of calls against it."""

    def __init__(self, document: dict[str, Any]):
        self.document = document
        self.components = document.get("components", {})
        self._validators: dict[str, Any] = {}
        self._templates: list[tuple[re.Pattern[str], int, str]] = []
        for path in document.get("paths", {}):
            parts = re.split(r"(\{[^}/]+\})", path)
            pattern = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
            self._templates.append((re.compile(f"^{pattern}$"), path.count("{"), path))
        self._templates.sort(key=lambda t: t[1])  # a literal segment wins over a parameter (/workdays/add)

    def operations(self) -> dict[tuple[str, str], Operation]:
        """Return every operation of the document by (METHOD, path template)."""
        return {(m.upper(), p): Operation(m.upper(), p, spec)
                for p, item in self.document.get("paths", {}).items()
                for m, spec in item.items() if m in METHODS}

    def find(self, method: str, path: str) -> tuple[Operation | None, dict[str, str]]:
        """Return the operation ``method path`` calls and its path parameters, or (None, {}) when undocumented."""
        for pattern, _, template in self._templates:
            match = pattern.match(path)
            if match is None:
                continue
            spec = self.document["paths"][template].get(method.lower())
            if spec is not None:
                return Operation(method.upper(), template, spec), match.groupdict()
        return None, {}

    # Schemas -----------------------------------------------------------------------------------------------------

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Return ``schema`` with a top-level ``$ref`` into this document followed."""
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 32:
            node: Any = self.document
            for part in schema["$ref"].removeprefix("#/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            schema, seen = node, seen + 1
        return schema

    def errors(self, schema: dict[str, Any], instance: Any) -> list[str]:
        """Return what is wrong with ``instance`` under ``schema`` (its ``$ref``s resolved in ``components``)."""
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            root = {"$schema": DIALECT, "components": self.components, "allOf": [schema]}
            validator = self._validators[key] = jsonschema_rs.validator_for(root, validate_formats=True)
        return [f"{'/'.join(map(str, e.instance_path)) or '(body)'}: {e.message}"
                for e in validator.iter_errors(instance)]

    # Requests ----------------------------------------------------------------------------------------------------

    def request_problems(self, op: Operation, call: Call, path_params: dict[str, str]) -> list[str]:
        """Return what is wrong with the request of ``call`` under ``op``'s parameters and request body."""
        problems = self._parameter_problems(op, call, path_params)
        documented = op.spec.get("requestBody")
        empty = _is_empty(call.body)
        if documented is None:
            if not empty and _json(call.body) not in ({}, None):
                problems.append(f"sends a body ({call.content_type}) but the operation documents none")
            return problems
        documented = self.resolve(documented)
        if empty:
            if documented.get("required"):
                problems.append("sends no body but the operation requires one")
            return problems
        media = call.content_type.split(";")[0].strip().lower()
        content = documented.get("content", {})
        if media not in content:
            return [*problems, f"sends {media or 'no content type'}; the operation documents {sorted(content)}"]
        if media != "application/json":
            return problems
        try:
            body = json.loads(call.body)
        except ValueError:
            return [*problems, "the body is not JSON"]
        return problems + self.errors(content[media].get("schema", {}), body)

    def _parameter_problems(self, op: Operation, call: Call, path_params: dict[str, str]) -> list[str]:
        params = [self.resolve(p) for p in op.spec.get("parameters", [])]
        documented = {(p["in"], p["name"]): p for p in params}
        problems = []
        sent: dict[str, list[str]] = {}
        for name, value in call.query:
            sent.setdefault(name, []).append(value)
        for name, values in sent.items():
            param = documented.get(("query", name))
            if param is None:
                problems.append(f"sends the query parameter {name!r}, which the operation does not document")
                continue
            for value in values:
                problems += [f"query {name}={value!r}: {e}" for e in self._value_errors(param, value)]
        for name, value in path_params.items():
            param = documented.get(("path", name))
            if param is None:
                problems.append(f"the path parameter {name!r} is not documented")
            else:
                problems += [f"path {name}={value!r}: {e}" for e in self._value_errors(param, value)]
        for (where, name), param in documented.items():
            if where == "query" and param.get("required") and name not in sent:
                problems.append(f"omits the required query parameter {name!r}")
        return problems

    def _value_errors(self, param: dict[str, Any], raw: str) -> list[str]:
        """Validate a parameter's text the way the server reads it: as a string, a number or a boolean."""
        schema = param.get("schema", {})
        candidates: list[Any] = [raw]
        try:
            candidates.append(json.loads(raw))  # 12, 1.5, true
        except ValueError:
            pass
        if raw.lower() in ("true", "false", "on", "off", "yes", "no", "1", "0"):
            candidates.append(raw.lower() in ("true", "on", "yes", "1"))
        first: list[str] = []
        for value in candidates:
            errors = self.errors(schema, value)
            if not errors:
                return []
            first = first or errors
        return first

    # Responses ---------------------------------------------------------------------------------------------------

    def response_problems(self, op: Operation, call: Call, *, undocumented_ok: frozenset[int] = frozenset()
                          ) -> list[str]:
        """Return what is wrong with the response of ``call`` under ``op``'s documented responses.

        A status code the operation does not document is a problem, unless it is in ``undocumented_ok`` (a test
        that provokes a server error on purpose); such a response must still be the one error body.
        """
        responses = op.spec.get("responses", {})
        documented = responses.get(str(call.status)) or responses.get(call.status) or responses.get("default")
        if documented is None:
            if call.status in undocumented_ok:
                return self.error_body_problems(call)
            return [f"answers {call.status}, which the operation does not document (documented: "
                    f"{sorted(str(s) for s in responses)})"]
        documented = self.resolve(documented)
        content = documented.get("content")
        if not content:
            return [] if _is_empty(call.response_body) else [f"answers {call.status} with a body the document "
                                                             "says it has none"]
        media = call.response_content_type.split(";")[0].strip().lower()
        if media not in content:
            return [f"answers {call.status} as {media or 'no content type'}; documented: {sorted(content)}"]
        if media != "application/json":
            return []
        try:
            body = json.loads(call.response_body)
        except ValueError:
            return [f"answers {call.status} with a body that is not JSON"]
        return self.errors(content[media].get("schema", {}), body)

    def error_body_problems(self, call: Call) -> list[str]:
        """Return what is wrong with an error response outside the document (it must be the one error body)."""
        if call.status < 400:
            return []
        schema = {"$ref": "#/components/schemas/ErrorOut"}
        if "ErrorOut" not in self.components.get("schemas", {}):
            return []
        try:
            body = json.loads(call.response_body)
        except ValueError:
            return [f"answers {call.status} with a body that is not the JSON error body"]
        return self.errors(schema, body)

    # The document itself -----------------------------------------------------------------------------------------

    def imprecise_places(self, schema: Any, where: str = "", _seen: frozenset[str] = frozenset()) -> list[str]:
        """Return the places in ``schema`` that a client cannot rely on: an object whose fields are not documented
        (neither ``properties`` nor a typed ``additionalProperties``: ``dict``, ``dict[str, Any]``), and a field
        named like a code (``ENUMERATED_FIELDS``) that is a plain string with no ``enum``."""
        if not isinstance(schema, dict):
            return []
        if "$ref" in schema:
            ref = schema["$ref"]
            if ref in _seen:
                return []
            return self.imprecise_places(self.resolve(schema), ref.rsplit("/", 1)[-1], _seen | {ref})
        found = []
        extra = schema.get("additionalProperties")
        is_object = schema.get("type") == "object" or extra is not None
        if is_object and "properties" not in schema and (extra in (None, True, {}) or extra == {"type": "object"}):
            found.append(f"{where or '(body)'}: an object whose fields are not documented")
        for name, sub in schema.get("properties", {}).items():
            place = f"{where}.{name}" if where else name
            if name in ENUMERATED_FIELDS and place not in LABEL_FIELDS and self._plain_string(sub):
                found.append(f"{place}: a code documented as a plain string (no enum)")
            found += self.imprecise_places(sub, place, _seen)
        if isinstance(extra, dict) and extra:
            found += self.imprecise_places(extra, f"{where}.*", _seen)
        if isinstance(schema.get("items"), dict):
            found += self.imprecise_places(schema["items"], f"{where}[]", _seen)
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in schema.get(key, []):
                found += self.imprecise_places(sub, where, _seen)
        return found

    def _plain_string(self, schema: dict[str, Any]) -> bool:
        """Whether ``schema`` admits any string (a string type with no enum, const or pattern)."""
        schema = self.resolve(schema)
        options = schema.get("anyOf") or schema.get("oneOf")
        if options:
            return any(self._plain_string(o) for o in options)
        return schema.get("type") == "string" and not ({"enum", "const", "pattern"} & set(schema))

    def imprecise_responses(self) -> dict[tuple[str, str], list[str]]:
        """Return, per operation, the imprecise places of its documented success responses."""
        found: dict[tuple[str, str], list[str]] = {}
        for key, op in self.operations().items():
            for status, response in op.spec.get("responses", {}).items():
                if not str(status).startswith("2"):
                    continue
                for media in self.resolve(response).get("content", {}).values():
                    places = self.imprecise_places(media.get("schema", {}))
                    if places:
                        found.setdefault(key, []).extend(f"{status} {p}" for p in places)
        return found


def unreached(declared: list[tuple[str, str]], seen: list[tuple[tuple[str, str], int]], contract: Contract
              ) -> list[str]:
    """Return what is wrong with a test's ``endpoint`` markers (``declared``) given the calls it made (``seen``:
    operation and status): each must name an operation of the document that answered it with a 2xx."""
    problems = []
    operations = contract.operations()
    for method, path in declared:
        key = (method.upper(), path)
        if key not in operations:
            problems.append(f"marked @pytest.mark.endpoint{key}, which the OpenAPI document does not have")
            continue
        statuses = sorted({status for op, status in seen if op == key})
        if not any(200 <= s < 300 for s in statuses):
            problems.append(f"marked @pytest.mark.endpoint{key} but got no 2xx from it (statuses: {statuses})")
    return problems


def _is_empty(body: bytes) -> bool:
    return not body.strip() or bool(_EMPTY_MULTIPART.match(body))


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return ...


def split_path(path: str, query_params: Any = None, query_string: str | None = None) -> tuple[str, list[
        tuple[str, str]]]:
    """Return the decoded path and the query pairs of a test-client call."""
    parts = urlsplit(str(path))
    if query_params:
        items = query_params.items() if hasattr(query_params, "items") else query_params
        query = [(str(k), str(v)) for k, vs in items for v in (vs if isinstance(vs, list | tuple) else [vs])]
    else:
        query = parse_qsl(query_string or parts.query, keep_blank_values=True)
    return unquote(parts.path), query


def fetch_contract() -> Contract:
    """Return the contract of the document the API publishes (fetched through the test client)."""
    from django.test import Client

    response = Client().get(DOCUMENT_URL)
    assert response.status_code == 200, response.content
    return Contract(response.json())


@contextmanager
def checked_client_calls(contract: Contract, *, invalid_request_ok: bool = False,
                         undocumented_ok: frozenset[int] = frozenset()
                         ) -> Iterator[list[tuple[tuple[str, str], int]]]:
    """Check every /api/v1/ call made through Django's test client inside the block; give the list of the calls
    made (operation, status), filled as they happen.

    For each call: find the operation by method and path template; check the request (query and path parameters,
    the JSON body against the requestBody schema) and the response (its status code must be documented, its body
    must match the schema documented for that code). A call outside the document (an unknown path, a method the
    path does not allow) must answer with the one error body. A mismatch raises ``ContractViolation`` from the
    client call, so the failing line of the test is the call.

    The request is not checked with ``invalid_request_ok`` (a test that sends invalid input on purpose) nor when
    the server refused it as invalid (400 with ``error.code == "invalid"``). Responses are always checked; the
    mismatches of operations in ``KNOWN_MISMATCHES`` are recorded in ``TOLERATED`` instead of raised.
    """
    from django.test import Client

    seen: list[tuple[tuple[str, str], int]] = []
    original = Client.generic

    def generic(self, method, path, data="", content_type="application/octet-stream", secure=False, *,
                headers=None, query_params=None, **extra):
        response = original(self, method, path, data, content_type, secure, headers=headers,
                            query_params=query_params, **extra)
        bare, query = split_path(path, query_params, extra.get("QUERY_STRING"))
        if bare.startswith(API_PREFIX) and bare != DOCUMENT_URL:
            body = data if isinstance(data, bytes) else str(data or "").encode()
            check(contract, Call(method=method.upper(), path=bare, query=query, body=body,
                                 content_type=content_type or "", status=response.status_code,
                                 response_body=response.content,
                                 response_content_type=response.get("Content-Type", "")),
                  seen=seen, invalid_request_ok=invalid_request_ok, undocumented_ok=undocumented_ok)
        return response

    Client.generic = generic  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        del Client.generic  # back to RequestFactory.generic


def check(contract: Contract, call: Call, *, seen: list[tuple[tuple[str, str], int]],
          invalid_request_ok: bool = False, undocumented_ok: frozenset[int] = frozenset()) -> None:
    """Raise ``ContractViolation`` when ``call`` does not match the document (see ``checked_client_calls``)."""
    op, path_params = contract.find(call.method, call.path)
    if op is None:
        problems = contract.error_body_problems(call)
        if problems:
            raise ContractViolation(f"{call.method} {call.path} is not in the OpenAPI document and answered "
                                    f"{call.status} without the one error body: {problems}")
        return
    seen.append((op.key, call.status))
    if not invalid_request_ok:
        problems = contract.request_problems(op, call, path_params)
        if problems and not call.is_invalid_input_refusal:
            raise ContractViolation(
                f"{call.method} {call.path} ({op.path}): the request does not match the OpenAPI document "
                f"(answered {call.status}; mark a test that sends invalid input on purpose with "
                f"@pytest.mark.invalid_request): {problems}; response: {call.response_body[:300]!r}")
    problems = contract.response_problems(op, call, undocumented_ok=undocumented_ok)
    if problems and op.key in KNOWN_MISMATCHES:
        TOLERATED.setdefault(op.key, []).extend(f"{call.status}: {p}" for p in problems)
    elif problems:
        raise ContractViolation(f"{call.method} {call.path} ({op.path}): the {call.status} response does not "
                                f"match the OpenAPI document: {problems}")
