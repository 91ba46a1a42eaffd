"""Payment business rules: a customer starts a payment, staff record a manual one, an order becomes paid.

Locks, the same order everywhere (refunds and webhooks too): the order row first, then its payments, then
product rows by primary key. A provider call (Stripe) happens while the order row is locked, after every
check, so two requests for one order never both charge or both refund; if it fails, the transaction rolls
back and nothing is recorded. Webhooks live in `webhooks.py`, refunds in `refunds.py`.
"""

from decimal import Decimal
from uuid import uuid4

from django.db import transaction
from django.db.models import Sum

from shop.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from shop.orders.models import Order
from shop.orders.services import order_mark_paid
from shop.payments.models import RECORD_MANUAL_PERMISSION, Payment, PaymentEvent
from shop.payments.providers import PaymentSteps, provider_get

#: Payments whose money arrived (a refund drawn from one leaves it counted: refunds are counted apart).
SETTLED = (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED)


def order_lock(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def settled_payments(order: Order):
    """The payments that count for the order: money received in its currency, not flagged for staff."""
    return order.payments.filter(status__in=SETTLED, flagged=False, currency=order.currency)


def order_amount_paid(order: Order) -> Decimal:
    return settled_payments(order).aggregate(paid=Sum("amount"))["paid"] or Decimal("0.00")


def _check_payable(order: Order) -> None:
    if order.status == Order.Status.CANCELLED:
        raise Conflict("The order is cancelled; it cannot be paid.")
    if order.payment_status != Order.PaymentStatus.UNPAID:
        raise Conflict(f"The order is already {order.get_payment_status_display().lower()}.")


@transaction.atomic
def payment_start(*, order: Order, user, provider: str) -> tuple[Payment, PaymentSteps, bool]:
    """`user` (the order's customer) pays a pending, unpaid order through `provider`: (payment, what the customer
    needs to pay, created). An open payment of that provider is returned again instead of a second charge."""
    steps_provider = provider_get(provider)
    order = order_lock(order)
    if order.user_id != user.pk:
        raise NotFound("No such order among yours.")
    _check_payable(order)
    if order.status != Order.Status.PENDING:
        raise Conflict(f"The order is {order.status}; only a pending order is paid.")
    open_payment = order.payments.filter(provider=provider, status=Payment.Status.PENDING).first()
    if open_payment is not None:
        return open_payment, steps_provider.resume(open_payment), False
    payment = Payment.objects.create(order=order, provider=provider, amount=order.total, currency=order.currency)
    steps = steps_provider.start(payment)
    payment.save(update_fields=["reference", "updated_at"])
    return payment, steps, True


def _amount_due(order: Order) -> Decimal:
    return order.total - order_amount_paid(order)


@transaction.atomic
def payment_record_manual(*, order: Order, by, amount: Decimal | None = None, reference: str = "") -> Payment:
    """`by` (holding `payments.record_manual_payment`) records money received by hand: `amount` (default: all
    that is due, at most that). The customer's open manual payment, if any, is the one completed. The order
    becomes paid once its settled payments cover the total."""
    if by is None or not by.has_perm(RECORD_MANUAL_PERMISSION):
        raise Forbidden(f"Recording a payment needs the permission {RECORD_MANUAL_PERMISSION}.")
    order = order_lock(order)
    _check_payable(order)
    due = _amount_due(order)
    amount = due if amount is None else amount
    if amount <= 0 or amount > due:
        raise InvalidInput({"amount": [f"Give an amount above 0.00 and at most {due} (what is still due)."]})
    payment = order.payments.filter(provider=Payment.Provider.MANUAL, status=Payment.Status.PENDING).first()
    payment = payment or Payment(order=order, provider=Payment.Provider.MANUAL, currency=order.currency)
    payment.amount, payment.status, payment.reference = amount, Payment.Status.SUCCEEDED, reference
    payment.recorded_by = by
    payment.save()
    PaymentEvent.objects.create(
        provider=Payment.Provider.MANUAL,
        event_id=f"manual-{uuid4().hex}",
        type="payment.recorded",
        payment=payment,
        outcome="recorded by staff",
        payload={"amount": str(amount), "reference": reference, "by": by.pk},
    )
    payment_settle(order=order, by=by)
    return payment


def payment_settle(*, order: Order, by=None) -> Order:
    """The order (locked by the caller) becomes paid when its settled payments cover its total."""
    if order.payment_status == Order.PaymentStatus.UNPAID and order_amount_paid(order) >= order.total:
        return order_mark_paid(order=order, by=by)
    return order
