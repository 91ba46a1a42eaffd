"""Races that only a database with row locks shows: run on PostgreSQL, each thread with its own connection."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from rest_framework.test import APIClient

from shop.orders.models import Order
from shop.orders.services import order_set_status
from shop.payments.models import Payment, PaymentEvent, Refund
from shop.payments.services import payment_start
from tests.conftest import client_for, with_every_permission
from tests.factories import StaffFactory
from tests.orders.test_concurrency import run_at_once
from tests.payments.helpers import placed_order, refunds_url
from tests.payments.stripe_fake import signed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_deliveries_of_one_event_apply_it_once(stripe_fake):
    order = placed_order(lines=[(Decimal("12.34"), 1)])
    payment, _, _ = payment_start(order=order, user=order.user, provider="stripe")
    body, header = signed(stripe_fake.succeed(payment.reference))
    clients = [APIClient() for _ in range(8)]

    def deliver(i):
        response = clients[i].post(
            "/api/v1/payments/webhooks/stripe/", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        return response.status_code

    assert run_at_once(8, deliver) == [200] * 8
    assert PaymentEvent.objects.count() == 1
    assert list(Order.objects.get(pk=order.pk).history.values_list("to_status", flat=True)) == ["pending", "paid"]


def test_concurrent_refunds_never_give_back_more_than_was_paid():
    staff = with_every_permission(StaffFactory())
    order = placed_order(lines=[(Decimal("10.00"), 3)])
    order_set_status(order=order, status="paid", by=staff)
    clients = [client_for(staff) for _ in range(10)]

    def refund(i):
        return clients[i].post(refunds_url(order), {"amount": "7.00", "reason": f"race {i}"}, format="json").status_code

    statuses = sorted(run_at_once(10, refund))
    assert statuses == [201] * 4 + [400] * 6  # 4 x 7.00 fit in 30.00; the 2.00 left does not cover a fifth
    assert Refund.objects.aggregate(total=Sum("amount"))["total"] == Decimal("28.00")
    assert Payment.objects.get(order=order).amount_refunded == Decimal("28.00")


def test_concurrent_line_refunds_never_return_more_units_than_were_bought():
    staff = with_every_permission(StaffFactory())
    order = placed_order(lines=[(Decimal("5.00"), 2), (Decimal("1.00"), 1)])
    order_set_status(order=order, status="paid", by=staff)
    item = order.items.order_by("id").first()
    clients = [client_for(staff) for _ in range(6)]

    def refund(i):
        body = {"lines": [{"item": item.pk, "quantity": 1}], "restock": True, "reason": "race"}
        return clients[i].post(refunds_url(order), body, format="json").status_code

    assert sorted(run_at_once(6, refund)) == [201] * 2 + [400] * 4
    product = item.product
    product.refresh_from_db()
    assert product.stock == product.stock_movements.aggregate(total=Sum("delta"))["total"]
    assert Order.objects.get(pk=order.pk).payment_status == "partially_refunded"
