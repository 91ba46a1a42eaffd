"""POST/GET /orders/{id}/refunds/: by lines (their share of what was charged) or by amount, never more than paid."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from shop.catalog.models import Product, StockMovement
from shop.orders.models import Order
from shop.orders.services import order_cancel, order_set_status
from shop.orders.signals import order_refunded
from shop.payments.models import Payment, Refund
from shop.payments.services import payment_start
from tests.helpers import assert_problem, queries_for_page
from tests.payments.helpers import deliver, placed_order, refunds_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(customer, staff):
    """A paid order of three lines: 10.00 x 2, 5.00 x 1, 1.00 x 3 (subtotal 28.00)."""
    order = placed_order(customer, lines=[(Decimal("10.00"), 2), (Decimal("5.00"), 1), (Decimal("1.00"), 3)])
    return order_set_status(order=order, status="paid", by=staff)


def items(order):
    return list(order.items.order_by("id"))


def refund(client, order, **body):
    return client.post(refunds_url(order), {"reason": "Returned", **body}, format="json")


def test_a_line_costs_its_share_of_the_total(staff_client, paid):
    big, _, _ = items(paid)
    response = refund(staff_client, paid, lines=[{"item": big.pk, "quantity": 1}])
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["reason"], body["restocked"]) == ("10.00", "Returned", False)
    assert body["lines"] == [{"item": big.pk, "quantity": 1}]
    assert Order.objects.get(pk=paid.pk).payment_status == "partially_refunded"


def test_the_share_includes_discount_tax_and_shipping(staff_client, paid):
    """What was charged is 21.00 for 28.00 of goods (a discount of 7.00): each line gives back 75 % of its value."""
    Order.objects.filter(pk=paid.pk).update(discount=Decimal("7.00"), total=Decimal("21.00"))
    Payment.objects.filter(order=paid).update(amount=Decimal("21.00"))
    big, _, small = items(paid)
    assert refund(staff_client, paid, lines=[{"item": big.pk, "quantity": 1}]).json()["amount"] == "7.50"
    assert refund(staff_client, paid, lines=[{"item": small.pk, "quantity": 1}]).json()["amount"] == "0.75"


def test_refunding_every_line_gives_back_exactly_what_was_charged(staff_client, paid):
    """Shares are rounded on the running total: 1/3 of 10.00 three times is 3.33 + 3.34 + 3.33, not 9.99."""
    Order.objects.filter(pk=paid.pk).update(subtotal=Decimal("3.00"), shipping=Decimal("7.00"), total=Decimal("10.00"))
    Payment.objects.filter(order=paid).update(amount=Decimal("10.00"))
    *_, small = items(paid)
    Order.objects.get(pk=paid.pk).items.exclude(pk=small.pk).delete()
    amounts = [refund(staff_client, paid, lines=[{"item": small.pk, "quantity": 1}]).json()["amount"] for _ in "abc"]
    assert sum(Decimal(a) for a in amounts) == Decimal("10.00")
    assert Order.objects.get(pk=paid.pk).payment_status == "refunded"


def test_everything_refunded_shows_as_refunded(staff_client, paid):
    lines = [{"item": item.pk, "quantity": item.quantity} for item in items(paid)]
    assert refund(staff_client, paid, lines=lines).json()["amount"] == "28.00"
    order = Order.objects.get(pk=paid.pk)
    assert order.payment_status == "refunded"
    assert Payment.objects.get(order=paid).status == "refunded"


def test_an_amount_refund_and_the_cap(staff_client, paid):
    assert refund(staff_client, paid, amount="20.00").status_code == 201
    response = refund(staff_client, paid, amount="8.01")
    assert "amount" in assert_problem(response, 400, "validation_error")["errors"]
    assert refund(staff_client, paid, amount="8.00").status_code == 201
    assert_problem(refund(staff_client, paid, amount="0.01"), 409, "conflict")  # refunded in full: nothing is paid
    assert Refund.objects.aggregate(total=Sum("amount"))["total"] == Decimal("28.00")


def test_a_given_amount_overrides_the_lines_share(staff_client, paid):
    big, _, _ = items(paid)
    response = refund(staff_client, paid, lines=[{"item": big.pk, "quantity": 2}], amount="15.00")
    assert response.json()["amount"] == "15.00"
    again = refund(staff_client, paid, lines=[{"item": big.pk, "quantity": 1}])
    assert "lines.0.quantity" in assert_problem(again, 400, "validation_error")["errors"]


def test_more_units_than_were_bought_is_a_400(staff_client, paid):
    _, middle, _ = items(paid)
    response = refund(staff_client, paid, lines=[{"item": middle.pk, "quantity": 2}])
    assert assert_problem(response, 400, "validation_error")["errors"]["lines.0.quantity"] == [
        "1 bought, 1 left to refund."
    ]
    assert not Refund.objects.exists()


def test_a_line_of_another_order_or_twice_is_a_400(staff_client, paid, customer):
    other_item = placed_order(customer).items.get()
    big, _, _ = items(paid)
    response = refund(
        staff_client, paid, lines=[{"item": big.pk, "quantity": 1}, {"item": other_item.pk, "quantity": 1}]
    )
    assert "lines.1.item" in assert_problem(response, 400, "validation_error")["errors"]
    twice = refund(staff_client, paid, lines=[{"item": big.pk, "quantity": 1}, {"item": big.pk, "quantity": 1}])
    assert "lines.1.item" in assert_problem(twice, 400, "validation_error")["errors"]
    assert not Refund.objects.exists()


def test_restocking_writes_return_movements_and_the_ledger_holds(staff_client, paid):
    big, middle, _ = items(paid)
    before = Product.objects.get(pk=big.product_id).stock
    lines = [{"item": big.pk, "quantity": 2}, {"item": middle.pk, "quantity": 1}]
    assert refund(staff_client, paid, lines=lines, restock=True).json()["restocked"] is True
    product = Product.objects.get(pk=big.product_id)
    assert product.stock == before + 2
    returns = StockMovement.objects.filter(reason="return", reference=paid.number)
    assert sorted(returns.values_list("product_id", "delta")) == [(big.product_id, 2), (middle.product_id, 1)]
    for product in Product.objects.all():
        assert product.stock == product.stock_movements.aggregate(total=Sum("delta"))["total"]


def test_restocking_needs_lines_and_an_order_that_was_not_cancelled(staff_client, staff, paid):
    assert (
        "restock"
        in assert_problem(refund(staff_client, paid, amount="1.00", restock=True), 400, "validation_error")["errors"]
    )
    order_cancel(order=paid, by=staff)  # staff cancel a paid order: its stock is back already
    big, _, _ = items(paid)
    response = refund(staff_client, paid, lines=[{"item": big.pk, "quantity": 1}], restock=True)
    assert "restock" in assert_problem(response, 400, "validation_error")["errors"]
    assert refund(staff_client, paid, lines=[{"item": big.pk, "quantity": 1}]).status_code == 201


def test_an_unpaid_order_cannot_be_refunded(staff_client, customer):
    assert_problem(refund(staff_client, placed_order(customer), amount="1.00"), 409, "conflict")


def test_lines_or_an_amount_are_needed(staff_client, paid):
    assert_problem(refund(staff_client, paid), 400, "validation_error")


def test_refunding_needs_the_permission(customer_client, other_client, paid):
    assert_problem(refund(customer_client, paid, amount="1.00"), 403, "permission_denied")
    assert_problem(refund(other_client, paid, amount="1.00"), 404, "not_found")
    assert not Refund.objects.exists()


def test_a_stripe_payment_is_refunded_through_stripe(api_client, staff_client, stripe_fake, customer):
    order = placed_order(customer, lines=[(Decimal("12.34"), 2)])
    payment, _, _ = payment_start(order=order, user=customer, provider="stripe")
    deliver(api_client, stripe_fake.succeed(payment.reference))
    item = order.items.get()
    response = refund(staff_client, order, lines=[{"item": item.pk, "quantity": 1}])
    assert response.json()["amount"] == "12.34"
    (stripe_refund,) = stripe_fake.refunds.values()
    assert (stripe_refund["amount"], stripe_refund["payment_intent"]) == (1234, payment.reference)
    assert Refund.objects.get().reference == stripe_refund["id"]
    deliver(api_client, stripe_fake.refunded_charge(payment.reference, 0))  # Stripe's own word on it, later
    assert Refund.objects.count() == 1


def test_stripe_refusing_the_refund_records_nothing(staff_client, api_client, stripe_fake, customer):
    order = placed_order(customer)
    payment, _, _ = payment_start(order=order, user=customer, provider="stripe")
    deliver(api_client, stripe_fake.succeed(payment.reference))
    stripe_fake.fail_with(400, "Charge already refunded")
    assert_problem(refund(staff_client, order, amount="1.00"), 502, "payment_provider_error")
    assert not Refund.objects.exists()
    assert Payment.objects.get(pk=payment.pk).amount_refunded == 0


def test_each_refund_is_announced_once(staff_client, staff, paid):
    heard = []

    def on_refund(sender, order, refund, by, **kwargs):
        heard.append((order.pk, refund.amount, by))

    order_refunded.connect(on_refund)
    try:
        refund(staff_client, paid, amount="3.00")
    finally:
        order_refunded.disconnect(on_refund)
    assert heard == [(paid.pk, Decimal("3.00"), staff)]


def test_owner_and_staff_list_refunds_in_a_fixed_number_of_queries(customer_client, staff_client, paid):
    big, middle, small = items(paid)
    refund(staff_client, paid, lines=[{"item": big.pk, "quantity": 1}])
    one = queries_for_page(customer_client, refunds_url(paid))
    refund(staff_client, paid, lines=[{"item": middle.pk, "quantity": 1}, {"item": small.pk, "quantity": 2}])
    refund(staff_client, paid, amount="1.00")
    assert queries_for_page(customer_client, refunds_url(paid)) == one
    listed = staff_client.get(refunds_url(paid)).json()
    assert [(r["amount"], len(r["lines"])) for r in listed] == [("10.00", 1), ("7.00", 2), ("1.00", 0)]
