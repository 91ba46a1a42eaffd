"""OWASP API8:2023 security misconfiguration: deploy checks, no debug output, closed CORS, security headers."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DEBUG": "off",
    "HTTPS": "on",
    "STATIC_MANIFEST": "on",
    "ALLOWED_HOSTS": "shop.example.com",
    "SECRET_KEY": "p9!Zr4#kQ2@wL7$xN1^bV6&cT3*mY8(eU5)hJ0_gF-sD+aQ=oI~lPzz",
    "LOG_FORMAT": "json",
}

PRODUCTION_PROBE = """
import json, django
django.setup()
from io import StringIO
from django.core.management import call_command
from django.core.management.base import SystemCheckError
try:
    call_command("check", deploy=True, fail_level="WARNING", stdout=StringIO())
    check = "clean"
except SystemCheckError as error:
    check = str(error)
from django.test import Client
client = Client(HTTP_HOST="shop.example.com")
def headers(response):
    return {"status": response.status_code, **{k.lower(): v for k, v in response.headers.items()}}
print(json.dumps({
    "check": check,
    "https": headers(client.get("/health/live", secure=True)),
    "http": headers(client.get("/api/v1/schema/")),
    "api_404": headers(client.get("/api/v1/no-such-thing/", secure=True)),
}))
"""


@pytest.fixture(scope="module")
def production():
    """`check --deploy` and a few requests, in a process started with the production environment."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings", **PRODUCTION_ENV}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process; never in production
    result = subprocess.run(  # noqa: S603 - our own script, run with this interpreter
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_check_deploy_is_clean_with_the_production_environment(production):
    assert production["check"] == "clean"


def test_https_answers_carry_security_headers(production):
    headers = production["https"]
    assert headers["status"] == 200
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert "includesubdomains" in headers["strict-transport-security"].lower()
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"


def test_plain_http_is_redirected_to_https_in_production(production):
    assert production["http"]["status"] == 301
    assert production["http"]["location"] == "https://shop.example.com/api/v1/schema/"


def test_problem_documents_carry_security_headers_in_production(production):
    api_404 = production["api_404"]
    assert api_404["status"] == 404
    assert api_404["content-type"] == "application/problem+json"
    assert api_404["x-content-type-options"] == "nosniff"
    assert api_404["x-frame-options"] == "DENY"


def test_debug_is_off_under_the_production_like_test_settings():
    assert settings.DEBUG is False


def test_unknown_page_does_not_list_url_patterns(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "URLconf" not in page
    assert "admin/" not in page


def test_malformed_json_is_a_problem_without_internals(client):
    response = client.post("/api/v1/auth/login/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    text = response.content.decode()
    assert "Traceback" not in text
    assert 'File "' not in text


@pytest.mark.urls("tests.core.urls")
def test_server_error_shows_no_stack_trace():
    response = Client(raise_request_exception=False).get("/api/v1/_test/boom/")
    assert response.status_code == 500
    assert set(response.json()) == {"type", "title", "status", "detail", "code", "trace_id"}
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/health/live", "/api/v1/no-such-thing/"])
def test_cors_is_closed_by_default(client, path):
    simple = client.get(path, HTTP_ORIGIN="https://evil.example")
    preflight = client.options(
        path,
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    for response in (simple, preflight):
        assert not any(header.lower().startswith("access-control-") for header in response.headers)


def test_security_headers_on_api_answers(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
