"""Customer emails about an order: placed, payment received, shipped, refunded.

Each is recorded (`CustomerEmail`) in the transaction of its event and sent by a task after that transaction
commits (`shop.core.background.enqueue`): a rolled-back event mails nothing. The record of an automatic email is
unique per order, kind and event, so an event that happens twice (a retried webhook, a double click) mails
once; a task that runs twice finds the email sent and does nothing. Staff may ask for a copy (`resend`).
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from shop.core.background import enqueue
from shop.orders.models import CustomerEmail, Order

logger = logging.getLogger(__name__)

SUBJECTS = {
    CustomerEmail.Kind.ORDER_PLACED: "Your order {number} has been placed",
    CustomerEmail.Kind.PAYMENT_RECEIVED: "Payment received for your order {number}",
    CustomerEmail.Kind.SHIPPED: "Your order {number} is on its way",
    CustomerEmail.Kind.REFUNDED: "A refund for your order {number}",
}


def customer_email_schedule(*, order: Order, kind: str, event: str = "", details: dict | None = None):
    """Record the email of this event and send it after the commit; None if it was already recorded.

    `event` tells events of one kind apart (the shipment's or refund's id; empty for once-per-order kinds);
    `details` is what the message says beyond the order (JSON: strings and numbers)."""
    try:
        with transaction.atomic():
            email = CustomerEmail.objects.create(
                order=order, kind=kind, event=str(event), details=details or {}, recipient=order.user.email
            )
    except IntegrityError:
        return None
    _send_after_commit(email)
    return email


@transaction.atomic
def customer_email_resend(*, email: CustomerEmail, by) -> CustomerEmail:
    """Send `email` again, to the customer's current address, as a record of its own (who asked, when)."""
    copy = CustomerEmail.objects.create(
        order=email.order,
        kind=email.kind,
        event=email.event,
        details=email.details,
        recipient=email.order.user.email,
        resend=True,
        requested_by=by,
    )
    _send_after_commit(copy)
    return copy


def _send_after_commit(email: CustomerEmail) -> None:
    from shop.orders.tasks import send_customer_email  # the tasks module imports this one

    enqueue(send_customer_email, email_id=email.pk)


@transaction.atomic
def customer_email_send(*, email_id: int) -> CustomerEmail | None:
    """Send the recorded email unless it has been sent. The row stays locked while the mail goes out, so two
    runs at once send it once; if sending fails nothing is marked and a retry sends it."""
    email = CustomerEmail.objects.select_for_update().filter(pk=email_id).first()
    if email is None or email.sent_at is not None:
        return email
    customer_email_message(email).send()
    email.sent_at = timezone.now()
    email.save(update_fields=["sent_at"])
    logger.info("customer email sent", extra={"email_id": email.pk, "kind": email.kind})
    return email


def customer_email_message(email: CustomerEmail) -> EmailMultiAlternatives:
    """The message: a text body and an HTML alternative from `templates/emails/orders/<kind>.{txt,html}`."""
    order = Order.objects.select_related("user").prefetch_related("items").get(pk=email.order_id)
    context = {
        "order": order,
        "items": list(order.items.all()),
        "customer": order.user,
        "details": email.details,
        "currency": order.currency,
        "shop_name": settings.SHOP_NAME,
    }
    message = EmailMultiAlternatives(
        subject=SUBJECTS[email.kind].format(number=order.number),
        body=render_to_string(f"emails/orders/{email.kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
    )
    message.attach_alternative(render_to_string(f"emails/orders/{email.kind}.html", context), "text/html")
    return message
