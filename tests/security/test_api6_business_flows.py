"""OWASP API6:2023 unrestricted access to sensitive business flows: checkout replay and races,
reservation hoarding."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from shop.carts import services as cart_services
from shop.carts.models import Cart
from shop.catalog.models import Product
from shop.orders.models import Order
from tests.conftest import client_for
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _checkout(client, cart_pk: int, body=None, key: str | None = None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/carts/{cart_pk}/checkout/", body or {}, format="json", **headers)


def test_a_replayed_checkout_returns_the_first_answer_and_places_one_order(world):
    alice, stock = world.alice, Product.objects.get(pk=world.product.pk).stock
    client = client_for(alice.user)
    first = _checkout(client, alice.cart.pk, key="order-attempt-1")
    replay = _checkout(client, alice.cart.pk, key="order-attempt-1")
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Order.objects.filter(user=alice.user).count() == 2  # the world's order and this one
    assert Product.objects.get(pk=world.product.pk).stock == stock - 1


def test_an_idempotency_key_cannot_be_reused_for_another_request(world):
    alice = world.alice
    client = client_for(alice.user)
    assert _checkout(client, alice.cart.pk, key="k-1").status_code == 201
    other = _checkout(client, alice.cart.pk, {"shipping_address": alice.address.pk}, key="k-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_a_cart_is_checked_out_once(world):
    alice = world.alice
    client = client_for(alice.user)
    assert _checkout(client, alice.cart.pk).status_code == 201
    again = _checkout(client, alice.cart.pk)
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert Order.objects.filter(cart=alice.cart).count() == 1


def test_another_customers_reservation_is_not_for_sale(world):
    product = ProductFactory(stock=3)
    alice, bob = world.alice, world.bob
    client_for(alice.user).patch(
        f"/api/v1/carts/{alice.cart.pk}/", {"add": [{"product": product.pk, "quantity": 3}]}, format="json"
    )
    response = client_for(bob.user).patch(
        f"/api/v1/carts/{bob.cart.pk}/", {"add": [{"product": product.pk, "quantity": 1}]}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert response.json()["shortages"] == [{"product": product.pk, "available": 0}]


def test_reservations_lapse_so_stock_cannot_be_hoarded_for_long(world):
    product = ProductFactory(stock=3)
    alice, bob = world.alice, world.bob
    client_for(alice.user).patch(
        f"/api/v1/carts/{alice.cart.pk}/", {"add": [{"product": product.pk, "quantity": 3}]}, format="json"
    )
    later = timezone.now() + timedelta(minutes=settings.CART_RESERVATION_TTL_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        bob_client = client_for(bob.user)
        response = bob_client.patch(
            f"/api/v1/carts/{bob.cart.pk}/", {"add": [{"product": product.pk, "quantity": 3}]}, format="json"
        )
        assert response.status_code == 200
        assert _checkout(bob_client, bob.cart.pk).status_code == 201
        assert _checkout(client_for(alice.user), alice.cart.pk).status_code == 409
    assert Product.objects.get(pk=product.pk).stock == 0


def test_a_customer_has_one_open_cart(world):
    client = client_for(world.alice.user)
    ids = {client.get("/api/v1/carts/current/").json()["id"] for _ in range(3)}
    assert ids == {world.alice.cart.pk}
    assert Cart.objects.filter(user=world.alice.user, status=Cart.Status.OPEN).count() == 1


def test_guest_carts_are_limited_by_the_anonymous_rate(api_client, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/min")
    statuses = [
        api_client.get("/api/v1/carts/current/", HTTP_X_SESSION_ID=f"hoarding-session-{n:04d}").status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert Cart.objects.filter(user__isnull=True).count() == 3


def _in_threads(count: int, work) -> list:
    """Run `work(index)` in `count` threads started together; each thread closes its connection."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = work(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_of_one_cart_place_one_order():
    user, product = CustomerFactory(), ProductFactory(stock=5)
    cart = cart_services.cart_get_or_create_open(user=user)
    cart_services.cart_apply_changes(cart=cart, add=[{"product": product.pk, "quantity": 2}])
    statuses = _in_threads(4, lambda n: _checkout(client_for(user), cart.pk).status_code)
    assert sorted(statuses) == [201, 409, 409, 409]
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_with_one_key_place_one_order():
    user, product = CustomerFactory(), ProductFactory(stock=5)
    cart = cart_services.cart_get_or_create_open(user=user)
    cart_services.cart_apply_changes(cart=cart, add=[{"product": product.pk, "quantity": 1}])
    statuses = _in_threads(4, lambda n: _checkout(client_for(user), cart.pk, key="same-key").status_code)
    assert statuses.count(201) >= 1 and set(statuses) <= {201, 409}
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_customers_racing_for_the_last_unit_sell_it_once():
    product = ProductFactory(stock=1)
    buyers = []
    for _ in range(4):
        user = CustomerFactory()
        cart = Cart.objects.create(user=user)
        cart.items.create(product=product, quantity=1)  # a line that holds no reservation
        buyers.append((user, cart))
    statuses = _in_threads(4, lambda n: _checkout(client_for(buyers[n][0]), buyers[n][1].pk).status_code)
    assert sorted(statuses) == [201, 409, 409, 409]
    assert Product.objects.get(pk=product.pk).stock == 0
    assert Order.objects.count() == 1
