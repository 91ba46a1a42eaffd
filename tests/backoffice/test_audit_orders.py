"""Orders: status changes are logged (admin, API, by staff or the customer); placing an order is not."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from shop.orders.models import Order
from tests.backoffice.helpers import entries_of, last_entry, source
from tests.factories import AddressFactory, CartWithLinesFactory, OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_admin_status_button_logs_the_move_with_the_staff_user(admin_client, superuser):
    order = OrderFactory(status=Order.Status.PENDING)
    url = reverse("admin:orders_order_status", args=[order.pk])
    assert admin_client.post(url, {"status": "paid"}).status_code == 302
    entry = last_entry(order)
    assert (entry.changes, entry.actor, source(entry)) == ({"status": ["pending", "paid"]}, superuser, "admin")


def test_api_status_move_logs_the_token_user(staff_client, staff):
    order = OrderFactory(status=Order.Status.PAID)
    response = staff_client.post(f"/api/v1/orders/{order.pk}/status/", {"status": "shipped"})
    assert response.status_code == 200, response.content
    entry = last_entry(order)
    assert (entry.changes, entry.actor, source(entry)) == ({"status": ["paid", "shipped"]}, staff, "api")


def test_a_customer_cancelling_is_logged_with_the_customer(customer_client, customer):
    order = OrderFactory(user=customer, status=Order.Status.PENDING)
    assert customer_client.post(f"/api/v1/orders/{order.pk}/cancel/").status_code == 200
    entry = last_entry(order)
    assert (entry.changes, entry.actor, source(entry)) == ({"status": ["pending", "cancelled"]}, customer, "api")


def test_checkout_writes_no_order_entry(customer_client, customer):
    AddressFactory(user=customer, is_default=True)
    cart = CartWithLinesFactory(user=customer, lines=[(ProductFactory(stock=5), 1)])
    before = LogEntry.objects.count()
    response = customer_client.post(f"/api/v1/carts/{cart.pk}/checkout/")
    assert response.status_code == 201, response.content
    assert entries_of(Order.objects.get()) == []
    assert LogEntry.objects.count() == before
