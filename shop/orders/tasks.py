"""Scheduled order jobs (see CELERY_BEAT_SCHEDULE). Thin: each task calls the service its command calls."""

from celery import shared_task

from shop.orders.idempotency import idempotency_keys_cleanup


@shared_task
def cleanup_idempotency_keys() -> int:
    """Expired Idempotency-Key records are deleted (a plain DELETE)."""
    return idempotency_keys_cleanup()
