"""Load the committed FakeStore fixtures into a shop that has no products yet.

`make run` calls this on every start: reloading the fixtures over a shop in use would overwrite what
staff changed since (prices, stock) and break the stock ledger, so a database with products is left alone.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from shop.catalog.models import Product


class Command(BaseCommand):
    help = "Load fixtures/*.json when the database has no products yet (first start)."

    def handle(self, *args, **options):
        if Product.objects.exists():
            self.stdout.write("The shop already has products: fixtures not loaded (use `manage.py loaddata` to force).")
            return
        fixtures = sorted(str(path) for path in (settings.BASE_DIR / "fixtures").glob("*.json"))
        call_command("loaddata", *fixtures, stdout=self.stdout)
