"""Refunds: staff give money back from an order's payments, by lines and quantities or by an amount.

A refund by lines costs the lines' share of what was charged (tax, discount and shipping included, in
proportion to the lines' value in the subtotal). Shares are rounded on the running total of everything
refunded by lines, so refunding every line gives back exactly what was charged, cent for cent. The order
row is locked first (then its payments, then the products to restock), so concurrent refunds queue and their
sum never passes what was paid; the `amount_refunded <= amount` check constraint is the last line.
"""

from collections import Counter
from decimal import Decimal
from uuid import uuid4

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from shop.catalog.models import StockMovement
from shop.catalog.services import stock_adjust, stock_lock
from shop.core.exceptions import Conflict, Forbidden, InvalidInput
from shop.core.money import to_money
from shop.orders.models import Order, OrderItem
from shop.orders.signals import order_refunded
from shop.payments.models import REFUND_PERMISSION, Payment, Refund, RefundLine
from shop.payments.providers import PROVIDERS, ProviderError
from shop.payments.services import order_amount_paid, order_lock, settled_payments

REFUNDABLE = (Order.PaymentStatus.PAID, Order.PaymentStatus.PARTIALLY_REFUNDED)


def _quantities(order: Order, lines: list[dict]) -> dict[OrderItem, int]:
    """{item: quantity} asked for; an item of another order, twice, or beyond what is left is a 400."""
    items = {item.pk: item for item in order.items.all()}
    done = Counter(dict(RefundLine.objects.filter(item__order=order).values_list("item").annotate(n=Sum("quantity"))))
    wanted, errors = {}, {}
    for index, line in enumerate(lines):
        item = items.get(line["item"])
        if item is None or item in wanted:
            errors[index] = {"item": ["Name each line of this order at most once."]}
        elif line["quantity"] > item.quantity - done[item.pk]:
            left = item.quantity - done[item.pk]
            errors[index] = {"quantity": [f"{item.quantity} bought, {left} left to refund."]}
        else:
            wanted[item] = line["quantity"]
    if errors:
        raise InvalidInput({"lines": errors})
    return wanted


def _share_of(order: Order, wanted: dict[OrderItem, int], charged: Decimal) -> Decimal:
    """What the lines cost of `charged`: the share of the running total after them minus the one before."""
    if not order.subtotal:
        return Decimal("0.00")
    before = RefundLine.objects.filter(refund__order=order).select_related("item")
    value_before = sum((line.item.unit_price * line.quantity for line in before), Decimal(0))
    value_after = value_before + sum((item.unit_price * qty for item, qty in wanted.items()), Decimal(0))
    return to_money(charged * value_after / order.subtotal) - to_money(charged * value_before / order.subtotal)


def _payment_for(order: Order, amount: Decimal) -> Payment:
    """The payment to draw `amount` from: the oldest settled one with that much left (locked)."""
    payments = list(settled_payments(order).select_for_update().order_by("created_at", "id"))
    left = sum((payment.refundable for payment in payments), Decimal("0.00"))
    if amount > left:
        raise InvalidInput({"amount": [f"At most {left} is left to refund."]})
    for payment in payments:
        if payment.refundable >= amount:
            return payment
    most = max(payment.refundable for payment in payments)
    raise InvalidInput({"amount": [f"One refund draws from one payment: at most {most} here; refund the rest apart."]})


def _restock(order: Order, wanted: dict[OrderItem, int], by) -> None:
    if order.status == Order.Status.CANCELLED:
        raise InvalidInput({"restock": ["Cancelling the order put its stock back already."]})
    lines = sorted(((item, qty) for item, qty in wanted.items() if item.product_id), key=lambda p: p[0].product_id)
    products = stock_lock(product_ids=[item.product_id for item, _ in lines])
    for item, qty in lines:
        product = products[item.product_id]
        stock_adjust(product=product, delta=qty, reason=StockMovement.Reason.RETURN, reference=order.number, by=by)


def _check(by, order: Order, lines, amount, restock) -> None:
    if by is None or not by.has_perm(REFUND_PERMISSION):
        raise Forbidden(f"Refunding needs the permission {REFUND_PERMISSION}.")
    if order.payment_status not in REFUNDABLE:
        raise Conflict(f"The order is {order.get_payment_status_display().lower()}: only a paid order is refunded.")
    if not lines and amount is None:
        raise InvalidInput({"non_field_errors": ["Give the lines to refund, an amount, or both."]})
    if restock and not lines:
        raise InvalidInput({"restock": ["Restocking needs the lines that come back."]})


@transaction.atomic
def refund_create(
    *, order: Order, by, reason: str, lines: list[dict] | None = None, amount: Decimal | None = None, restock=False
) -> Refund:
    """`by` (holding `payments.add_refund`) refunds a paid order: `lines` ([{"item": order item id, "quantity"}])
    and/or `amount` (given: it is what goes back, lines only say what came back; else the lines' share). Through
    the payment's provider (Stripe's refund call; manual: recorded only). `restock` puts the lines' units back
    (`return` movements)."""
    order = order_lock(order)
    _check(by, order, lines, amount, restock)
    wanted = _quantities(order, lines or [])
    if amount is None:
        amount = _share_of(order, wanted, order_amount_paid(order))
        if amount <= 0:
            raise InvalidInput({"amount": ["These lines cost nothing: give an amount."]})
    payment = _payment_for(order, amount)
    refund = Refund.objects.create(
        order=order, payment=payment, amount=amount, reason=reason, restocked=bool(restock), created_by=by
    )
    RefundLine.objects.bulk_create(RefundLine(refund=refund, item=item, quantity=qty) for item, qty in wanted.items())
    if restock:
        _restock(order, wanted, by)
    refund_apply(payment=payment, refund=refund)
    refund.reference = _provider_refund(payment, refund)
    refund.save(update_fields=["reference"])
    order_refunded.send(sender=Order, order=order, refund=refund, by=by)
    return refund


def _provider_refund(payment: Payment, refund: Refund) -> str:
    provider = PROVIDERS[payment.provider]
    if not provider.enabled():
        raise ProviderError(f"{payment.get_provider_display()} is not configured here: its refunds cannot be made.")
    key = f"shop-refund-{payment.order.number}-{uuid4().hex}"
    return provider.refund(payment, amount=refund.amount, reason=refund.reason, key=key)


def refund_apply(*, payment: Payment, refund: Refund) -> None:
    """Count `refund` on its payment (locked by the caller) and bring the order's `payment_status` along."""
    payment.amount_refunded += refund.amount
    fully = payment.amount_refunded >= payment.amount
    payment.status = Payment.Status.REFUNDED if fully else Payment.Status.PARTIALLY_REFUNDED
    payment.save(update_fields=["amount_refunded", "status", "updated_at"])
    order = payment.order
    if payment.flagged or order.payment_status == Order.PaymentStatus.UNPAID:
        return  # money that never counted for the order: its payment status stays
    settled = settled_payments(order).aggregate(paid=Sum("amount"), refunded=Sum("amount_refunded"))
    paid, refunded = settled["paid"] or 0, settled["refunded"] or 0
    status = Order.PaymentStatus.REFUNDED if refunded >= paid else Order.PaymentStatus.PARTIALLY_REFUNDED
    Order.objects.filter(pk=order.pk).update(payment_status=status, updated_at=timezone.now())
    order.payment_status = status
