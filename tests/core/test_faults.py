"""Faults: the database or Redis going away, and a crash half-way through checkout."""

import json
import os
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connections
from django.test import override_settings
from rest_framework.throttling import UserRateThrottle

from tests.conftest import client_for
from tests.core.logcapture import captured_json_logs
from tests.helpers import settings_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls")]

CLOSED_PORT = "1"  # nothing listens on port 1 of 127.0.0.1: connections are refused at once


@contextmanager
def unreachable_database():
    """Swaps the default connection for one whose settings point nowhere: every query really tries to
    connect and fails with OperationalError. The test's own connection (and transaction) stays intact
    and comes back afterwards, which is the database returning."""
    reachable = connections["default"]
    settings_dict = {**reachable.settings_dict, "OPTIONS": {**reachable.settings_dict["OPTIONS"]}}
    if reachable.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-directory/shop.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=CLOSED_PORT)
        settings_dict["OPTIONS"]["connect_timeout"] = 2
    unreachable = reachable.__class__(settings_dict, alias="default")
    connections["default"] = unreachable
    try:
        yield
    finally:
        unreachable.close()
        connections["default"] = reachable


def _assert_503_problem(response):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "service_unavailable"
    assert "Traceback" not in response.content.decode()
    return body


def test_database_outage_makes_ready_503_and_recovery_makes_it_200(client):
    with unreachable_database():
        response = client.get("/health/ready")
        assert response.status_code == 503
        assert response.json()["checks"]["database"] == {
            "status": "error",
            "error": "OperationalError",
            "latency_ms": response.json()["checks"]["database"]["latency_ms"],
        }
    recovered = client.get("/health/ready")
    assert recovered.status_code == 200
    assert recovered.json()["checks"]["database"]["status"] == "ok"


def test_database_outage_gives_api_503_problem_then_recovers(customer):
    client = client_for(customer)
    with unreachable_database(), captured_json_logs() as lines:
        _assert_503_problem(client.get("/api/v1/_test/whoami/"))
    assert any(line["message"].startswith("database unavailable") for line in lines.of("shop.errors"))
    assert lines.of("shop.request")[0]["status"] == 503
    assert client.get("/api/v1/_test/whoami/").json() == {"id": customer.pk}


# The caches shop/settings.py makes when REDIS_URL is set, with nothing listening there.
REDIS_DOWN = settings_for(REDIS_URL=f"redis://127.0.0.1:{CLOSED_PORT}/0")["CACHES"]


def _strict_user_throttle(monkeypatch):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2/min"}
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", rates)


def test_user_throttle_counts_in_the_cache_when_it_works(customer, monkeypatch):
    _strict_user_throttle(monkeypatch)
    client = client_for(customer)
    assert [client.get("/api/v1/_test/whoami/").status_code for _ in range(3)] == [200, 200, 429]


@override_settings(CACHES=REDIS_DOWN, DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS=True)
def test_redis_down_keeps_the_api_serving_and_the_throttle_counting(customer, monkeypatch):
    _strict_user_throttle(monkeypatch)
    client = client_for(customer)
    with captured_json_logs() as lines:
        statuses = [client.get("/api/v1/_test/whoami/").status_code for _ in range(3)]
    # The throttle counts in the machine's file cache meanwhile (shop.core.cache.FailoverCache): never off.
    assert statuses == [200, 200, 429]
    assert any(line["logger"] == "shop.cache" and line["level"] == "WARNING" for line in lines)


@override_settings(CACHES=REDIS_DOWN)
def test_redis_down_is_reported_by_ready(client):
    body = client.get("/health/ready").json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
schema = client.get("/api/v1/schema/?format=json")
ready = client.get("/health/ready")
print(json.dumps({"schema": schema.status_code, "ready": ready.json()}))
"""


def test_settings_with_redis_url_down_keep_serving(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "REDIS_URL": f"redis://127.0.0.1:{CLOSED_PORT}/0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "LOG_FORMAT": "json",
    }
    result = subprocess.run(  # noqa: S603 - our own script, run with this interpreter
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["schema"] == 200
    assert answer["ready"]["checks"]["cache"]["status"] == "error"
    logged = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(line["logger"] == "django_redis.cache" and "exc_info" in line for line in logged)


def _state(cart, products) -> dict:
    from shop.carts.models import Cart
    from shop.catalog.models import Product, StockMovement, StockReservation
    from shop.orders.models import IdempotencyKey, Order, OrderItem

    cart = Cart.objects.get(pk=cart.pk)
    return {
        "stock": [Product.objects.get(pk=p.pk).stock for p in products],
        "movements": StockMovement.objects.count(),
        "cart": (cart.status, cart.expires_at),
        "lines": sorted(cart.items.values_list("product_id", "quantity")),
        "reservations": sorted(StockReservation.objects.values_list("holder", "product_id", "quantity", "expires_at")),
        "orders": (Order.objects.count(), OrderItem.objects.count()),
        "keys": IdempotencyKey.objects.count(),
    }


@pytest.fixture
def crash_after_first_stock_update(monkeypatch):
    """Makes `order_place` fail half-way: the first product's stock is already decremented."""
    from shop.orders import services

    real = services.stock_adjust
    calls = []

    def adjust_then_crash(**kwargs):
        product = real(**kwargs)
        calls.append(kwargs["product"].pk)
        if len(calls) == 1:
            raise RuntimeError("injected crash after a stock update")
        return product

    monkeypatch.setattr(services, "stock_adjust", adjust_then_crash)
    return calls


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("key", [None, "crash-retry-key"])
def test_a_crash_in_the_middle_of_checkout_changes_nothing(customer, crash_after_first_stock_update, key):
    from tests.factories import AddressFactory, CartWithLinesFactory, ProductFactory

    AddressFactory(user=customer, is_default=True)
    products = [ProductFactory(stock=5), ProductFactory(stock=7)]
    cart = CartWithLinesFactory(user=customer, lines=[(product, 2) for product in products])
    before = _state(cart, products)
    client = client_for(customer)
    client.raise_request_exception = False
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    response = client.post(f"/api/v1/carts/{cart.pk}/checkout/", {}, format="json", **headers)
    assert crash_after_first_stock_update, "the fault was not reached"
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert _state(cart, products) == before
    crash_after_first_stock_update.append("done")  # later calls go through: the fault has passed
    retry = client.post(f"/api/v1/carts/{cart.pk}/checkout/", {}, format="json", **headers)
    assert retry.status_code == 201
    assert _state(cart, products)["stock"] == [3, 5]


def test_a_handled_database_error_marks_the_open_transaction_for_rollback():
    from django.db import DataError, transaction

    from shop.core.errors import problem_exception_handler

    with transaction.atomic():
        response = problem_exception_handler(DataError("value out of range"), {"request": None})
        assert response.status_code == 400
        assert transaction.get_rollback()
