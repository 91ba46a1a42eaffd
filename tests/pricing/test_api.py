"""Shipping methods, tax rates and vouchers over the API: who sees what, and bad input refused."""

from decimal import Decimal

import pytest

from shop.pricing.models import ShippingMethod, TaxRate, Voucher
from tests.factories import CategoryFactory, ShippingMethodFactory, TaxRateFactory, VoucherFactory

pytestmark = pytest.mark.django_db


def test_anyone_lists_the_active_methods_serving_a_country(api_client):
    ShippingMethodFactory(code="standard", price=Decimal("4.99"), free_over=Decimal("50.00"))
    ShippingMethodFactory(code="nordic", countries=["NO", "SE"])
    ShippingMethodFactory(code="retired", is_active=False)
    response = api_client.get("/api/v1/shipping-methods/?country=us")
    assert response.status_code == 200
    assert [m["code"] for m in response.data["results"]] == ["standard"]
    first = response.data["results"][0]
    assert (first["price"], first["free_over"], first["min_days"], first["max_days"]) == ("4.99", "50.00", 2, 5)
    norway = api_client.get("/api/v1/shipping-methods/?country=NO").data["results"]
    assert {m["code"] for m in norway} == {"standard", "nordic"}


def test_an_unknown_country_is_a_400(api_client):
    response = api_client.get("/api/v1/shipping-methods/?country=XX")
    assert response.status_code == 400 and "country" in response.json()["errors"]


def test_staff_see_inactive_methods_and_create_them(staff_client):
    ShippingMethodFactory(code="retired", is_active=False)
    assert [m["code"] for m in staff_client.get("/api/v1/shipping-methods/").data["results"]] == ["retired"]
    body = {"code": "express", "name": "Express", "price": "14.99", "countries": ["us", "CA"], "min_days": 1}
    response = staff_client.post("/api/v1/shipping-methods/", body, format="json")
    assert response.status_code == 201, response.json()
    assert ShippingMethod.objects.get(code="express").countries == ["CA", "US"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"price": "-1.00"}, "price"),
        ({"free_over": "-0.01"}, "free_over"),
        ({"countries": ["ZZ"]}, "countries"),
        ({"min_days": 9, "max_days": 2}, "max_days"),
    ],
)
def test_bad_shipping_methods_are_refused(staff_client, body, field):
    base = {"code": "x", "name": "X", "price": "1.00"}
    response = staff_client.post("/api/v1/shipping-methods/", {**base, **body}, format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert not ShippingMethod.objects.exists()


def test_customers_cannot_read_or_write_tax_rates(customer_client):
    TaxRateFactory()
    assert customer_client.get("/api/v1/tax-rates/").status_code == 403
    assert customer_client.post("/api/v1/tax-rates/", {"country": "DE", "rate": "0.19"}).status_code == 403


@pytest.mark.parametrize(("rate", "status"), [("0.2000", 201), ("1.0000", 201), ("1.0001", 400), ("-0.01", 400)])
def test_tax_rates_are_between_zero_and_one_hundred_percent(staff_client, rate, status):
    response = staff_client.post("/api/v1/tax-rates/", {"country": "DE", "rate": rate, "name": "VAT"}, format="json")
    assert response.status_code == status, response.json()
    assert TaxRate.objects.filter(country="DE").exists() == (status == 201)


def test_a_tax_rate_needs_a_real_country(staff_client):
    response = staff_client.post("/api/v1/tax-rates/", {"country": "QQ", "rate": "0.1"}, format="json")
    assert response.status_code == 400 and "country" in response.json()["errors"]


def test_staff_create_a_voucher_limited_to_categories(staff_client):
    shoes = CategoryFactory()
    body = {"code": "Spring10", "kind": "percent", "value": "10", "categories": [shoes.pk], "usage_limit": 100}
    response = staff_client.post("/api/v1/vouchers/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.data["categories"] == [shoes.pk] and response.data["times_used"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "percent", "value": "100.01"}, "value"),
        ({"kind": "fixed", "value": "-5"}, "value"),
        ({"kind": "fixed", "value": "5", "starts_at": "2030-01-02T00:00Z", "ends_at": "2030-01-01T00:00Z"}, "ends_at"),
        ({"kind": "fixed", "value": "5", "times_used": 3}, "times_used"),
    ],
)
def test_bad_vouchers_are_refused(staff_client, body, field):
    response = staff_client.post("/api/v1/vouchers/", {"code": "BAD", **body}, format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert not Voucher.objects.exists()


def test_voucher_codes_are_unique_whatever_their_case(staff_client):
    VoucherFactory(code="SUMMER")
    response = staff_client.post("/api/v1/vouchers/", {"code": "summer", "kind": "fixed", "value": "1"}, format="json")
    assert response.status_code == 400
    assert Voucher.objects.count() == 1


def test_the_voucher_list_makes_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    for _ in range(3):
        VoucherFactory().categories.add(CategoryFactory())
    with django_assert_max_num_queries(8) as few:
        staff_client.get("/api/v1/vouchers/")
    for _ in range(10):
        VoucherFactory().categories.add(CategoryFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get("/api/v1/vouchers/").data["count"] == 13
