"""Order jobs: scheduled ones (see CELERY_BEAT_SCHEDULE) and customer emails. Thin: each task calls a service."""

from smtplib import SMTPException

from celery import shared_task

from shop.orders.emails import customer_email_send
from shop.orders.idempotency import idempotency_keys_cleanup


@shared_task
def cleanup_idempotency_keys() -> int:
    """Expired Idempotency-Key records are deleted (a plain DELETE)."""
    return idempotency_keys_cleanup()


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=30, max_retries=5)
def send_customer_email(email_id: int) -> bool:
    """Send one recorded customer email (enqueued after the commit of its event). Safe to run twice: an email
    already sent is not sent again. A mail server that fails is retried with backoff."""
    email = customer_email_send(email_id=email_id)
    return email is not None and email.sent_at is not None
