from django.core.management.base import BaseCommand

from shop.carts.services import cart_release_expired_reservations


class Command(BaseCommand):
    help = (
        "Clear lapsed stock reservations of cart lines (beat runs it every SCHEDULE_RESERVATIONS_RELEASE_MINUTES). "
        "Safe to run from cron on several machines at once."
    )

    def handle(self, *args, **options):
        count = cart_release_expired_reservations()
        self.stdout.write(f"Released {count} expired reservation(s).")
