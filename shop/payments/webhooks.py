"""Stripe's webhook, the one unauthenticated write of the shop: verified, stored once, applied once.

`stripe_event_receive` verifies `Stripe-Signature` with the library (STRIPE_WEBHOOK_SECRET, 300 s tolerance):
a bad or missing signature raises `InvalidSignature` (400) before anything is written. The event row is
inserted first, under a unique (provider, event id): a second delivery of the same event, even one running
at the same moment, waits on that row and then finds it, so each event is applied once.
"""

import json
import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction

from shop.core.exceptions import DomainError
from shop.orders.models import Order
from shop.orders.signals import order_refunded
from shop.payments.models import Payment, PaymentEvent, Refund
from shop.payments.providers import minor_units
from shop.payments.refunds import refund_apply
from shop.payments.services import order_lock, payment_settle

logger = logging.getLogger(__name__)

SIGNATURE_TOLERANCE_SECONDS = 300


class InvalidSignature(DomainError):
    title = "Invalid signature"


def stripe_event_verify(*, payload: bytes, signature: str | None) -> dict:
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise InvalidSignature("Stripe is not configured here.")
    try:
        stripe.Webhook.construct_event(
            payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise InvalidSignature("The Stripe-Signature header does not match the body, or is too old.") from exc
    event = json.loads(payload)
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise InvalidSignature("A signed body that is no Stripe event.")
    return event


@transaction.atomic
def stripe_event_receive(*, payload: bytes, signature: str | None) -> PaymentEvent | None:
    """Verify, store and apply one Stripe event; None when this event id was received before."""
    event = stripe_event_verify(payload=payload, signature=signature)
    try:
        with transaction.atomic():
            record = PaymentEvent.objects.create(
                provider=Payment.Provider.STRIPE, event_id=event["id"], type=event["type"], payload=event
            )
    except IntegrityError:
        return None
    handler = HANDLERS.get(event["type"])
    obj = event.get("data", {}).get("object", {})
    record.payment, record.outcome = handler(obj) if handler else (None, "ignored: not an event the shop uses")
    record.save(update_fields=["payment", "outcome"])
    return record


def _locked_payment(intent_id: str | None) -> Payment | None:
    """The payment of this PaymentIntent, with its order locked first (the order everything else locks in)."""
    order_id = Payment.objects.filter(provider=Payment.Provider.STRIPE, reference=intent_id or "").values("order_id")
    order = Order.objects.filter(pk__in=order_id).first()
    if order is None:
        logger.warning("Stripe event for an unknown PaymentIntent %s", intent_id)
        return None
    order = order_lock(order)
    return order.payments.select_for_update().get(provider=Payment.Provider.STRIPE, reference=intent_id)


def _flag(payment: Payment, reason: str) -> None:
    payment.flagged, payment.flag_reason = True, reason[:255]
    logger.warning("payment %s flagged: %s", payment.pk, reason)


def _mismatch(payment: Payment, intent: dict) -> str:
    order = payment.order
    received, currency = intent.get("amount_received") or intent.get("amount"), (intent.get("currency") or "").upper()
    expected = order.currency
    if currency != expected or received != minor_units(order.total, expected):
        return f"Stripe received {received} {currency} (smallest unit); the order is {order.total} {expected}."
    return ""


def _intent_succeeded(intent: dict):
    payment = _locked_payment(intent.get("id"))
    if payment is None:
        return None, "ignored: unknown PaymentIntent"
    if payment.status in (Payment.Status.SUCCEEDED, Payment.Status.REFUNDED, Payment.Status.PARTIALLY_REFUNDED):
        return payment, "ignored: already succeeded"
    order = payment.order
    payment.status = Payment.Status.SUCCEEDED
    problem = _mismatch(payment, intent)
    if not problem and order.status == Order.Status.CANCELLED:
        problem = "Money arrived for a cancelled order: refund it."
    elif not problem and order.payment_status != Order.PaymentStatus.UNPAID:
        problem = "Money arrived for an order already paid: refund one of its payments."
    if problem:
        _flag(payment, problem)
    payment.save(update_fields=["status", "flagged", "flag_reason", "updated_at"])
    if problem:
        return payment, f"flagged: {problem}"
    payment_settle(order=order)
    return payment, "applied: payment succeeded"


def _intent_failed(intent: dict):
    payment = _locked_payment(intent.get("id"))
    if payment is None:
        return None, "ignored: unknown PaymentIntent"
    if payment.status != Payment.Status.PENDING:
        return payment, f"ignored: payment is {payment.status}"
    payment.status = Payment.Status.FAILED
    payment.save(update_fields=["status", "updated_at"])
    error = (intent.get("last_payment_error") or {}).get("message", "")
    return payment, f"applied: payment failed {error}".strip()[:255]


def _charge_refunded(charge: dict):
    """Refunds made outside the shop (Stripe's dashboard), or whose recording was lost: Stripe's running total
    of refunds against ours; the difference is recorded as one refund."""
    payment = _locked_payment(charge.get("payment_intent"))
    if payment is None:
        return None, "ignored: unknown PaymentIntent"
    ours = minor_units(payment.amount_refunded, payment.currency)
    missing = int(charge.get("amount_refunded") or 0) - ours
    if missing <= 0 or payment.status not in (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED):
        return payment, "ignored: refunds already recorded"
    amount = min(Decimal(missing) / (minor_units(Decimal(1), payment.currency) or 1), payment.refundable)
    refund = Refund.objects.create(order=payment.order, payment=payment, amount=amount, reason="Refunded in Stripe")
    refund_apply(payment=payment, refund=refund)
    order_refunded.send(sender=Order, order=payment.order, refund=refund, by=None)
    return payment, f"applied: refund of {amount} recorded"


HANDLERS = {
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
    "charge.refunded": _charge_refunded,
}
