import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from shop.core.logging import JsonFormatter
from tests.conftest import client_for
from tests.core.logcapture import captured_json_logs

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls")]


def _settings_in_subprocess(**env) -> subprocess.CompletedProcess:
    code = "from django.conf import settings; print(settings.LOG_FORMAT)"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings", **env}
    return subprocess.run(  # noqa: S603 - our own one-liner, run with this interpreter
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False
    )


def test_production_settings_write_json_logs():
    assert settings.LOG_FORMAT == "json"
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter))
    assert handler is not None


def test_debug_settings_default_to_plain_logs_and_log_format_overrides():
    assert _settings_in_subprocess(DEBUG="on").stdout.strip() == "plain"
    assert _settings_in_subprocess(DEBUG="off", LOG_FORMAT="plain").stdout.strip() == "plain"
    refused = _settings_in_subprocess(LOG_FORMAT="xml")
    assert refused.returncode != 0
    assert "LOG_FORMAT must be json or plain" in refused.stderr


def test_each_request_writes_one_json_access_line(client):
    with captured_json_logs() as lines:
        response = client.get("/health/live", HTTP_X_REQUEST_ID="abcdef0123456789")
    [line] = lines.of("shop.request")
    assert line["method"] == "GET"
    assert line["path"] == "/health/live"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["trace_id"] == "abcdef0123456789" == response["X-Request-ID"]
    assert line["level"] == "INFO"


def test_access_line_names_the_jwt_user(customer):
    with captured_json_logs() as lines:
        response = client_for(customer).get("/api/v1/_test/whoami/")
    assert response.status_code == 200
    [line] = lines.of("shop.request")
    assert line["user_id"] == customer.pk
    assert line["status"] == 200


def test_access_line_records_the_error_status(client):
    with captured_json_logs() as lines:
        client.get("/api/v1/no-such-thing/")
    [line] = lines.of("shop.request")
    assert line["status"] == 404


def test_drf_error_is_logged_with_the_trace_id_the_500_document_carries():
    client = Client(raise_request_exception=False)
    with captured_json_logs() as lines:
        response = client.get("/api/v1/_test/boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "server_error"
    assert body["trace_id"] == response["X-Request-ID"]
    assert "boom" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    [error] = lines.of("shop.errors")
    assert error["level"] == "ERROR"
    assert error["trace_id"] == body["trace_id"]
    assert "RuntimeError: boom in a DRF view" in error["exc_info"]
    assert lines.of("shop.request")[0]["status"] == 500
    # Django logs the 500 answer itself after the middleware chain has finished: same trace id.
    [answer] = lines.of("django.request")
    assert answer["trace_id"] == body["trace_id"]


def test_client_error_lines_of_django_carry_the_trace_id(client):
    with captured_json_logs() as lines:
        response = client.get("/api/v1/no-such-thing/")
    [line] = lines.of("django.request")
    assert line["level"] == "WARNING"
    assert line["trace_id"] == response["X-Request-ID"]


def test_django_level_error_under_api_is_a_problem_document_with_the_logged_trace_id():
    client = Client(raise_request_exception=False)
    with captured_json_logs() as lines:
        response = client.get("/api/v1/_test/django-boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["trace_id"] == response["X-Request-ID"]
    assert "Traceback" not in response.content.decode()
    [error] = lines.of("django.request")
    assert error["trace_id"] == body["trace_id"]
    assert "RuntimeError: boom in a plain Django view" in error["exc_info"]
    assert error["status_code"] == 500


def test_django_level_error_outside_api_is_a_plain_page_without_traceback():
    response = Client(raise_request_exception=False).get("/_test/django-boom/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Traceback" not in response.content.decode()
    assert "boom" not in response.content.decode()


def test_json_formatter_keeps_extra_fields_and_serialises_objects():
    record = logging.makeLogRecord({"name": "x", "levelname": "INFO", "msg": "hello %s", "args": ("you",)})
    record.order = 7
    record.amount = object()
    payload = json.loads(JsonFormatter().format(record))
    assert payload["message"] == "hello you"
    assert payload["order"] == 7
    assert payload["amount"].startswith("<object object")
    assert payload["trace_id"] is None
