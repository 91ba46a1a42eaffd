from django.conf import settings
from django.core.management.base import BaseCommand

from shop.carts.services import cart_abandon_stale


class Command(BaseCommand):
    help = (
        "Mark open carts idle longer than CART_ABANDON_TTL_MINUTES as abandoned, releasing their reservations. "
        "Safe to run from cron on several machines at once."
    )

    def handle(self, *args, **options):
        count = cart_abandon_stale()
        minutes = settings.CART_ABANDON_TTL_MINUTES
        self.stdout.write(f"Abandoned {count} cart(s) idle for more than {minutes} minutes.")
