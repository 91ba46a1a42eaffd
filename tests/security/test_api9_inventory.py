"""OWASP API9:2023 improper inventory management: the schema lists exactly the routes that exist."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")
DOC_VIEWS = {"/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/"}  # the schema and its viewers
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _openapi_path(raw: str) -> str:
    path = "/" + raw.replace("^", "").replace("$", "").replace("\\", "")
    return PARAM.sub("{}", path)


def _methods(callback) -> set[str]:
    """What the view answers: a viewset route's action map, or the handlers an APIView defines."""
    view_class = getattr(callback, "cls", None)
    if view_class is None:
        return set()
    allowed = set(view_class.http_method_names) & set(HTTP_METHODS)
    if getattr(callback, "actions", None):
        return set(callback.actions) & allowed
    return {method for method in allowed if hasattr(view_class, method)}


def _routes() -> set[tuple[str, str]]:
    routes = set()
    for raw, callback in _walk(get_resolver().url_patterns):
        path = _openapi_path(raw)
        if not path.startswith("/api/v1/") or path in DOC_VIEWS or "format" in raw or path == "/api/v1/":
            continue
        routes |= {(path, method) for method in _methods(callback)}
    return routes


def _schema_operations(client) -> set[tuple[str, str]]:
    schema = client.get("/api/v1/schema/?format=json").json()
    operations = set()
    for path, item in schema["paths"].items():
        normalised = re.sub(r"\{[^}]+\}", "{}", path)
        operations |= {(normalised, method) for method in item if method in HTTP_METHODS}
    return operations


def test_schema_lists_exactly_the_api_routes_that_exist(client):
    routes = _routes()
    operations = _schema_operations(client)
    assert len(routes) > 40  # the walk found the API, not an empty set
    assert sorted(routes - operations) == [], "routes missing from the schema"
    assert sorted(operations - routes) == [], "schema operations without a route"


def test_every_operation_declares_its_errors_as_problem_documents(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    missing = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            errors = {code: response for code, response in operation["responses"].items() if code[0] in "45"}
            if not errors or any("application/problem+json" not in r.get("content", {}) for r in errors.values()):
                missing.append(f"{method.upper()} {path}")
    assert missing == []


def test_format_suffix_routes_do_not_exist(client):
    assert client.get("/api/v1/products.json").status_code == 404
