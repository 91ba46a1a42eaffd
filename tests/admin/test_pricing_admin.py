"""Shipping methods, tax rates and vouchers in the admin: saves validated like the API, import/export, uses."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.orders.models import Order
from shop.pricing.models import ShippingMethod, TaxRate, Voucher
from tests.admin.test_import_export import csv_rows, export, import_file, preview
from tests.factories import CategoryFactory, OrderFactory, UserFactory, VoucherFactory

pytestmark = pytest.mark.django_db


def add_url(model):
    return reverse(f"admin:pricing_{model._meta.model_name}_add")


def test_a_negative_shipping_price_is_a_form_error(admin_client):
    data = {"name_en": "Standard", "code": "standard", "price": "-1", "countries": "[]", "min_days": 1, "max_days": 2}
    data["position"] = 0
    response = admin_client.post(add_url(ShippingMethod), data)
    assert response.status_code == 200 and "price" in response.context["adminform"].form.errors
    assert not ShippingMethod.objects.exists()


def test_the_admin_saves_a_shipping_method_with_its_countries_normalised(admin_client):
    data = {"name_en": "Nordic", "code": "nordic", "price": "9.00", "countries": '["no", "se"]', "min_days": 1}
    response = admin_client.post(add_url(ShippingMethod), {**data, "max_days": 3, "position": 0, "is_active": "on"})
    assert response.status_code == 302
    assert ShippingMethod.objects.get().countries == ["NO", "SE"]


def test_a_tax_rate_over_one_hundred_percent_is_a_form_error(admin_client):
    response = admin_client.post(add_url(TaxRate), {"country": "DE", "rate": "1.5", "name": "VAT"})
    assert response.status_code == 200 and "rate" in response.context["adminform"].form.errors
    assert not TaxRate.objects.exists()


def test_the_voucher_page_lists_its_uses_with_links_to_the_orders(admin_client):
    voucher = VoucherFactory(code="SPRING")
    voucher.uses.create(user=UserFactory(), reference="SO-20260101-ABCDEF", discount=Decimal("2.00"))
    page = admin_client.get(reverse("admin:pricing_voucher_change", args=[voucher.pk])).content.decode()
    assert "SO-20260101-ABCDEF" in page and reverse("admin:orders_order_changelist") + "?q=SO-20260101-ABCDEF" in page


def test_vouchers_import_by_code_with_their_categories(admin_client):
    CategoryFactory(slug="shoes")
    VoucherFactory(code="OLD", value=Decimal("5"))
    content = (
        "code,kind,value,min_subtotal,max_discount,starts_at,ends_at,usage_limit,per_customer_limit,is_active,categories\n"
        "NEW10,percent,10,,,,,100,1,1,shoes\nold,fixed,7.50,20,,,,,,1,\n"
    )
    import_file(admin_client, Voucher, content)
    new = Voucher.objects.get(code="NEW10")
    assert list(new.categories.values_list("slug", flat=True)) == ["shoes"] and new.usage_limit == 100
    assert Voucher.objects.get(code__iexact="OLD").value == Decimal("7.50") and Voucher.objects.count() == 2


def test_a_voucher_file_with_a_bad_row_imports_nothing(admin_client):
    content = "code,kind,value,is_active\nGOOD,fixed,5,1\nBAD,percent,150,1\n"
    response = preview(admin_client, Voucher, content)
    assert response.context.get("confirm_form") is None
    assert not Voucher.objects.exists()


def test_tax_rates_and_shipping_methods_round_trip_through_export(admin_client):
    TaxRate.objects.create(country="US", rate=Decimal("0.0825"), name="Sales tax")
    ShippingMethod.objects.create(code="standard", name="Standard", price=Decimal("4.99"), countries=["CA", "US"])
    assert csv_rows(export(admin_client, TaxRate)) == [
        {"country": "US", "rate": "0.0825", "name": "Sales tax", "is_active": "1"}
    ]
    [method] = csv_rows(export(admin_client, ShippingMethod))
    assert (method["code"], method["price"], method["countries"]) == ("standard", "4.99", "CA|US")


def test_the_order_page_and_list_show_the_breakdown(admin_client):
    order = OrderFactory(
        subtotal=Decimal("40.00"),
        discount=Decimal("4.00"),
        shipping=Decimal("4.99"),
        tax=Decimal("3.38"),
        total=Decimal("44.37"),
        voucher_code="TEN",
        shipping_method_name="Standard",
    )
    page = admin_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    for text in ("What it cost", "40.00", "4.00", "4.99", "3.38", "44.37", "TEN", "Standard", "USD"):
        assert text in page, text
    listing = admin_client.get(reverse("admin:orders_order_changelist")).content.decode()
    assert "3.38" in listing and "4.99" in listing


def test_the_order_export_carries_every_part(admin_client):
    OrderFactory(subtotal=Decimal("10.00"), discount=Decimal("1.00"), shipping=Decimal("2.00"), total=Decimal("11.00"))
    [row] = csv_rows(export(admin_client, Order))
    assert (row["currency"], row["subtotal"], row["discount"], row["shipping"], row["tax"], row["total"]) == (
        "USD", "10.00", "1.00", "2.00", "0.00", "11.00",
    )  # fmt: skip


def test_the_admin_adds_a_voucher_with_its_categories_and_refuses_a_percentage_over_100(admin_client):
    shoes = CategoryFactory()
    data = {"code": "SHOES20", "kind": "percent", "value": "20", "is_active": "on", "categories": [shoes.pk]}
    data.update({"uses-TOTAL_FORMS": 0, "uses-INITIAL_FORMS": 0})
    assert admin_client.post(add_url(Voucher), data).status_code == 302
    assert list(Voucher.objects.get().categories.all()) == [shoes]
    refused = admin_client.post(add_url(Voucher), {**data, "code": "TOOMUCH", "value": "120"})
    assert refused.status_code == 200 and not Voucher.objects.filter(code="TOOMUCH").exists()
