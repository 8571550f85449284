"""The OpenAPI document against the suite (issue 15 items 5 and 6): every operation has a test, every documented
success response says what it holds, and the checker that ``conftest.py`` wraps around the test client catches
a request or a response that does not match the document."""
from __future__ import annotations

import ast
import copy
import enum
import typing
from pathlib import Path

import pytest
from django.test import Client

from bianmin.testing.openapi_contract import KNOWN_MISMATCHES, Call, Contract, ContractViolation, unreached


def covered_operations() -> dict[tuple[str, str], list[str]]:
    """Return the operations named by ``@pytest.mark.endpoint("METHOD", "/path")`` in this package's test modules,
    with their tests.

    Read from the source (not from the collected items, nor by importing the modules), so that the answer does
    not depend on which tests this run selected.
    """
    covered: dict[tuple[str, str], list[str]] = {}
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "pytest.mark.endpoint"
                        and len(decorator.args) == 2):
                    method, template = (ast.literal_eval(a) for a in decorator.args)
                    covered.setdefault((method.upper(), template), []).append(f"{path.name}::{node.name}")
    return covered


def test_every_operation_has_a_test(openapi_contract):
    operations = set(openapi_contract.operations())
    covered = covered_operations()
    missing = sorted(operations - set(covered))
    assert missing == [], "operations of the OpenAPI document without a test marked @pytest.mark.endpoint: " + \
        ", ".join(f"{m} {p}" for m, p in missing)
    assert sorted(set(covered) - operations) == [], "tests marked with an operation the document does not have"


def test_every_success_response_says_what_it_holds(openapi_contract):
    """No free-form object (``dict``, ``dict[str, Any]``) and no code without its values in a documented success
    response, except the known mismatches; and no known mismatch that has been fixed (empty the list as you go)."""
    imprecise = openapi_contract.imprecise_responses()
    unexpected = {key: places for key, places in imprecise.items() if key not in KNOWN_MISMATCHES}
    assert unexpected == {}, "success responses that leave their content open:\n" + "\n".join(
        f"{method} {path}: {', '.join(sorted(set(places)))}" for (method, path), places in sorted(unexpected.items()))
    operations = openapi_contract.operations()
    stale = sorted(key for key in KNOWN_MISMATCHES if key not in operations or key not in imprecise)
    assert stale == [], "KNOWN_MISMATCHES lists operations that are gone or now precise; remove them"


def _annotation_types(annotation) -> typing.Iterator[type]:
    if isinstance(annotation, type):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _annotation_types(arg)


def test_every_component_has_its_own_name():
    """Each schema and enum the operations use (through their parameters, bodies and responses, however deeply)
    is a component named after its class: two classes with one name collide in the document, as four schema
    names did in issue 15, and as the catalogue's and the case's ``CaseClass`` enums would."""
    from pydantic import BaseModel

    from bianmin.api.api import api

    names: dict[str, set[type]] = {}
    todo = [model for _, router in api._routers for view in router.path_operations.values()
            for op in view.operations for model in [*op.models, *op.response_models.values()] if model]
    done: set[type] = set()
    while todo:
        model = todo.pop()
        if model in done:
            continue
        done.add(model)
        for field in model.model_fields.values():
            if any(getattr(m, "json_schema", None) for m in field.metadata):
                continue  # documented inline (WithJsonSchema), not as a component
            for kind in _annotation_types(field.annotation):
                if issubclass(kind, enum.Enum) or (issubclass(kind, BaseModel) and kind.__module__ != "abc"):
                    names.setdefault(kind.__name__, set()).add(kind)
                if issubclass(kind, BaseModel):
                    todo.append(kind)
    assert names, "no component found: the walk over the operations is broken"
    assert {name: kinds for name, kinds in names.items() if len(kinds) > 1} == {}


# The checker ---------------------------------------------------------------------------------------------------------

DOCUMENT = {
    "openapi": "3.1.0",
    "paths": {
        "/api/v1/things/{pk}": {"post": {
            "parameters": [{"in": "path", "name": "pk", "required": True, "schema": {"type": "integer"}},
                           {"in": "query", "name": "dry", "required": False, "schema": {"type": "boolean"}}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/ThingIn"}}}},
            "responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingOut"}}}},
                "204": {"description": "No Content"},
                "400": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}},
        }},
        "/api/v1/things/new": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"type": "object", "additionalProperties": True}}}}}}},
    },
    "components": {"schemas": {
        "ThingIn": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
        "ThingOut": {"type": "object", "required": ["id", "status", "made_on"], "properties": {
            "id": {"type": "integer"}, "status": {"$ref": "#/components/schemas/ThingStatus"},
            "made_on": {"type": "string", "format": "date"}, "kind": {"type": "string"}}},
        "ThingStatus": {"enum": ["NEW", "DONE"], "type": "string"},
        "ErrorOut": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object",
                                                                                        "properties": {}}}},
    }},
}


def call(status=200, body=b'{"id": 1, "status": "NEW", "made_on": "2026-03-02"}', request=b'{"name": "x"}',
         query=(), method="POST", path="/api/v1/things/7"):
    return Call(method=method, path=path, query=list(query), body=request, content_type="application/json",
                status=status, response_body=body, response_content_type="application/json")


@pytest.fixture
def contract():
    return Contract(copy.deepcopy(DOCUMENT))


def test_the_checker_finds_the_operation_by_method_and_template(contract):
    op, params = contract.find("POST", "/api/v1/things/7")
    assert (op.key, params) == (("POST", "/api/v1/things/{pk}"), {"pk": "7"})
    assert contract.find("GET", "/api/v1/things/new")[0].path == "/api/v1/things/new"  # a literal segment wins
    assert contract.find("DELETE", "/api/v1/things/7") == (None, {})
    assert contract.find("GET", "/api/v1/nothing") == (None, {})


def test_the_checker_accepts_a_matching_call(contract):
    op, params = contract.find("POST", "/api/v1/things/7")
    assert contract.request_problems(op, call(query=[("dry", "true")]), params) == []
    assert contract.response_problems(op, call()) == []
    assert contract.response_problems(op, call(status=204, body=b"")) == []


@pytest.mark.parametrize(("response", "words"), [
    (call(body=b'{"id": 1, "made_on": "2026-03-02"}'), '"status" is a required property'),
    (call(body=b'{"id": "1", "status": "NEW", "made_on": "2026-03-02"}'), 'is not of type "integer"'),
    (call(body=b'{"id": 1, "status": "LOST", "made_on": "2026-03-02"}'), "is not one of"),
    (call(body=b'{"id": 1, "status": "NEW", "made_on": "2026-02-30"}'), 'is not a "date"'),
    (call(status=409, body=b'{"error": {}}'), "answers 409, which the operation does not document"),
    (call(status=204, body=b'{"id": 1}'), "a body the document says it has none"),
    (call(body=b"<html>"), "not JSON"),
], ids=["missing-field", "wrong-type", "not-in-enum", "bad-date", "undocumented-status", "body-on-204", "not-json"])
def test_the_checker_catches_a_wrong_response(contract, response, words):
    op, _ = contract.find("POST", "/api/v1/things/7")
    problems = contract.response_problems(op, response)
    assert problems and words in " ".join(problems), problems


@pytest.mark.parametrize(("request_", "words"), [
    (call(request=b'{"nom": "x"}'), '"name" is a required property'),
    (call(request=b'{"name": 3}'), 'is not of type "string"'),
    (call(request=b""), "requires one"),
    (call(request=b"{"), "not JSON"),
    (call(query=[("colour", "red")]), "does not document"),
    (call(query=[("dry", "maybe")]), "query dry="),
    (call(path="/api/v1/things/seven"), "path pk="),
], ids=["missing-field", "wrong-type", "no-body", "not-json", "unknown-query", "bad-query", "bad-path"])
def test_the_checker_catches_a_wrong_request(contract, request_, words):
    op, params = contract.find(request_.method, request_.path)
    problems = contract.request_problems(op, request_, params)
    assert problems and words in " ".join(problems), problems


def test_an_undocumented_status_on_purpose_must_still_be_the_error_body(contract):
    op, _ = contract.find("POST", "/api/v1/things/7")
    assert contract.response_problems(op, call(status=500, body=b'{"error": {}}'), undocumented_ok=frozenset({500})
                                       ) == []
    assert contract.response_problems(op, call(status=500, body=b"Server Error"), undocumented_ok=frozenset({500}))


def test_the_checker_finds_what_a_response_schema_leaves_open(contract):
    assert contract.imprecise_responses() == {
        ("POST", "/api/v1/things/{pk}"): ["200 ThingOut.kind: a code documented as a plain string (no enum)"],
        ("GET", "/api/v1/things/new"): ["200 (body): an object whose fields are not documented"]}


def test_a_test_marked_with_an_endpoint_must_get_a_2xx_from_it(contract):
    seen = [(("POST", "/api/v1/things/{pk}"), 404), (("GET", "/api/v1/things/new"), 200)]
    assert unreached([("GET", "/api/v1/things/new")], seen, contract) == []
    assert unreached([("POST", "/api/v1/things/{pk}")], seen, contract) == [
        "marked @pytest.mark.endpoint('POST', '/api/v1/things/{pk}') but got no 2xx from it (statuses: [404])"]
    assert unreached([("GET", "/api/v1/things/{pk}")], seen, contract) == [
        "marked @pytest.mark.endpoint('GET', '/api/v1/things/{pk}'), which the OpenAPI document does not have"]


# The wrapped test client, end to end ---------------------------------------------------------------------------------

@pytest.fixture
def wrong_document(openapi_contract, monkeypatch):
    """Make the session's document claim that ``GET /workdays/add`` also answers ``weekday`` (which it does not)
    and forbids ``days`` above 3 (which the server allows), for one test."""
    schemas = openapi_contract.components["schemas"]
    wrong = copy.deepcopy(schemas["WorkdayAddOut"])
    wrong["properties"]["weekday"] = {"type": "string"}
    wrong["required"] = [*wrong["required"], "weekday"]
    monkeypatch.setitem(schemas, "WorkdayAddOut", wrong)
    operation = openapi_contract.document["paths"]["/api/v1/workdays/add"]["get"]
    parameters = copy.deepcopy(operation["parameters"])
    for parameter in parameters:
        if parameter["name"] == "days":
            parameter["schema"] = {"type": "integer", "maximum": 3}
    monkeypatch.setitem(operation, "parameters", parameters)
    monkeypatch.setattr(openapi_contract, "_validators", {})
    yield
    openapi_contract._validators.clear()


@pytest.mark.django_db
def test_the_wrapped_client_fails_a_call_whose_response_does_not_match(client, calendar, wrong_document):
    with pytest.raises(ContractViolation, match=r"the 200 response does not match.*weekday"):
        client.get("/api/v1/workdays/add", {"start": "2026-02-13", "days": "1"})


@pytest.mark.django_db
def test_the_wrapped_client_fails_a_request_the_document_forbids(client, calendar, wrong_document):
    with pytest.raises(ContractViolation, match=r"the request does not match.*days"):
        client.get("/api/v1/workdays/add", {"start": "2026-02-13", "days": "5"})


@pytest.mark.django_db
@pytest.mark.invalid_request
def test_a_test_marked_invalid_request_may_send_it(client, calendar, wrong_document):
    with pytest.raises(ContractViolation, match="weekday"):  # the response is still checked
        client.get("/api/v1/workdays/add", {"start": "2026-02-13", "days": "5"})


@pytest.mark.django_db
def test_the_wrapped_client_fails_an_undocumented_status(client, calendar, monkeypatch):
    from bianmin.api import routes_workdays
    from bianmin.core.errors import Conflict

    def refuse(*args, **kwargs):
        raise Conflict("冲突")

    monkeypatch.setattr(routes_workdays, "get_calendar", refuse)
    with pytest.raises(ContractViolation, match="answers 409, which the operation does not document"):
        client.get("/api/v1/workdays/add", {"start": "2026-02-13", "days": "1"})


@pytest.mark.django_db
def test_a_server_refusal_of_invalid_input_exempts_the_request_but_not_the_response(client):
    r = client.post("/api/v1/auth/token", {"username": "a"}, content_type="application/json")  # no password
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid"


@pytest.mark.django_db
def test_a_call_outside_the_document_must_answer_with_the_error_body(client, monkeypatch):
    from django.http import HttpResponse

    assert client.get("/api/v1/no-such-thing").status_code == 404  # the JSON error body: accepted
    monkeypatch.setattr(Client, "request", lambda self, **r: HttpResponse("Not Found", status=404))
    with pytest.raises(ContractViolation, match="is not in the OpenAPI document"):
        Client().get("/api/v1/no-such-thing")
