"""Assertions and helpers shared by the test modules."""

import os
import runpy
from pathlib import Path

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
