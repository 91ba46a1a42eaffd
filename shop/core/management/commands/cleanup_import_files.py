"""Delete import files that were previewed but never confirmed (MEDIA_ROOT/django-import-export/).

Beat runs the same service every SCHEDULE_IMPORT_FILES_CLEANUP_MINUTES (shop.core.tasks); this command is
for cron or a manual run. Safe on several machines at once.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from shop.core.services import import_files_delete_stale


class Command(BaseCommand):
    help = "Delete previewed-but-never-confirmed import files older than --hours (default IMPORT_FILE_TTL_HOURS)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=None)

    def handle(self, *args, hours: int | None, **options):
        hours = settings.IMPORT_FILE_TTL_HOURS if hours is None else hours
        deleted = import_files_delete_stale(older_than=timedelta(hours=hours))
        self.stdout.write(f"Deleted {deleted} stale import file(s).")
