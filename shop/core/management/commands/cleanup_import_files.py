"""Delete import files that were previewed but never confirmed (MEDIA_ROOT/django-import-export/).

Files in Redis (when REDIS_URL is set) expire by themselves; files in media storage stay until removed.
Safe to run from cron on several machines: a file already gone is skipped.
"""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

FOLDER = "django-import-export"


def delete_stale_import_files(*, older_than: timedelta) -> int:
    if not default_storage.exists(FOLDER):
        return 0
    cutoff = timezone.now() - older_than
    deleted = 0
    for name in default_storage.listdir(FOLDER)[1]:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
        except FileNotFoundError:
            continue
    return deleted


class Command(BaseCommand):
    help = "Delete previewed-but-never-confirmed import files older than --hours (default 24)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, hours: int, **options):
        deleted = delete_stale_import_files(older_than=timedelta(hours=hours))
        self.stdout.write(f"Deleted {deleted} stale import file(s).")
