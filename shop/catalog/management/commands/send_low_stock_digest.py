from django.core.management.base import BaseCommand

from shop.catalog.low_stock import low_stock_digest_send


class Command(BaseCommand):
    help = (
        "Mail the catalog managers today's low-stock digest (beat runs it daily at SCHEDULE_LOW_STOCK_DIGEST_AT). "
        "Sends at most once a day, however often and wherever it runs."
    )

    def handle(self, *args, **options):
        digest = low_stock_digest_send()
        if digest is None:
            self.stdout.write("Nothing sent: no low-stock product, no catalog manager, or already sent today.")
        else:
            self.stdout.write(
                f"Sent the digest of {digest.product_count} product(s) to {digest.recipient_count} manager(s)."
            )
