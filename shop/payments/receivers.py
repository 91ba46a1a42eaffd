"""What payments does when the orders floor below asks (shop/orders/signals.py)."""

from django.dispatch import receiver

from shop.orders.signals import full_payment_requested
from shop.payments.services import payment_record_manual


@receiver(full_payment_requested, dispatch_uid="payments_record_full_manual_payment")
def record_full_manual_payment(sender, order, by, **kwargs):
    """Staff marking an order paid record a manual payment of everything that is due."""
    return payment_record_manual(order=order, by=by)
