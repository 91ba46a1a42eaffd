"""Vouchers under concurrent checkouts (PostgreSQL, each thread with its own connection): the limits hold and
the customers turned away keep everything they had."""

from decimal import Decimal

import pytest

from shop.carts.models import Cart, CartItem
from shop.catalog.models import Product, StockReservation
from shop.orders.models import Order
from shop.pricing.models import Voucher
from tests.factories import CustomerFactory, ProductFactory, VoucherFactory
from tests.orders.test_concurrency import run_at_once, user_client

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def carts_with(voucher, product, users):
    carts = []
    for user in users:
        cart = Cart.objects.create(user=user, voucher=voucher)
        CartItem.objects.create(cart=cart, product=product, quantity=1)
        carts.append(cart)
    return carts


def checkout_together(users, carts):
    clients = [user_client(user) for user in users]

    def checkout(i):
        response = clients[i].post(f"/api/v1/carts/{carts[i].pk}/checkout/", {}, format="json")
        return response.status_code, response.json()

    return run_at_once(len(users), checkout)


def test_a_voucher_for_one_use_and_ten_checkouts_gives_one_discounted_order():
    product = ProductFactory(stock=100, price=Decimal("20.00"))
    voucher = VoucherFactory(code="ONLYONE", kind="fixed", value=Decimal("5.00"), usage_limit=1)
    users = [CustomerFactory(email=f"voucher{i}@example.com") for i in range(10)]
    carts = carts_with(voucher, product, users)
    reserved = StockReservation.objects.count()
    results = checkout_together(users, carts)
    assert sorted(status for status, _ in results) == [201] + [409] * 9, results
    assert all(body["code"] == "voucher_unavailable" for status, body in results if status == 409)
    assert Order.objects.count() == 1 and Order.objects.get().discount == Decimal("5.00")
    assert Voucher.objects.get().times_used == 1
    assert Product.objects.get().stock == 99
    assert Cart.objects.filter(status=Cart.Status.OPEN, voucher=voucher).count() == 9
    assert StockReservation.objects.count() == reserved  # the customers turned away lost nothing


def test_per_customer_and_total_limits_together_under_ten_checkouts():
    product = ProductFactory(stock=100)
    voucher = VoucherFactory(code="THREE", per_customer_limit=1, usage_limit=3)
    users = [CustomerFactory(email=f"limited{i}@example.com") for i in range(10)]
    results = checkout_together(users, carts_with(voucher, product, users))
    assert sorted(status for status, _ in results) == [201] * 3 + [409] * 7, results
    assert Voucher.objects.get().times_used == 3 == Order.objects.exclude(voucher=None).count()
    assert Product.objects.get().stock == 97


def test_one_customer_checking_out_from_two_devices_uses_the_voucher_once():
    """A customer has one open cart, so a second use at the same time can only come from the same cart."""
    product = ProductFactory(stock=100)
    voucher = VoucherFactory(code="WELCOME", per_customer_limit=1)
    user = CustomerFactory(email="twice@example.com")
    (cart,) = carts_with(voucher, product, [user])
    results = checkout_together([user, user], [cart, cart])
    assert sorted(status for status, _ in results) == [201, 409], results
    assert Order.objects.filter(user=user).count() == 1
    assert Voucher.objects.get().times_used == 1 == voucher.uses.count()
