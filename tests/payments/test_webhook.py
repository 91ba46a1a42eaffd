"""POST /payments/webhooks/stripe/: verified, stored once, applied once; the attack tests."""

import logging
import time
from decimal import Decimal

import pytest
from django.test import Client

from shop.orders.models import Order
from shop.orders.services import order_cancel
from shop.payments.models import Payment, PaymentEvent, Refund
from shop.payments.services import payment_start
from tests.helpers import assert_problem
from tests.payments.helpers import deliver, placed_order
from tests.payments.stripe_fake import signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(stripe_fake):
    """A pending order of 12.34 USD with an open Stripe payment: (order, payment)."""
    order = placed_order(lines=[(Decimal("12.34"), 1)])
    payment, _, _ = payment_start(order=order, user=order.user, provider="stripe")
    return order, payment


def state(order):
    order.refresh_from_db()
    return order.status, order.payment_status


def test_a_succeeded_intent_makes_the_order_paid(api_client, stripe_fake, started):
    order, payment = started
    response = deliver(api_client, stripe_fake.succeed(payment.reference))
    assert response.status_code == 200
    assert state(order) == ("paid", "paid")
    payment.refresh_from_db()
    assert payment.status == "succeeded" and not payment.flagged
    assert PaymentEvent.objects.get().outcome == "applied: payment succeeded"


@pytest.mark.parametrize(
    "signing",
    [{"secret": "whsec_someone_else"}, {"timestamp": int(time.time()) - 301}],
    ids=["wrong secret", "older than the tolerance"],
)
def test_a_bad_signature_is_a_400_and_changes_nothing(api_client, stripe_fake, started, signing):
    order, payment = started
    response = deliver(api_client, stripe_fake.succeed(payment.reference), **signing)
    assert_problem(response, 400, "validation_error")
    assert state(order) == ("pending", "unpaid") and not PaymentEvent.objects.exists()


def test_a_timestamp_within_the_tolerance_is_accepted(api_client, stripe_fake, started):
    order, payment = started
    deliver(api_client, stripe_fake.succeed(payment.reference), timestamp=int(time.time()) - 280)
    assert state(order) == ("paid", "paid")


def test_a_missing_signature_or_a_tampered_body_is_a_400(api_client, stripe_fake, started):
    order, payment = started
    event = stripe_fake.succeed(payment.reference)
    unsigned = api_client.post("/api/v1/payments/webhooks/stripe/", event, format="json")
    assert_problem(unsigned, 400, "validation_error")
    body, header = signed(event)
    tampered = body.replace(payment.reference, "pi_other")
    response = api_client.post(
        "/api/v1/payments/webhooks/stripe/",
        data=tampered,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert_problem(response, 400, "validation_error")
    assert state(order) == ("pending", "unpaid") and not PaymentEvent.objects.exists()


def test_webhooks_are_refused_while_stripe_is_not_configured(api_client, stripe_fake, started, settings):
    order, payment = started
    event = stripe_fake.succeed(payment.reference)
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert_problem(deliver(api_client, event), 400, "validation_error")
    assert state(order) == ("pending", "unpaid")


def test_a_replayed_event_is_answered_200_and_applied_once(api_client, stripe_fake, started):
    order, payment = started
    event = stripe_fake.succeed(payment.reference)
    assert [deliver(api_client, event).status_code for _ in range(3)] == [200, 200, 200]
    assert PaymentEvent.objects.count() == 1
    assert list(order.history.values_list("to_status", flat=True)) == ["pending", "paid"]


@pytest.mark.parametrize(
    ("amount", "currency"), [(1233, None), (1234, "eur")], ids=["amount short by a cent", "another currency"]
)
def test_a_mismatch_leaves_the_order_unpaid_and_flags_the_payment(api_client, stripe_fake, started, amount, currency):
    order, payment = started
    response = deliver(api_client, stripe_fake.succeed(payment.reference, amount=amount, currency=currency))
    assert response.status_code == 200
    assert state(order) == ("pending", "unpaid")
    payment.refresh_from_db()
    assert payment.flagged and "the order is 12.34 USD" in payment.flag_reason
    assert PaymentEvent.objects.get().outcome.startswith("flagged")


def test_money_for_a_cancelled_order_is_flagged(api_client, stripe_fake, started):
    order, payment = started
    order_cancel(order=order, by=order.user)
    deliver(api_client, stripe_fake.succeed(payment.reference))
    assert state(order) == ("cancelled", "unpaid")
    assert Payment.objects.get(pk=payment.pk).flagged


def test_an_unknown_intent_is_logged_stored_and_answered_200(api_client, stripe_fake, started, caplog):
    order, _ = started
    event = stripe_fake.event("payment_intent.succeeded", {"id": "pi_not_ours", "amount": 1234, "currency": "usd"})
    with caplog.at_level(logging.WARNING, logger="shop.payments.webhooks"):
        assert deliver(api_client, event).status_code == 200
    assert "pi_not_ours" in caplog.text
    stored = PaymentEvent.objects.get()
    assert (stored.payment, stored.outcome) == (None, "ignored: unknown PaymentIntent")
    assert state(order) == ("pending", "unpaid")


def test_a_failed_intent_fails_the_payment_and_a_new_one_can_start(api_client, stripe_fake, started):
    order, payment = started
    deliver(api_client, stripe_fake.decline(payment.reference))
    assert Payment.objects.get(pk=payment.pk).status == "failed"
    again, _, created = payment_start(order=order, user=order.user, provider="stripe")
    assert created and again.pk != payment.pk
    assert state(order) == ("pending", "unpaid")


def test_a_refund_made_in_stripe_is_recorded(api_client, stripe_fake, started):
    order, payment = started
    deliver(api_client, stripe_fake.succeed(payment.reference))
    deliver(api_client, stripe_fake.refunded_charge(payment.reference, 234))
    refund = Refund.objects.get()
    assert (refund.amount, refund.payment, refund.restocked) == (Decimal("2.34"), payment, False)
    assert state(order) == ("paid", "partially_refunded")
    deliver(api_client, stripe_fake.refunded_charge(payment.reference, 1000))
    assert state(order) == ("paid", "refunded")
    assert Payment.objects.get(pk=payment.pk).status == "refunded"


def test_an_event_the_shop_does_not_use_is_stored_and_ignored(api_client, stripe_fake, started):
    order, _ = started
    deliver(api_client, stripe_fake.event("customer.created", {"id": "cus_1"}))
    assert PaymentEvent.objects.get().outcome.startswith("ignored")
    assert Order.objects.get(pk=order.pk).payment_status == "unpaid"


def test_the_webhook_needs_no_csrf_token_or_session(stripe_fake, started):
    """Stripe sends neither: a browser-style CSRF check must not stand in its way."""
    order, payment = started
    assert deliver(Client(enforce_csrf_checks=True), stripe_fake.succeed(payment.reference)).status_code == 200
    assert state(order) == ("paid", "paid")
