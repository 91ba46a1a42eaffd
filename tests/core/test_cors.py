"""CORS for browser clients on the origins of CORS_ALLOWED_ORIGINS, under /api/ and /fakestore/ only."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as live_settings

pytestmark = pytest.mark.django_db

ALLOWED = "https://shop-front.example.com"
REFUSED = "https://evil.example.net"
PRODUCTS = "/api/v1/products/"


@pytest.fixture(autouse=True)
def _allowed_origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


def preflight(client, path, origin, method="POST", headers="authorization, content-type"):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers,
    )


def comma_set(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",")}


def test_preflight_from_an_allowed_origin_allows_the_api_headers(client):
    response = preflight(client, PRODUCTS, ALLOWED, headers="authorization, content-type, x-session-id")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert comma_set(response["Access-Control-Allow-Headers"]) == {
        "authorization",
        "content-type",
        "x-session-id",
        "idempotency-key",
    }
    assert comma_set(response["Access-Control-Allow-Methods"]) >= {"get", "post", "patch", "delete"}
    assert "Access-Control-Allow-Credentials" not in response


def test_preflight_for_checkout_allows_the_idempotency_key(client):
    response = preflight(client, "/api/v1/carts/1/checkout/", ALLOWED, headers="authorization, idempotency-key")
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "idempotency-key" in comma_set(response["Access-Control-Allow-Headers"])


def test_preflight_from_another_origin_is_not_allowed(client):
    response = preflight(client, PRODUCTS, REFUSED)
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Headers" not in response


def test_simple_request_from_an_allowed_origin_exposes_the_api_headers(client, product):
    response = client.get(PRODUCTS, HTTP_ORIGIN=ALLOWED)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert comma_set(response["Access-Control-Expose-Headers"]) == {
        "idempotent-replayed",
        "x-request-id",
        "retry-after",
        "location",
    }
    assert "origin" in comma_set(response["Vary"])


def test_problem_documents_carry_cors_headers_so_the_browser_can_read_them(client):
    response = client.get("/api/v1/products/999999/", HTTP_ORIGIN=ALLOWED)
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == ALLOWED


def test_simple_request_from_another_origin_gets_no_cors_headers(client, product):
    response = client.get(PRODUCTS, HTTP_ORIGIN=REFUSED)
    assert response.status_code == 200  # the browser, not the server, withholds the answer
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Expose-Headers" not in response


@pytest.mark.parametrize(
    ("value", "origins"),
    [(None, []), ("https://a.example.com, http://localhost:5173", ["https://a.example.com", "http://localhost:5173"])],
)
def test_allowed_origins_come_from_the_environment_and_default_to_none(value, origins):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings"}
    env.pop("CORS_ALLOWED_ORIGINS", None)
    if value is not None:
        env["CORS_ALLOWED_ORIGINS"] = value
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; print(s.CORS_ALLOWED_ORIGINS)",
        ],
        cwd=live_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == str(origins)


@pytest.mark.parametrize("path", ["/fakestore/products", "/api/v1/auth/login/"])
def test_cors_covers_the_fakestore_layer_and_every_api_path(client, path):
    response = preflight(client, path, ALLOWED)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED


@pytest.mark.parametrize("path", ["/admin/login/", "/health/live", "/api-not/really"])
def test_cors_stays_off_outside_the_api(client, path):
    response = client.get(path, HTTP_ORIGIN=ALLOWED)
    assert "Access-Control-Allow-Origin" not in response
