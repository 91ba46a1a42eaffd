"""Assertions and helpers shared by the test modules."""

import os
import runpy
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "shop" / "settings.py"


def settings_for(**env) -> dict:
    """The settings shop/settings.py makes with these environment variables on top of the test run's
    (its module globals), without touching the running Django."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return runpy.run_path(str(SETTINGS_FILE))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def queries_for_page(client, path: str, **params) -> int:
    """How many queries one GET of `path` makes (it must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


def assert_problem(response, status: int, code: str) -> dict:
    """The response is an RFC 9457 problem document with this status and code; returns its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["detail"]
    return body


def assert_fields_refused(response, *, unknown=(), read_only=()) -> dict:
    """A 400 naming each field the body may not carry (shop/core/serializers.py); returns the errors."""
    errors = assert_problem(response, 400, "validation_error")["errors"]
    for name in unknown:
        assert errors.get(name) == ["Unknown field."], errors
    for name in read_only:
        assert errors.get(name) == ["This field is read-only."], errors
    return errors
