"""The published OpenAPI document names each schema once (issue 15 item 5): two classes with one name collide in
the document, and a client generated from it then sends the wrong body (``/decide`` was documented with the
meeting's ``{approve, note}``)."""
import inspect
from collections import Counter

from ninja import Schema

from bianmin.api import api as api_module


def _schemas():
    import importlib
    import pkgutil

    import bianmin.api as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith(("routes_", "schemas", "api", "auth")):
            module = importlib.import_module(f"bianmin.api.{info.name}")
            for _name, obj in inspect.getmembers(module, inspect.isclass):
                if issubclass(obj, Schema) and obj is not Schema and obj.__module__ == module.__name__:
                    yield obj


def test_every_schema_name_is_unique():
    names = Counter(cls.__name__ for cls in set(_schemas()))
    assert [name for name, n in names.items() if n > 1] == []


def test_the_decide_endpoint_documents_what_the_server_reads(client):
    doc = client.get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/cases/{number}/decide"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = doc["components"]["schemas"][ref]["properties"]
    assert {"outcome", "reasons", "certificate_number"} <= set(properties)
    assert api_module is not None
