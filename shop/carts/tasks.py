"""Scheduled cart jobs (see CELERY_BEAT_SCHEDULE). Thin: each task calls the service its command calls."""

from celery import shared_task

from shop.carts.services import cart_abandon_stale, cart_release_expired_reservations


@shared_task
def abandon_stale_carts() -> int:
    """Open carts idle past CART_ABANDON_TTL_MINUTES become abandoned (one conditional UPDATE)."""
    return cart_abandon_stale()


@shared_task
def release_expired_reservations() -> int:
    """Lapsed reservations are cleared (conditional UPDATEs)."""
    return cart_release_expired_reservations()
