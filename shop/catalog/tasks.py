"""Scheduled catalog jobs (see CELERY_BEAT_SCHEDULE). Thin: each task calls the service its command calls."""

from celery import shared_task

from shop.catalog.low_stock import low_stock_digest_send


@shared_task
def send_low_stock_digest() -> int | None:
    """The day's low-stock mail to the catalog managers; a "sent on date X" row keeps it to once a day."""
    digest = low_stock_digest_send()
    return digest.pk if digest else None
