from decimal import Decimal

import pytest

from shop.core.exceptions import Conflict
from shop.orders.documents import invoice_pdf, packing_slip_pdf
from shop.orders.models import Order
from tests.factories import AddressFactory, ProductFactory, UserFactory
from tests.orders.fulfilment import paid_order, pdf_text, placed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop_identity(settings):
    settings.SHOP_NAME = "Acme Goods Ltd"
    settings.SHOP_ADDRESS = "12 Harbour Road\n0150 Oslo, Norway"
    settings.SHOP_TAX_ID = "NO 999 888 777 MVA"
    settings.SHOP_CURRENCY = "EUR"


@pytest.fixture
def buyer(db):
    user = UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    AddressFactory(user=user, is_default=True, line1="7 Analytical Way", city="London", postcode="N1 7AA", country="GB")
    return user


def lines():
    mug = ProductFactory(sku="MUG-01", title="Blue mug", price=Decimal("4.50"), stock=10)
    lamp = ProductFactory(sku="LAMP-9", title="Desk lamp", price=Decimal("1234.00"), stock=5)
    return [(mug, 3), (lamp, 1)]


def test_the_invoice_names_shop_customer_address_lines_totals_and_currency(shop_identity, buyer):
    order = paid_order(buyer, lines=lines())
    text = pdf_text(invoice_pdf(order))
    for expected in (
        f"Invoice {order.invoice_number}",
        "Acme Goods Ltd",
        "12 Harbour Road",
        "0150 Oslo, Norway",
        "Tax id: NO 999 888 777 MVA",
        "Ada Lovelace",
        "ada@example.com",
        "7 Analytical Way",
        "N1 7AA London",
        order.number,
        "MUG-01",
        "Blue mug",
        "LAMP-9",
        "13.50",
        "1,234.00",
        "Subtotal",
        "1,247.50 EUR",
    ):
        assert expected in text, expected


def test_the_invoice_shows_every_part_of_the_total(shop_identity, buyer):
    order = paid_order(buyer, lines=lines())
    parts = {"discount": Decimal("10.00"), "voucher_code": "SAVE10", "shipping": Decimal("4.99"),
             "shipping_method_name": "Standard", "tax_rate": Decimal("0.25"), "tax": Decimal("310.62"),
             "total": Decimal("1553.11")}  # fmt: skip
    Order.objects.filter(pk=order.pk).update(**parts)
    text = pdf_text(invoice_pdf(Order.objects.get(pk=order.pk)))
    for expected in ("Discount (SAVE10)", "-10.00 EUR", "Shipping (Standard)", "4.99 EUR", "Tax 25%", "310.62 EUR",
                     "1,553.11 EUR"):  # fmt: skip
        assert expected in text, expected


def test_an_unpaid_order_has_no_invoice(buyer):
    with pytest.raises(Conflict):
        invoice_pdf(placed_order(buyer))


def test_the_packing_slip_lists_skus_quantities_and_address_but_no_prices(shop_identity, buyer):
    order = paid_order(buyer, lines=lines())
    text = pdf_text(packing_slip_pdf(order))
    for expected in (f"Packing slip {order.number}", "MUG-01", "Blue mug", "LAMP-9", "7 Analytical Way", "Units"):
        assert expected in text, expected
    assert "4.50" not in text and "1,234.00" not in text and "EUR" not in text
    assert "Units\n4" in text or "Units 4" in text


def test_characters_outside_the_builtin_font_are_written_without_their_accents(buyer):
    buyer.first_name = "Şebnem"
    buyer.save()
    order = paid_order(buyer, lines=[(ProductFactory(title="Çay bardağ\u0131 😀", stock=5), 1)])
    text = pdf_text(invoice_pdf(order))
    assert "Sebnem" in text and "Çay bardag? ?" in text
