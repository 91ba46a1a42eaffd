"""Large, deterministic test data for benchmarks and manual testing (`manage.py generate_data`).

The parts run in dependency order (categories → products and their variants → users → carts → vouchers →
orders), each inserting in batches with `bulk_create`, one transaction per batch. The same seed on an empty
database gives the same rows: every random choice comes from one `random.Random(seed)` and every timestamp from
`base.BASE_DATE`. It lives in the orders app because orders are the top-most data it writes.
"""

import random
import time
from dataclasses import dataclass

from django.db import connection

from shop.accounts.models import Address, User
from shop.carts.models import Cart, CartItem
from shop.catalog.models import Category, Product, StockMovement
from shop.devdata.datagen.base import Progress, frozen_timestamps, require_returning_ids
from shop.devdata.datagen.carts import create_carts
from shop.devdata.datagen.catalog import create_categories, create_products
from shop.devdata.datagen.images import create_images
from shop.devdata.datagen.orders import Prices, create_orders
from shop.devdata.datagen.people import create_users
from shop.devdata.datagen.vouchers import create_vouchers
from shop.orders.models import Order, OrderStatusChange
from shop.payments.models import Payment
from shop.pricing.models import Voucher, VoucherUse

TIMESTAMPED = (Product, Address, Cart, CartItem, Order, StockMovement, OrderStatusChange, Voucher, VoucherUse, Payment)
DEFAULT_PASSWORD = "generated-password-1"  # noqa: S105 - test data, documented


@dataclass(frozen=True)
class Sizes:
    products: int = 100_000
    categories: int = 200
    users: int = 10_000
    carts: int = 20_000
    orders: int = 50_000
    vouchers: int = 50
    images: int = 0  # the first N products get a small generated primary image (files in the media storage)
    variants: int = 0  # per cent of the products that are parents with 2-6 variants (which come on top)


def database_has_shop_data() -> bool:
    """True when any catalog, cart or order row, or any non-staff user exists (staff accounts are fine)."""
    models = (Category, Product, Cart, Order, Voucher)
    return any(m.objects.exists() for m in models) or User.objects.filter(is_staff=False).exists()


def generate(
    *, sizes: Sizes, seed: int, batch_size: int = 5000, password: str = DEFAULT_PASSWORD, stream=None
) -> dict[str, float]:
    """Fill the database and return the seconds each part took (plus `total`). `stream` gets the progress bars."""
    require_returning_ids()
    rng = random.Random(seed)
    timings: dict[str, float] = {}

    def part(label: str, total: int, build):
        progress = Progress(label, total, stream)
        result = build(progress)
        timings[label] = progress.finish()
        return result

    started = time.perf_counter()
    with frozen_timestamps(*TIMESTAMPED):
        category_ids = part("categories", sizes.categories, lambda p: _categories(rng, sizes, batch_size, p))
        catalog = part("products", sizes.products, lambda p: _products(rng, sizes, category_ids, batch_size, p))
        people = part("users", sizes.users, lambda p: _users(rng, sizes, password, seed, batch_size, p))
        part("carts", sizes.carts, lambda p: _carts(rng, sizes, catalog, people, seed, batch_size, p))
        vouchers = part("vouchers", sizes.vouchers, lambda p: _vouchers(rng, sizes, batch_size, p))
        prices = Prices.of_the_shop(vouchers)
        part("orders", sizes.orders, lambda p: _orders(rng, sizes, catalog, people, prices, batch_size, p))
        part(
            "images", sizes.images, lambda p: _images(rng, sizes, catalog, batch_size, p)
        )  # last: draws no other part's
    part("analyze", 1, _analyze)
    timings["total"] = time.perf_counter() - started
    return timings


def _images(rng, sizes, catalog, batch_size, progress):
    create_images(rng=rng, product_ids=catalog.listed[: sizes.images], batch_size=batch_size, progress=progress)


def _categories(rng, sizes, batch_size, progress):
    return create_categories(rng=rng, count=sizes.categories, batch_size=batch_size, progress=progress)


def _products(rng, sizes, category_ids, batch_size, progress):
    return create_products(
        rng=rng,
        count=sizes.products,
        category_ids=category_ids,
        batch_size=batch_size,
        progress=progress,
        variants=sizes.variants,
    )


def _users(rng, sizes, password, seed, batch_size, progress):
    return create_users(
        rng=rng, count=sizes.users, password=password, seed=seed, batch_size=batch_size, progress=progress
    )


def _carts(rng, sizes, catalog, people, seed, batch_size, progress):
    create_carts(
        rng=rng, count=sizes.carts, catalog=catalog, people=people, seed=seed, batch_size=batch_size, progress=progress
    )


def _vouchers(rng, sizes, batch_size, progress):
    return create_vouchers(rng=rng, count=sizes.vouchers, batch_size=batch_size, progress=progress)


def _orders(rng, sizes, catalog, people, prices, batch_size, progress):
    create_orders(
        rng=rng,
        count=sizes.orders,
        catalog=catalog,
        people=people,
        prices=prices,
        batch_size=batch_size,
        progress=progress,
    )


def _analyze(progress: Progress) -> None:
    """Refresh the planner's statistics after a bulk load (both SQLite and PostgreSQL understand ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    progress.advance(1)
