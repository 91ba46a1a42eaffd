"""`manage.py generate_data`: fill the database with large, deterministic data (see shop/devdata/datagen)."""

import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from shop.devdata.datagen import DEFAULT_PASSWORD, Sizes, database_has_shop_data, generate

DEFAULTS = Sizes()
SIZES = ("products", "categories", "users", "carts", "orders", "vouchers", "images")


class Command(BaseCommand):
    help = (
        "Generate categories, products (with stock movements; --variants PERCENT makes that share parents with "
        "variants), users (with addresses), carts, vouchers and orders "
        "(some using the vouchers, priced by the shop's pricing function) in bulk. Deterministic for a seed on an "
        "empty database. Refuses a database that already holds shop data unless --flush is given, which empties "
        "the WHOLE database first (Django's flush)."
    )

    def add_arguments(self, parser):
        for name in SIZES:
            parser.add_argument(f"--{name}", type=int, default=getattr(DEFAULTS, name), metavar="N")
        parser.add_argument(
            "--variants",
            type=int,
            default=DEFAULTS.variants,
            metavar="PERCENT",
            help="that share of the products are parents with 2-6 variants over Size and Colour (default 0: none); "
            "the variants come on top of --products",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=5000, metavar="N")
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="password of every generated user (hashed once)"
        )
        parser.add_argument("--flush", action="store_true", help="empty the whole database first (staff too)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")

    def handle(self, *args, **options):
        sizes = Sizes(**{name: options[name] for name in SIZES}, variants=options["variants"])
        _validate(sizes, options["batch_size"])
        if options["flush"]:
            call_command("flush", interactive=False, verbosity=0)
        elif database_has_shop_data():
            raise CommandError("The database already holds shop data; use --flush to empty it first.")
        stream = None if options["no_progress"] or options["verbosity"] == 0 else sys.stderr
        timings = generate(
            sizes=sizes,
            seed=options["seed"],
            batch_size=options["batch_size"],
            password=options["password"],
            stream=stream,
        )
        for part, seconds in timings.items():
            count = getattr(sizes, part, "")
            self.stdout.write(f"{part:<11} {count!s:>8} {seconds:8.2f} s")
        self.stdout.write(self.style.SUCCESS(f"Generated with seed {options['seed']}."))


def _validate(sizes: Sizes, batch_size: int) -> None:
    if min(vars(sizes).values()) < 0 or batch_size < 1:
        raise CommandError("Sizes must be >= 0 and --batch-size >= 1.")
    if (sizes.carts or sizes.orders) and not sizes.products:
        raise CommandError("Carts and orders need --products > 0.")
    if sizes.orders and not sizes.users:
        raise CommandError("Orders need --users > 0.")
    if sizes.variants > 100:
        raise CommandError("--variants is a percentage: 0 to 100.")
    if sizes.images > sizes.products:
        raise CommandError("--images can be at most --products (one image for each of the first N products).")
