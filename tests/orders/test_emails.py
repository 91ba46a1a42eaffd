from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction

from shop.orders import services
from shop.orders.emails import customer_email_resend, customer_email_send
from shop.orders.models import CustomerEmail
from shop.orders.tasks import send_customer_email
from tests.helpers import settings_for
from tests.orders.fulfilment import paid_order, placed_order, status_mover

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipping_addresses")]


@pytest.fixture
def run_after_commit(django_capture_on_commit_callbacks):
    """Run what the block enqueues after its commit, as a request's end would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_placing_an_order_mails_the_customer_text_and_html(customer, run_after_commit, settings):
    settings.SHOP_NAME = "Acme"
    with run_after_commit():
        order = placed_order(customer)
    [message] = mail.outbox
    assert message.to == [customer.email] and message.subject == f"Your order {order.number} has been placed"
    assert order.number in message.body and "Acme" in message.body and order.items.get().sku in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and order.number in html
    assert CustomerEmail.objects.get(order=order, kind="order_placed").sent_at is not None


def test_nothing_is_mailed_before_the_commit(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        placed_order(customer)
        assert mail.outbox == []
    assert len(callbacks) == 1 and mail.outbox == []


def test_a_rolled_back_event_mails_nothing(customer, run_after_commit):
    with run_after_commit(), pytest.raises(RuntimeError), transaction.atomic():
        placed_order(customer)
        raise RuntimeError("checkout fails after the email was recorded")
    assert mail.outbox == [] and not CustomerEmail.objects.exists()


def test_payment_received_names_the_invoice_number_and_is_sent_once(customer, run_after_commit):
    order = placed_order(customer)
    with run_after_commit():
        order = services.order_set_status(order=order, status="paid", by=status_mover())
        services.order_paid(order=order)  # a second report of the same payment
    [message] = mail.outbox
    assert message.subject == f"Payment received for your order {order.number}"
    assert order.invoice_number in message.body
    assert CustomerEmail.objects.filter(order=order, kind="payment_received").count() == 1


def test_a_refund_is_mailed_once_per_refund(customer, run_after_commit):
    order = paid_order(customer)
    with run_after_commit():
        services.order_refunded(order=order, refund_id=7, amount=Decimal("5"), reason="Broken handle")
        services.order_refunded(order=order, refund_id=7, amount=Decimal("5"), reason="Broken handle")
        services.order_refunded(order=order, refund_id=8, amount=Decimal("2.5"))
    assert [m.subject for m in mail.outbox] == [f"A refund for your order {order.number}"] * 2
    assert "5.00" in mail.outbox[0].body and "Broken handle" in mail.outbox[0].body
    assert "2.50" in mail.outbox[1].body


def test_a_refund_recorded_by_the_payments_app_is_mailed(customer, staff, run_after_commit):
    from shop.payments.refunds import refund_create  # the floor above orders, which sends `order_refunded`

    order = paid_order(customer)
    mail.outbox.clear()
    with run_after_commit():
        refund = refund_create(order=order, by=staff, reason="Arrived late", amount=Decimal("3.00"))
    [message] = mail.outbox
    assert message.subject == f"A refund for your order {order.number}"
    assert "3.00" in message.body and "Arrived late" in message.body
    assert CustomerEmail.objects.get(order=order, kind="refunded").event == str(refund.pk)


def test_the_task_run_twice_sends_once(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        order = placed_order(customer)  # enqueued, not run
    email = CustomerEmail.objects.get(order=order)
    assert send_customer_email.apply(kwargs={"email_id": email.pk}).get() is True
    assert send_customer_email.apply(kwargs={"email_id": email.pk}).get() is True
    assert len(mail.outbox) == 1


def test_a_failed_send_is_not_marked_sent_and_a_retry_sends_it(customer, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks():
        order = placed_order(customer)
    email = CustomerEmail.objects.get(order=order)
    settings.EMAIL_BACKEND = "tests.orders.test_emails.FailingBackend"
    with pytest.raises(OSError):
        customer_email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    customer_email_send(email_id=email.pk)
    assert len(mail.outbox) == 1


def test_staff_resend_is_a_new_record_to_the_current_address(customer, staff, run_after_commit):
    with run_after_commit():
        order = placed_order(customer)
    customer.email = "new-address@example.com"
    customer.save()
    with run_after_commit():
        copy = customer_email_resend(email=CustomerEmail.objects.get(order=order), by=staff)
    assert mail.outbox[1].to == ["new-address@example.com"] and mail.outbox[0].to != mail.outbox[1].to
    copy.refresh_from_db()
    assert copy.resend and copy.requested_by == staff and copy.sent_at is not None
    assert CustomerEmail.objects.filter(order=order).count() == 2


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server unreachable")


def test_email_url_configures_smtp():
    config = settings_for(EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("smtp.example.com", 587)
    assert config["EMAIL_HOST_USER"] == "mailer"
    assert config["EMAIL_USE_TLS"] is True
