"""Checkout prices the cart with the one pricing function and the order keeps a snapshot of every part."""

from decimal import Decimal

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop.carts import services as cart_services
from shop.carts.models import Cart
from shop.carts.selectors import cart_queryset, cart_quote
from shop.catalog.models import Product
from shop.orders import services as order_services
from shop.orders.models import Order
from shop.pricing.exceptions import VoucherUnavailable
from shop.pricing.models import ShippingMethod, TaxRate, Voucher
from tests.factories import (
    CartFactory,
    CartItemFactory,
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    ShippingMethodFactory,
    TaxRateFactory,
    VoucherFactory,
    product_with_variants,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop_setup():
    ShippingMethodFactory(code="standard", name="Standard", price=Decimal("4.99"), free_over=Decimal("50.00"))
    ShippingMethodFactory(code="express", name="Express", price=Decimal("14.99"))
    TaxRateFactory(country="US", rate=Decimal("0.0825"))


@pytest.fixture
def cart(customer, shipping_addresses):
    cart = CartFactory(user=customer)
    CartItemFactory(cart=cart, product=ProductFactory(price=Decimal("12.50"), stock=20), quantity=2)
    return cart


def checkout(client, cart, **body):
    return client.post(f"/api/v1/carts/{cart.pk}/checkout/", body, format="json")


def test_checkout_charges_what_the_quote_said(customer_client, cart, shop_setup):
    cart.voucher = VoucherFactory(code="FIVE", kind="fixed", value=Decimal("5.00"))
    cart.save()
    quote = customer_client.get(f"/api/v1/carts/{cart.pk}/quote/?country=US&shipping_method=express").data
    response = checkout(customer_client, cart, shipping_method="express")
    assert response.status_code == 201, response.json()
    order = response.data
    for part in ("currency", "subtotal", "discount", "shipping", "tax", "total", "voucher"):
        assert order[part] == quote[part], part
    assert (order["subtotal"], order["discount"], order["shipping"], order["tax"], order["total"]) == (
        "25.00", "5.00", "14.99", "2.89", "37.88",
    )  # fmt: skip
    assert order["shipping_method"] == {"code": "express", "name": "Express", "price": "14.99"}
    assert order["voucher"] == "FIVE" and order["currency"] == "USD"


def test_a_category_voucher_discounts_a_variant_of_a_product_in_that_category(
    customer_client, customer, shipping_addresses
):
    shirts = CategoryFactory()
    _parent, (small, *_) = product_with_variants(categories=[shirts], price="40.00", stock=5)
    cart = CartFactory(user=customer)
    CartItemFactory(cart=cart, product=small)
    CartItemFactory(cart=cart, product=ProductFactory(price=Decimal("10.00"), stock=5))
    cart.voucher = VoucherFactory(code="SHIRTS", kind="percent", value=Decimal("25"))
    cart.voucher.categories.add(shirts)
    cart.save()
    response = checkout(customer_client, cart)
    assert response.status_code == 201, response.json()
    assert (response.data["subtotal"], response.data["discount"], response.data["total"]) == (
        "50.00", "10.00", "40.00",
    )  # fmt: skip


def test_the_order_keeps_its_prices_when_the_shop_changes_them(customer_client, cart, shop_setup):
    order_id = checkout(customer_client, cart, shipping_method="standard").data["id"]
    Product.objects.update(price=Decimal("99.00"))
    ShippingMethod.objects.update(price=Decimal("50.00"), name="Renamed")
    TaxRate.objects.update(rate=Decimal("0.5"))
    order = customer_client.get(f"/api/v1/orders/{order_id}/").data
    assert (order["total"], order["shipping_method"]["name"], order["shipping_method"]["price"]) == (
        "32.46", "Standard", "4.99",
    )  # fmt: skip


def test_checkout_needs_a_method_when_the_destination_has_some(customer_client, cart, shop_setup):
    response = checkout(customer_client, cart)
    assert response.status_code == 400 and "shipping_method" in response.json()["errors"]
    assert Cart.objects.get(pk=cart.pk).status == Cart.Status.OPEN and not Order.objects.exists()


def test_a_method_that_does_not_serve_the_address_is_a_400(customer_client, cart, shop_setup):
    ShippingMethodFactory(code="nordic", countries=["NO"])
    response = checkout(customer_client, cart, shipping_method="nordic")
    assert response.status_code == 400 and "shipping_method" in response.json()["errors"]
    assert not Order.objects.exists()


def test_without_any_method_for_the_destination_shipping_is_free(customer_client, cart):
    response = checkout(customer_client, cart)
    assert response.status_code == 201
    assert (response.data["shipping"], response.data["shipping_method"], response.data["total"]) == (
        "0.00", None, "25.00",
    )  # fmt: skip


def test_a_voucher_used_up_meanwhile_is_a_409_and_nothing_changes(customer_client, cart, shop_setup):
    voucher = VoucherFactory(code="ONE", usage_limit=1)
    cart_services.cart_voucher_apply(cart=cart, code="one")
    Voucher.objects.filter(pk=voucher.pk).update(times_used=1)
    response = checkout(customer_client, cart, shipping_method="standard")
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["reason"]) == ("voucher_unavailable", "used_up")
    cart.refresh_from_db()
    assert cart.status == Cart.Status.OPEN and cart.voucher_id == voucher.pk and not Order.objects.exists()
    assert Product.objects.get().stock == 20


def test_a_voucher_counts_its_uses_and_cancelling_gives_the_use_back(customer_client, cart, customer, shop_setup):
    voucher = VoucherFactory(code="ONE", usage_limit=1)
    cart_services.cart_voucher_apply(cart=cart, code="ONE")
    order_id = checkout(customer_client, cart, shipping_method="standard").data["id"]
    voucher.refresh_from_db()
    assert voucher.times_used == 1 and list(voucher.uses.values_list("reference", flat=True)) == [
        Order.objects.get().number
    ]
    assert customer_client.post(f"/api/v1/orders/{order_id}/cancel/").status_code == 200
    voucher.refresh_from_db()
    assert voucher.times_used == 0 and voucher.uses.get().released_at is not None


def _cart_with_voucher(user, voucher) -> Cart:
    cart = CartFactory(user=user)
    CartItemFactory(cart=cart, product=ProductFactory(stock=5))
    cart.voucher = voucher
    cart.save()
    return cart


def test_a_per_customer_limit_counts_only_that_customers_orders(customer, other_customer, shipping_addresses):
    voucher = VoucherFactory(code="WELCOME", per_customer_limit=1)
    order_services.order_place(cart=_cart_with_voucher(customer, voucher), by=customer)
    with pytest.raises(VoucherUnavailable) as refused:
        order_services.order_place(cart=_cart_with_voucher(customer, voucher), by=customer)
    assert refused.value.reason == "used_up"
    order_services.order_place(cart=_cart_with_voucher(other_customer, voucher), by=other_customer)
    assert Voucher.objects.get().times_used == 2 and Order.objects.count() == 2


line_specs = st.lists(
    st.tuples(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2), st.integers(1, 5)),
    min_size=1,
    max_size=4,
)
voucher_specs = st.none() | st.tuples(
    st.sampled_from(["percent", "fixed", "free_shipping"]), st.decimals(min_value=0, max_value=100, places=2)
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=line_specs,
    voucher_spec=voucher_specs,
    method=st.sampled_from(["standard", "express"]),
    included=st.booleans(),
)
def test_every_generated_order_adds_up_and_matches_its_quote(shop_setup, specs, voucher_spec, method, included):
    user = CustomerFactory()  # with a default address in the US
    cart = CartFactory(user=user)
    for price, quantity in specs:
        CartItemFactory(cart=cart, product=ProductFactory(price=price, stock=10), quantity=quantity)
    if voucher_spec:
        cart.voucher = VoucherFactory(kind=voucher_spec[0], value=voucher_spec[1])
        cart.save()
    with override_settings(PRICES_INCLUDE_TAX=included):
        chosen = ShippingMethod.objects.get(code=method)
        quote = cart_quote(cart_queryset().get(pk=cart.pk), country="US", shipping_method=chosen).totals
        order = order_services.order_place(cart=cart, by=user, shipping_method=method)
    order.refresh_from_db()
    assert (order.subtotal, order.discount, order.shipping, order.tax, order.total) == (
        quote.subtotal, quote.discount, quote.shipping, quote.tax, quote.total,
    )  # fmt: skip
    goods_and_shipping = order.subtotal - order.discount + order.shipping
    assert order.total == (goods_and_shipping if included else goods_and_shipping + order.tax)
    assert min(order.subtotal, order.discount, order.shipping, order.tax, order.total) >= 0
