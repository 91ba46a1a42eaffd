from django.core.management.base import BaseCommand

from shop.orders.idempotency import idempotency_keys_cleanup


class Command(BaseCommand):
    help = "Delete expired Idempotency-Key records. Safe to run from cron on several machines at once."

    def handle(self, *args, **options):
        count = idempotency_keys_cleanup()
        self.stdout.write(f"Deleted {count} expired idempotency key(s).")
