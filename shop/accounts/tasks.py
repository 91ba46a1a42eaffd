"""Account mails sent in the background. Thin: each task calls a service."""

from celery import shared_task

from shop.accounts import services


@shared_task
def send_password_reset_mail(email: str) -> None:
    """Look the address up and mail a reset token if it belongs to an active user (enqueued by the reset
    endpoint; the answer to the caller never depends on it). Running it twice mails two valid tokens."""
    services.password_reset_mail_send(email=email)
