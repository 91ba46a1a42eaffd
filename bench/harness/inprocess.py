"""In-process measurements: CSV import vs bulk_create, queries per page (with EXPLAIN), the checkout ledger check."""

import csv
import io
import time
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from shop.carts.models import Cart
from shop.catalog.models import Category, Product, StockMovement
from shop.orders.models import Order

IMPORT_ROWS = 10_000
HEADERS = ("sku", "slug", "title", "description", "price", "image", "stock", "is_active", "categories")


def _csv_rows(prefix: str, slugs: list[str], count: int) -> list[dict]:
    return [
        {
            "sku": f"{prefix}-{n}", "slug": f"{prefix.lower()}-{n}", "title": f"Imported thing {n}",
            "description": "From a spreadsheet.", "price": f"{(n % 5000) + 1}.99", "image": "",
            "stock": str(n % 300 + 1), "is_active": "1", "categories": "|".join(slugs[n % len(slugs) :][:2]),
        }
        for n in range(count)
    ]  # fmt: skip


def import_benchmark(tag: str, rows: int = IMPORT_ROWS) -> dict:
    """Time ProductResource.import_data (the admin's confirm step) and a bulk_create of the same rows."""
    try:
        from shop.catalog.resources import ProductResource
    except ImportError:
        return {"note": "shop/catalog/resources.py (ProductResource) is missing: import benchmark skipped"}
    import tablib

    slugs = list(Category.objects.order_by("id").values_list("slug", flat=True)[:50]) or [""]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(_csv_rows(f"IMP{tag}", slugs, rows))
    dataset = tablib.Dataset().load(text.getvalue(), format="csv")
    started = time.perf_counter()
    result = ProductResource().import_data(dataset, dry_run=False, use_transactions=True, file_name="bench.csv")
    import_seconds = time.perf_counter() - started
    errors = len(result.invalid_rows) + sum(len(row.errors) for row in result.rows)
    bulk_seconds = _bulk_create_rows(_csv_rows(f"BLK{tag}", slugs, rows))
    _delete_products((f"IMP{tag}-%", f"BLK{tag}-%"))
    return {
        "rows": rows,
        "import_s": import_seconds,
        "bulk_s": bulk_seconds,
        "ratio": import_seconds / bulk_seconds,
        "errors": errors,
    }


def _bulk_create_rows(rows: list[dict]) -> float:
    """The same rows as plain bulk_create: products, category links, one `initial` movement each."""
    started = time.perf_counter()
    categories = dict(Category.objects.values_list("slug", "id"))
    link = Product.categories.through
    with transaction.atomic():
        products = Product.objects.bulk_create(
            Product(
                sku=r["sku"], slug=r["slug"], title=r["title"], description=r["description"],
                price=Decimal(r["price"]), image=r["image"], stock=int(r["stock"]), is_active=r["is_active"] == "1",
            )
            for r in rows
        )  # fmt: skip
        link.objects.bulk_create(
            link(product_id=p.pk, category_id=categories[slug])
            for p, r in zip(products, rows, strict=True)
            for slug in r["categories"].split("|")
            if slug
        )
        StockMovement.objects.bulk_create(
            StockMovement(product_id=p.pk, delta=p.stock, reason=StockMovement.Reason.IMPORT) for p in products
        )
    return time.perf_counter() - started


def _delete_products(patterns: tuple[str, ...]) -> None:
    """Remove the benchmark's products again (raw SQL: nothing else refers to them)."""
    subquery = "SELECT id FROM catalog_product WHERE sku LIKE %s"
    with transaction.atomic(), connection.cursor() as cursor:
        for pattern in patterns:
            cursor.execute(f"DELETE FROM catalog_stockmovement WHERE product_id IN ({subquery})", [pattern])  # noqa: S608
            cursor.execute(f"DELETE FROM catalog_product_categories WHERE product_id IN ({subquery})", [pattern])  # noqa: S608
            cursor.execute("DELETE FROM catalog_product WHERE sku LIKE %s", [pattern])


class _QueryTimer:
    """connection.execute_wrapper that times every query precisely (CaptureQueriesContext rounds to 1 ms)."""

    def __init__(self):
        self.seconds: list[float] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds.append(time.perf_counter() - started)


def query_report(path: str, cookie: str = "") -> dict:
    """Query count and slowest query of one in-process request (after a warm-up); EXPLAIN of its product queries.
    The public cache is off here: the queries are those of a miss."""
    client = Client()
    if cookie:
        client.cookies["sessionid"] = cookie
    with override_settings(CATALOG_CACHE_SECONDS=0):
        client.get(path)
        timer = _QueryTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            status = client.get(path).status_code
    queries = captured.captured_queries
    plans = [_explain(q["sql"]) for q in queries if "catalog_product" in q["sql"] and q["sql"].startswith("SELECT")]
    slowest = max(timer.seconds, default=0.0)
    return {"path": path, "status": status, "queries": len(queries), "slowest_ms": slowest * 1000, "plans": plans}


def _explain(sql: str) -> dict:
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        lines = [" ".join(str(c) for c in row) if connection.vendor != "postgresql" else row[0] for row in cursor]
    return {"sql": sql, "plan": "\n".join(lines)}


def checkout_ledger(hot_products: list[int], cart_ids: list[int]) -> dict:
    """After the checkout runs: no negative stock, stock == sum(ledger) on the contended products, one order per
    ordered cart."""
    products = Product.objects.filter(pk__in=hot_products).annotate(ledger=Sum("stock_movements__delta"))
    mismatched = [p.pk for p in products if p.stock != p.ledger]
    return {
        "negative_stock": Product.objects.filter(stock__lt=0).count(),
        "ledger_mismatches": len(mismatched),
        "ordered_carts": Cart.objects.filter(pk__in=cart_ids, status=Cart.Status.ORDERED).count(),
        "orders": Order.objects.filter(cart_id__in=cart_ids).count(),
    }
