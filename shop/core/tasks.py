"""Scheduled housekeeping of core (see CELERY_BEAT_SCHEDULE). Thin: each task calls a service."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from shop.core.services import import_files_delete_stale


@shared_task
def cleanup_import_files() -> int:
    """Previewed import files never confirmed, older than IMPORT_FILE_TTL_HOURS (a file already gone is skipped)."""
    return import_files_delete_stale(older_than=timedelta(hours=settings.IMPORT_FILE_TTL_HOURS))
