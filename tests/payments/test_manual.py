"""Staff record money received by hand; "mark as paid" is recording all of it."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from shop.core.exceptions import Forbidden
from shop.orders.models import Order
from shop.orders.services import order_cancel
from shop.orders.signals import order_paid
from shop.payments.models import Payment, PaymentEvent
from shop.payments.services import payment_record_manual
from tests.conftest import client_for
from tests.factories import StaffFactory
from tests.helpers import assert_problem
from tests.payments.helpers import payments_url, placed_order

pytestmark = pytest.mark.django_db


def manual_url(order):
    return reverse("order-payment-manual", kwargs={"pk": order.pk})


@pytest.fixture
def order(customer):
    return placed_order(customer, lines=[(Decimal("30.00"), 1)])


@pytest.fixture
def paid_signals():
    received = []

    def on_paid(sender, order, by, **kwargs):
        received.append((order.pk, by))

    order_paid.connect(on_paid)
    yield received
    order_paid.disconnect(on_paid)


def test_recording_the_total_makes_the_order_paid(staff_client, staff, order, paid_signals):
    response = staff_client.post(manual_url(order), {"amount": "30.00", "reference": "BANK-77"}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "succeeded"
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("paid", "paid")
    assert order.history.last().changed_by == staff
    payment = Payment.objects.get()
    assert (payment.provider, payment.reference, payment.recorded_by) == ("manual", "BANK-77", staff)
    assert PaymentEvent.objects.get(payment=payment).type == "payment.recorded"
    assert paid_signals == [(order.pk, staff)]


def test_a_part_leaves_the_order_unpaid_until_the_rest_arrives(staff_client, order, paid_signals):
    staff_client.post(manual_url(order), {"amount": "10.00"}, format="json")
    assert Order.objects.get(pk=order.pk).payment_status == "unpaid"
    staff_client.post(manual_url(order), {"amount": "20.00"}, format="json")
    assert Order.objects.get(pk=order.pk).payment_status == "paid"
    assert len(paid_signals) == 1


def test_more_than_is_due_is_a_400(staff_client, order):
    staff_client.post(manual_url(order), {"amount": "25.00"}, format="json")
    response = staff_client.post(manual_url(order), {"amount": "5.01"}, format="json")
    assert "amount" in assert_problem(response, 400, "validation_error")["errors"]
    assert Payment.objects.count() == 1


def test_the_customers_open_manual_payment_is_the_one_completed(customer_client, staff_client, order):
    customer_client.post(payments_url(order), {"provider": "manual"}, format="json")
    staff_client.post(manual_url(order), {"amount": "30.00"}, format="json")
    assert list(Payment.objects.values_list("provider", "status")) == [("manual", "succeeded")]


def test_a_cancelled_or_paid_order_is_a_409(staff_client, staff, order):
    staff_client.post(manual_url(order), {"amount": "30.00"}, format="json")
    assert_problem(staff_client.post(manual_url(order), {"amount": "1.00"}, format="json"), 409, "conflict")
    cancelled = placed_order()
    order_cancel(order=cancelled, by=staff)
    assert_problem(staff_client.post(manual_url(cancelled), {"amount": "1.00"}, format="json"), 409, "conflict")


def test_the_customer_cannot_record_a_payment(customer_client, order):
    assert_problem(
        customer_client.post(manual_url(order), {"amount": "30.00"}, format="json"), 403, "permission_denied"
    )
    assert not Payment.objects.exists()


def test_marking_paid_records_a_manual_payment_of_the_total(staff_client, order):
    response = staff_client.post(f"/api/v1/orders/{order.pk}/status/", {"status": "paid"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["payment_status"]) == ("paid", "paid")
    payment = Payment.objects.get()
    assert (payment.provider, payment.status, payment.amount) == ("manual", "succeeded", Decimal("30.00"))


def test_marking_paid_needs_the_manual_payment_permission_too(order):
    clerk = StaffFactory()
    clerk.user_permissions.set(Permission.objects.filter(codename__in=["view_order", "change_order_status"]))
    response = client_for(clerk).post(f"/api/v1/orders/{order.pk}/status/", {"status": "paid"}, format="json")
    assert_problem(response, 403, "permission_denied")
    assert Order.objects.get(pk=order.pk).payment_status == "unpaid"


def test_recording_without_a_user_is_refused(order):
    with pytest.raises(Forbidden):
        payment_record_manual(order=order, by=None)
