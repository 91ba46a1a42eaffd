"""Races that only a real database with row locks shows: run on PostgreSQL, each thread with its own connection."""

import threading

import pytest
from django.db import connections
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from shop.carts import services as cart_services
from shop.carts.models import Cart, CartItem
from shop.catalog.models import Product, StockMovement
from shop.catalog.selectors import stock_available
from shop.catalog.services import stock_set
from shop.orders.models import Order
from tests.factories import CartWithLinesFactory, CustomerFactory, ProductFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(count, work):
    """Run `work(i)` in `count` threads released together; returns results (or the exceptions raised)."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def user_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def customer_cart(index, product, quantity=1):
    """A customer (with a default address) whose cart has a line that holds no reservation."""
    user = CustomerFactory(email=f"racer{index}@example.com")
    cart = Cart.objects.create(user=user)
    CartItem.objects.create(cart=cart, product=product, quantity=quantity)
    return user, cart


def checkout_all(buyers):
    """Every (user, cart) checks out at the same moment; returns the statuses in buyer order."""
    clients = [user_client(user) for user, _ in buyers]

    def checkout(i):
        return clients[i].post(f"/api/v1/carts/{buyers[i][1].pk}/checkout/", {}, format="json").status_code

    return run_at_once(len(buyers), checkout)


def test_twenty_concurrent_checkouts_sell_exactly_the_stock():
    product = ProductFactory(stock=5)
    carts = [customer_cart(i, product) for i in range(20)]
    clients = [user_client(user) for user, _ in carts]

    def checkout(i):
        response = clients[i].post(f"/api/v1/carts/{carts[i][1].pk}/checkout/", {}, format="json")
        return response.status_code, response.json()

    results = run_at_once(20, checkout)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * 5 + [409] * 15
    assert all(body["code"] == "insufficient_stock" for status, body in results if status == 409)
    assert Product.objects.get(pk=product.pk).stock == 0
    assert Order.objects.count() == 5
    assert sum(StockMovement.objects.filter(product=product, reason="sale").values_list("delta", flat=True)) == -5


def test_concurrent_retries_with_one_key_make_one_order():
    product = ProductFactory(stock=50)
    user, cart = customer_cart(0, product, quantity=2)
    clients = [user_client(user) for _ in range(8)]

    def checkout(i):
        response = clients[i].post(
            f"/api/v1/carts/{cart.pk}/checkout/", {}, format="json", HTTP_IDEMPOTENCY_KEY="same-key-for-all"
        )
        return response.status_code, response.json()

    results = run_at_once(8, checkout)
    statuses = {status for status, _ in results}
    assert statuses <= {201, 409} and 201 in statuses
    numbers = {body["number"] for status, body in results if status == 201}
    assert len(numbers) == 1
    assert all(body["code"] == "conflict" for status, body in results if status == 409)
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock == 48


def test_concurrent_cart_additions_never_reserve_more_than_the_stock():
    product = ProductFactory(stock=3)
    carts = [cart_services.cart_get_or_create_open(user=CustomerFactory()) for _ in range(10)]

    def add(i):
        cart_services.cart_apply_changes(cart=carts[i], add=[{"product": product.pk, "quantity": 1}])
        return "ok"

    results = run_at_once(10, add)
    assert results.count("ok") == 3
    assert stock_available(product_ids=[product.pk]) == {product.pk: 0}


def test_concurrent_checkouts_after_stock_fell_below_the_reservations_sell_what_is_left(staff):
    product = ProductFactory(stock=6)
    carts = [CartWithLinesFactory(user=CustomerFactory(), lines=[(product, 1)]) for _ in range(6)]
    stock_set(product=product, stock=5, reason="adjustment", by=staff)
    statuses = checkout_all([(cart.user, cart) for cart in carts])
    assert sorted(statuses) == [201] * 5 + [409]
    assert statuses[-1] == 409  # the newest reservation is the one left without stock
    assert Product.objects.get(pk=product.pk).stock == 0 and Order.objects.count() == 5


def test_abandon_stale_carts_from_two_machines_counts_each_cart_once(settings):
    settings.CART_ABANDON_TTL_MINUTES = 0
    for i in range(6):
        cart_services.cart_get_or_create_open(session_key=f"guest-session-stale-{i:04d}")
    results = run_at_once(2, lambda i: cart_services.cart_abandon_stale())
    assert sum(results) == 6
    assert Cart.objects.filter(status="abandoned").count() == 6


def test_concurrent_first_requests_of_a_guest_share_one_open_cart():
    session = "guest-session-first-visit"
    results = run_at_once(6, lambda i: cart_services.cart_get_or_create_open(session_key=session).pk)
    assert len(set(results)) == 1 and Cart.objects.filter(session_key=session).count() == 1
