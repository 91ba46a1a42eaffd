"""Load the committed FakeStore fixtures into a shop that has no products yet.

`make run` calls this on every start: reloading the fixtures over a shop in use would overwrite what
staff changed since (prices, stock) and break the stock ledger, so a database with products is left alone.
The pricing fixture (shipping methods, tax rate, voucher) is loaded on its own into a shop that has no
pricing yet, so a shop seeded before pricing existed shows real totals too.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from shop.catalog.models import Product
from shop.pricing.models import ShippingMethod, TaxRate, Voucher

PRICING_FIXTURE = "pricing.json"


class Command(BaseCommand):
    help = "Load fixtures/*.json when the database has no products yet (first start); pricing when it has none."

    def handle(self, *args, **options):
        folder = settings.BASE_DIR / "fixtures"
        if not any(model.objects.exists() for model in (ShippingMethod, TaxRate, Voucher)):
            call_command("loaddata", str(folder / PRICING_FIXTURE), stdout=self.stdout)
        if Product.objects.exists():
            self.stdout.write("The shop already has products: fixtures not loaded (use `manage.py loaddata` to force).")
            return
        fixtures = sorted(str(path) for path in folder.glob("*.json") if path.name != PRICING_FIXTURE)
        call_command("loaddata", *fixtures, stdout=self.stdout)
