"""POST/GET /orders/{id}/payments/: the customer pays their own pending order, once."""

from decimal import Decimal

import pytest

from shop.orders.models import Order
from shop.orders.services import order_cancel, order_set_status
from shop.payments.models import Payment
from tests.helpers import assert_problem, queries_for_page
from tests.payments.helpers import payments_url, placed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(customer):
    return placed_order(customer, lines=[(Decimal("12.34"), 2)])


def test_manual_payment_answers_the_instructions(customer_client, order, settings):
    settings.PAYMENT_MANUAL_INSTRUCTIONS = "Wire {total} {currency}, reference {number}."
    response = customer_client.post(payments_url(order), {"provider": "manual"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"], "provider": "manual", "status": "pending", "amount": "24.68", "currency": "USD",
        "created_at": body["created_at"], "client_secret": None,
        "instructions": f"Wire 24.68 USD, reference {order.number}.",
    }  # fmt: skip


def test_stripe_payment_creates_an_intent_in_the_smallest_unit(customer_client, order, stripe_fake):
    response = customer_client.post(payments_url(order), {"provider": "stripe"}, format="json")
    assert response.status_code == 201, response.content
    (intent,) = stripe_fake.intents.values()
    assert (intent["amount"], intent["currency"], intent["metadata"]["order"]) == (2468, "usd", order.number)
    assert response.json()["client_secret"] == intent["client_secret"]
    assert Payment.objects.get().reference == intent["id"]


def test_paying_twice_returns_the_open_payment_and_charges_once(customer_client, order, stripe_fake):
    first = customer_client.post(payments_url(order), {"provider": "stripe"}, format="json")
    again = customer_client.post(payments_url(order), {"provider": "stripe"}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["client_secret"] == first.json()["client_secret"]
    assert len(stripe_fake.intents) == 1 and Payment.objects.count() == 1


def test_stripe_is_refused_when_it_is_not_configured(customer_client, order, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = customer_client.post(payments_url(order), {"provider": "stripe"}, format="json")
    assert "provider" in assert_problem(response, 400, "validation_error")["errors"]
    assert not Payment.objects.exists()


def test_an_unknown_provider_is_a_400(customer_client, order):
    response = customer_client.post(payments_url(order), {"provider": "paypal"}, format="json")
    assert "provider" in assert_problem(response, 400, "validation_error")["errors"]


def test_an_unknown_body_field_is_refused(customer_client, order):
    response = customer_client.post(payments_url(order), {"provider": "manual", "amount": "0.01"}, format="json")
    assert_problem(response, 400, "validation_error")
    assert not Payment.objects.exists()


def test_someone_elses_order_is_a_404_even_for_staff(other_client, staff_client, order):
    for client in (other_client, staff_client):
        assert_problem(client.post(payments_url(order), {"provider": "manual"}, format="json"), 404, "not_found")
    assert not Payment.objects.exists()


def test_a_cancelled_order_cannot_be_paid(customer_client, customer, order):
    order_cancel(order=order, by=customer)
    assert_problem(customer_client.post(payments_url(order), {"provider": "manual"}, format="json"), 409, "conflict")


def test_a_paid_order_cannot_be_paid_again(customer_client, order, staff):
    order_set_status(order=order, status="paid", by=staff)
    assert_problem(customer_client.post(payments_url(order), {"provider": "manual"}, format="json"), 409, "conflict")
    assert Payment.objects.count() == 1


def test_a_failing_provider_is_a_502_and_records_nothing(customer_client, order, stripe_fake):
    stripe_fake.fail_with(402)
    response = customer_client.post(payments_url(order), {"provider": "stripe"}, format="json")
    assert_problem(response, 502, "payment_provider_error")
    assert not Payment.objects.exists()


def test_owner_and_staff_list_the_payments_others_get_404(customer_client, staff_client, other_client, order):
    customer_client.post(payments_url(order), {"provider": "manual"}, format="json")
    for client in (customer_client, staff_client):
        response = client.get(payments_url(order))
        assert response.status_code == 200
        assert [(p["provider"], p["status"], p["amount"]) for p in response.json()] == [("manual", "pending", "24.68")]
    assert_problem(other_client.get(payments_url(order)), 404, "not_found")


def test_the_payment_list_makes_a_fixed_number_of_queries(customer_client, order):
    Payment.objects.create(order=order, provider="manual", status="failed", amount=1, currency="USD")
    one = queries_for_page(customer_client, payments_url(order))
    for _ in range(5):
        Payment.objects.create(order=order, provider="manual", status="failed", amount=1, currency="USD")
    assert queries_for_page(customer_client, payments_url(order)) == one <= 5


def test_order_documents_carry_the_payment_status_and_filter_by_it(customer_client, customer, order, staff):
    other = placed_order(customer)
    order_set_status(order=other, status="paid", by=staff)
    response = customer_client.get("/api/v1/orders/", {"payment_status": "paid"})
    assert [o["id"] for o in response.json()["results"]] == [other.pk]
    assert customer_client.get(f"/api/v1/orders/{order.pk}/").json()["payment_status"] == "unpaid"
    assert Order.objects.get(pk=other.pk).payment_status == "paid"
