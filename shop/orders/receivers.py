"""What orders does on the hooks it sends for the floors above it (shop/orders/signals.py)."""

from django.dispatch import receiver

from shop.orders.services import order_refunded
from shop.orders.signals import order_refunded as refunded_signal


@receiver(refunded_signal, dispatch_uid="orders_mail_the_refund")
def mail_the_refund(sender, *, order, refund, by=None, **kwargs):
    """Each refund (recorded by the payments app, inside its transaction) is mailed to the customer once."""
    order_refunded(order=order, refund_id=refund.pk, amount=refund.amount, reason=refund.reason)
