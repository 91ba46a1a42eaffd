"""A cart's money: vouchers applied and removed, the document's subtotal/discount/total, and the quote."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.carts.models import Cart
from tests.factories import (
    AddressFactory,
    CartFactory,
    CartItemFactory,
    CategoryFactory,
    ProductFactory,
    ShippingMethodFactory,
    TaxRateFactory,
    VoucherFactory,
    product_with_variants,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cart(customer):
    cart = CartFactory(user=customer)
    CartItemFactory(cart=cart, product=ProductFactory(price=Decimal("20.00")), quantity=2)
    return cart


def apply(client, cart, code):
    return client.post(f"/api/v1/carts/{cart.pk}/voucher/", {"code": code}, format="json")


def test_applying_a_voucher_discounts_the_cart_document(customer_client, cart):
    VoucherFactory(code="TEN", kind="percent", value=Decimal("10"))
    response = apply(customer_client, cart, "ten")
    assert response.status_code == 200, response.json()
    data = response.data
    assert (data["currency"], data["subtotal"], data["discount"], data["total"]) == ("USD", "40.00", "4.00", "36.00")
    assert data["voucher"] == "TEN"


def test_removing_the_voucher_gives_the_full_price_again(customer_client, cart):
    cart.voucher = VoucherFactory(kind="fixed", value=Decimal("5.00"))
    cart.save()
    response = customer_client.delete(f"/api/v1/carts/{cart.pk}/voucher/")
    assert response.status_code == 200
    assert (response.data["voucher"], response.data["discount"], response.data["total"]) == (None, "0.00", "40.00")


def _expired():
    return {"starts_at": timezone.now() - timedelta(days=2), "ends_at": timezone.now() - timedelta(days=1)}


@pytest.mark.parametrize(
    ("voucher", "reason"),
    [
        (None, "unknown"),
        ({"is_active": False}, "inactive"),
        ({"starts_at": timezone.now() + timedelta(days=1)}, "not_started"),
        ("expired", "expired"),
        ({"usage_limit": 1, "times_used": 1}, "used_up"),
        ({"min_subtotal": Decimal("40.01")}, "minimum_not_met"),
        ("other category", "not_applicable"),
    ],
)
def test_an_unusable_voucher_is_a_400_with_its_reason_and_changes_nothing(customer_client, cart, voucher, reason):
    if voucher == "expired":
        voucher = _expired()
    if voucher == "other category":
        VoucherFactory(code="CODE").categories.add(CategoryFactory())
    elif voucher is not None:
        VoucherFactory(code="CODE", **voucher)
    response = apply(customer_client, cart, "CODE")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["reason"]) == ("voucher_invalid", reason)
    assert Cart.objects.get(pk=cart.pk).voucher is None


def test_a_voucher_the_customer_has_used_up_is_refused(customer_client, cart, customer):
    voucher = VoucherFactory(code="ONCE", per_customer_limit=1)
    voucher.uses.create(user=customer, reference="SO-1")
    assert apply(customer_client, cart, "ONCE").json()["reason"] == "used_up"


def test_someone_elses_cart_takes_no_voucher(other_client, cart):
    VoucherFactory(code="TEN")
    assert apply(other_client, cart, "TEN").status_code == 404


def test_the_document_says_why_a_voucher_stopped_counting(customer_client, cart):
    cart.voucher = VoucherFactory(min_subtotal=Decimal("100.00"))
    cart.save()
    data = customer_client.get(f"/api/v1/carts/{cart.pk}/").data
    assert (data["discount"], data["voucher_problem"]) == ("0.00", "minimum_not_met")


def test_a_category_voucher_applies_to_a_variant_through_its_parents_categories(customer_client, customer):
    shirts = CategoryFactory()
    _parent, (small, *_) = product_with_variants(categories=[shirts], price="30.00")
    cart = CartFactory(user=customer)
    CartItemFactory(cart=cart, product=small)
    CartItemFactory(cart=cart, product=ProductFactory(price=Decimal("20.00")))  # in no category
    VoucherFactory(code="SHIRTS", kind="percent", value=Decimal("10")).categories.add(shirts)
    response = apply(customer_client, cart, "SHIRTS")
    assert response.status_code == 200, response.json()
    assert (response.data["subtotal"], response.data["discount"]) == ("50.00", "3.00")


def test_a_variants_own_categories_replace_its_parents_for_vouchers(customer_client, customer):
    shirts, sale = CategoryFactory(), CategoryFactory()
    _parent, (small, *_) = product_with_variants(categories=[shirts])
    small.categories.set([sale])
    cart = CartFactory(user=customer)
    CartItemFactory(cart=cart, product=small)
    VoucherFactory(code="SHIRTS").categories.add(shirts)
    assert apply(customer_client, cart, "SHIRTS").json()["reason"] == "not_applicable"


def test_the_quote_adds_shipping_and_the_destinations_tax(customer_client, cart):
    ShippingMethodFactory(code="standard", name="Standard", price=Decimal("4.99"), free_over=Decimal("50.00"))
    ShippingMethodFactory(code="express", price=Decimal("14.99"))
    TaxRateFactory(country="US", rate=Decimal("0.0800"))
    response = customer_client.get(f"/api/v1/carts/{cart.pk}/quote/?country=US&shipping_method=standard")
    assert response.status_code == 200, response.json()
    data = response.data
    assert (data["subtotal"], data["discount"], data["shipping"], data["tax"], data["total"]) == (
        "40.00", "0.00", "4.99", "3.60", "48.59",
    )  # fmt: skip
    assert data["shipping_method"] == {"code": "standard", "name": "Standard", "price": "4.99"}
    assert {m["code"] for m in data["shipping_methods"]} == {"standard", "express"}


def test_the_quote_takes_the_country_of_one_of_the_owners_addresses(customer_client, cart, customer):
    TaxRateFactory(country="DE", rate=Decimal("0.1900"))
    address = AddressFactory(user=customer, country="DE")
    data = customer_client.get(f"/api/v1/carts/{cart.pk}/quote/?shipping_address={address.pk}").data
    assert (data["country"], data["tax"], data["total"]) == ("DE", "7.60", "47.60")


@pytest.mark.parametrize(
    "query",
    ["country=US&shipping_method=nordic", "country=ZZ", "shipping_method=standard", "shipping_address=999999"],
)
def test_a_quote_for_an_impossible_destination_is_a_400(customer_client, cart, query):
    ShippingMethodFactory(code="standard")
    ShippingMethodFactory(code="nordic", countries=["NO"])
    assert customer_client.get(f"/api/v1/carts/{cart.pk}/quote/?{query}").status_code == 400


def test_a_page_of_carts_prices_them_in_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    def a_cart():
        cart = CartFactory(user=None, session_key=f"guest-{Cart.objects.count():020d}")
        cart.voucher = VoucherFactory()
        cart.save()
        product = ProductFactory()
        product.categories.add(CategoryFactory())
        CartItemFactory(cart=cart, product=product)

    a_cart()
    with django_assert_max_num_queries(12) as few:
        staff_client.get("/api/v1/carts/")
    for _ in range(8):
        a_cart()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get("/api/v1/carts/").data["count"] == 9


def test_the_quote_ignores_query_parameters_of_the_whole_api(customer_client, cart):
    response = customer_client.get(f"/api/v1/carts/{cart.pk}/quote/?country=US&lang=en")
    assert response.status_code == 200 and response.data["total"] == "40.00"


def test_with_prices_including_tax_the_quote_shows_the_included_tax(customer_client, cart, settings):
    settings.PRICES_INCLUDE_TAX = True
    TaxRateFactory(country="DE", rate=Decimal("0.2500"))
    data = customer_client.get(f"/api/v1/carts/{cart.pk}/quote/?country=DE").data
    assert (data["tax"], data["total"], data["tax_included"]) == ("8.00", "40.00", True)
