"""Black-box: FAKESTORE_API=off, unknown paths, CORS and the layer's own throttle scope."""

import pytest

from shop.core.throttling import ScopedRateThrottle
from tests.helpers import assert_problem, settings_for

pytestmark = pytest.mark.django_db

EVERY_PATH = (
    ("get", "/fakestore/products"),
    ("get", "/fakestore/products/1"),
    ("get", "/fakestore/products/categories"),
    ("get", "/fakestore/products/category/jewelery"),
    ("post", "/fakestore/products"),
    ("post", "/fakestore/auth/login"),
    ("get", "/fakestore/users"),
    ("get", "/fakestore/carts"),
)


@pytest.mark.parametrize(("method", "path"), EVERY_PATH)
def test_off_answers_404_everywhere(client, fakestore_catalog, settings, method, path):
    settings.FAKESTORE_API = "off"
    assert_problem(getattr(client, method)(path, {}, content_type="application/json"), 404, "not_found")


@pytest.mark.parametrize("method", ["get", "post", "delete"])
@pytest.mark.parametrize("path", ["/fakestore/", "/fakestore/nothing", "/fakestore/products/1/reviews"])
def test_an_unknown_path_is_a_404_problem_without_a_redirect(client, db, method, path):
    assert_problem(getattr(client, method)(path), 404, "not_found")


def test_a_method_fakestore_does_not_have_is_a_405_problem(client, fakestore_catalog):
    assert_problem(client.delete("/fakestore/products"), 405, "method_not_allowed")
    assert_problem(client.post("/fakestore/products/categories"), 405, "method_not_allowed")


def test_cors_applies_as_for_the_api(client, fakestore_catalog, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://front.example.com"]
    response = client.get("/fakestore/products", HTTP_ORIGIN="https://front.example.com")
    assert response["Access-Control-Allow-Origin"] == "https://front.example.com"
    preflight = client.options(
        "/fakestore/auth/login",
        HTTP_ORIGIN="https://front.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert preflight.status_code == 200 and preflight["Access-Control-Allow-Origin"] == "https://front.example.com"
    assert "Access-Control-Allow-Origin" not in client.get("/fakestore/products", HTTP_ORIGIN="https://evil.example")


def test_the_layer_has_its_own_throttle_scope(client, fakestore_catalog, monkeypatch):
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "fakestore": "3/min"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    answers = [client.get("/fakestore/products/categories").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert client.get("/api/v1/products/").status_code == 200  # the API's own rates are not spent


def test_the_mode_and_rate_come_from_the_environment():
    assert settings_for(FAKESTORE_API="demo", THROTTLE_FAKESTORE="7/min")["FAKESTORE_API"] == "demo"
    assert settings_for(THROTTLE_FAKESTORE="7/min")["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"]["fakestore"] == "7/min"
    assert settings_for()["FAKESTORE_API"] == "catalog"


def test_an_unknown_mode_stops_the_start():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="FAKESTORE_API"):
        settings_for(FAKESTORE_API="everything")
