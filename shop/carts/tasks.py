"""Scheduled cart jobs (see CELERY_BEAT_SCHEDULE). Thin: each task calls the service its command calls."""

from celery import shared_task

from shop.carts.services import cart_abandon_stale


@shared_task
def abandon_stale_carts() -> int:
    """Open carts idle past CART_ABANDON_TTL_MINUTES become abandoned, their reservations released."""
    return cart_abandon_stale()
