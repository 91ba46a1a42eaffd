"""Payment reads shared by the API, the admin and exports."""

from django.db.models import Prefetch, QuerySet

from shop.orders.models import Order
from shop.payments.models import Payment, PaymentEvent, Refund, RefundLine


def order_payments(*, order: Order) -> QuerySet[Payment]:
    return Payment.objects.filter(order=order).order_by("created_at", "id")


def order_refunds(*, order: Order) -> QuerySet[Refund]:
    """The order's refunds with their lines: any number of them in two queries."""
    lines = Prefetch("lines", queryset=RefundLine.objects.order_by("id"))
    return Refund.objects.filter(order=order).prefetch_related(lines).order_by("created_at", "id")


def payment_events(*, payment: Payment) -> QuerySet[PaymentEvent]:
    return PaymentEvent.objects.filter(payment=payment).order_by("received_at", "id")
