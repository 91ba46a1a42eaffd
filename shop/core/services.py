"""Housekeeping that belongs to no domain app. The management commands and the scheduled tasks call these."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

IMPORT_FILES_FOLDER = "django-import-export"  # where django-import-export's MediaStorage keeps previewed files


def import_files_delete_stale(*, older_than: timedelta) -> int:
    """Delete import files previewed but never confirmed, older than `older_than`; returns how many.

    Only media storage needs it: files kept in Redis (REDIS_URL set) expire by themselves. Safe on several
    machines at once: a file another run already deleted is skipped.
    """
    if not default_storage.exists(IMPORT_FILES_FOLDER):
        return 0
    cutoff = timezone.now() - older_than
    deleted = 0
    for name in default_storage.listdir(IMPORT_FILES_FOLDER)[1]:
        path = f"{IMPORT_FILES_FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
        except FileNotFoundError:
            continue
    return deleted
