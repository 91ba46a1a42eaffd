"""OWASP API4:2023 unrestricted resource consumption: body size, page size, quantities, op lists, throttles."""

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.conftest import client_for
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _assert_413(response):
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "payload_too_large"
    assert body["status"] == 413


@pytest.mark.urls("tests.core.urls")
def test_body_over_the_default_limit_is_a_413_problem(client):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert limit == 2 * 1024 * 1024
    payload = '{"x": "' + "a" * limit + '"}'
    _assert_413(client.post("/api/v1/_test/echo/", data=payload, content_type="application/json"))


@pytest.mark.urls("tests.core.urls")
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_body_at_the_limit_is_parsed_and_one_byte_more_is_refused(client):
    at_limit = '{"x": "' + "a" * (1000 - 9) + '"}'
    assert len(at_limit) == 1000
    assert client.post("/api/v1/_test/echo/", data=at_limit, content_type="application/json").status_code == 200
    _assert_413(client.post("/api/v1/_test/echo/", data=at_limit + " ", content_type="application/json"))


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_declared_content_length_over_the_limit_is_refused_before_reading(client):
    response = client.generic(
        "POST", "/api/v1/auth/login/", data=b"{}", content_type="application/json", CONTENT_LENGTH="1000001"
    )
    _assert_413(response)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_body_on_a_real_endpoint_changes_nothing(client):
    from shop.accounts.models import User

    payload = '{"email": "big@example.com", "password": "correct-horse-battery-9", "first_name": "' + "a" * 2000 + '"}'
    _assert_413(client.post("/api/v1/auth/register/", data=payload, content_type="application/json"))
    assert not User.objects.filter(email="big@example.com").exists()


def test_page_size_is_clamped_to_100(client):
    ProductFactory.create_batch(101, stock=0)
    for name in ("page_size", "limit"):
        body = client.get("/api/v1/products/", {name: 100000}).json()
        assert body["count"] == 101
        assert len(body["results"]) == 100


@pytest.mark.parametrize("value", ["0", "-1", "abc"])
def test_nonsense_page_size_is_a_400(client, value):
    response = client.get("/api/v1/products/", {"page_size": value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def _cart(world):
    return client_for(world.alice.user), f"/api/v1/carts/{world.alice.cart.pk}/"


@pytest.mark.parametrize(
    "change",
    [
        {"add": [{"product": "{p}", "quantity": 1000}]},
        {"add": [{"product": "{p}", "quantity": 10**12}]},
        {"update": [{"product": "{p}", "quantity": 1000}]},
        {"add": [{"product": "{p}", "quantity": -1}]},
    ],
)
def test_line_quantities_are_capped(world, change):
    world.product.stock = 5000
    world.product.save(update_fields=["stock"])
    client, url = _cart(world)
    key = next(iter(change))
    body = {key: [{**change[key][0], "product": world.product.pk}]}
    response = client.patch(url, body, format="json")
    assert response.status_code == 400
    assert world.alice.cart.items.get().quantity == 1


def test_a_patch_holds_at_most_100_changes(world):
    client, url = _cart(world)
    response = client.patch(url, {"remove": list(range(1, 102))}, format="json")
    assert response.status_code == 400
    assert "100" in str(response.json()["errors"])
    assert client.patch(url, {"remove": list(range(10**6, 10**6 + 100))}, format="json").status_code == 200


def test_a_cart_holds_at_most_cart_max_lines_lines(world):
    client, url = _cart(world)
    products = ProductFactory.create_batch(settings.CART_MAX_LINES, stock=5)
    response = client.patch(url, {"add": [{"product": p.pk, "quantity": 1} for p in products]}, format="json")
    assert response.status_code == 400  # with the line already in the cart that is one line too many
    assert world.alice.cart.items.count() == 1


@pytest.fixture
def strict_anon_rate(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "5/min")


def test_anonymous_reads_are_throttled(client, strict_anon_rate):
    statuses = [client.get("/api/v1/products/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    throttled = client.get("/api/v1/categories/")
    assert throttled.status_code == 429
    assert throttled["Content-Type"] == "application/problem+json"
    assert int(throttled["Retry-After"]) > 0


def test_anonymous_callers_are_limited_by_the_anon_rate_alone_and_users_by_the_user_rate(world, monkeypatch):
    """The user scope counts authenticated callers only (one cache write less per anonymous request)."""
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "4/min")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "2/min")
    anonymous = [APIClient().get("/api/v1/products/").status_code for _ in range(5)]
    assert anonymous == [200] * 4 + [429]
    alice = client_for(world.alice.user)
    assert [alice.get("/api/v1/products/").status_code for _ in range(3)] == [200, 200, 429]


def test_checkout_is_throttled_per_user(world, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "checkout", "1/min")
    client = client_for(world.alice.user)
    first = client.post(f"/api/v1/carts/{world.alice.cart.pk}/checkout/", {}, format="json")
    assert first.status_code == 201
    again = client.post(f"/api/v1/carts/{world.alice.cart.pk}/checkout/", {}, format="json")
    assert again.status_code == 429
