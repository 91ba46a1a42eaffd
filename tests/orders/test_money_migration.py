"""Orders placed before money parts existed get the shop's currency and still add up."""

from decimal import Decimal

import pytest

from tests.catalog.test_reviews_migration import migrate, migrate_to_latest


@pytest.mark.django_db(transaction=True)
def test_earlier_orders_get_the_currency_and_the_invariant_holds():
    old = migrate([("orders", "0006_record_delivered_purchases")])
    user = old.get_model("accounts", "User").objects.create(email="m@example.com")
    Order = old.get_model("orders", "Order")
    Order.objects.create(number="N-1", user=user, subtotal="10.00", total="10.00")
    Order.objects.create(number="N-2", user=user, subtotal="10.00", total="8.00")  # hand-edited, say
    Order.objects.create(number="N-3", user=user, subtotal="10.00", total="12.50")

    new = migrate([("orders", "0009_order_total_adds_up")])

    rows = new.get_model("orders", "Order").objects.order_by("number")
    parts = [(o.currency, o.subtotal, o.discount, o.shipping, o.tax, o.total) for o in rows]
    d = Decimal
    assert parts == [
        ("USD", d("10.00"), d("0.00"), d("0.00"), d("0.00"), d("10.00")),
        ("USD", d("10.00"), d("2.00"), d("0.00"), d("0.00"), d("8.00")),
        ("USD", d("10.00"), d("0.00"), d("2.50"), d("0.00"), d("12.50")),
    ]
    migrate_to_latest()
