from django.core.management.base import BaseCommand

from shop.catalog.services import stock_reservations_delete_expired


class Command(BaseCommand):
    help = (
        "Delete lapsed stock reservations (beat runs it every SCHEDULE_RESERVATIONS_RELEASE_MINUTES). "
        "Safe to run from cron on several machines at once."
    )

    def handle(self, *args, **options):
        count = stock_reservations_delete_expired()
        self.stdout.write(f"Released {count} expired reservation(s).")
