"""`update_many`: one statement per batch, each row getting its own values, on SQLite and PostgreSQL."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shop.catalog.models import Product
from shop.core import bulk
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_other_columns_stay(monkeypatch):
    monkeypatch.setattr(bulk, "BATCH", 2)
    products = ProductFactory.create_batch(3, stock=1, description="kept")
    later = timezone.now() + timedelta(days=1)
    for n, product in enumerate(products):
        product.title, product.price, product.is_active, product.updated_at = f"T{n}", Decimal(f"{n}.50"), n != 1, later
        product.description = "not written"
    with CaptureQueriesContext(connection) as queries:
        bulk.update_many(Product, products, ["title", "price", "is_active", "updated_at"])
    assert len(queries) == 2  # two batches
    stored = list(
        Product.objects.order_by("pk").values_list("title", "price", "is_active", "updated_at", "description")
    )
    assert stored == [(f"T{n}", Decimal(f"{n}.50"), n != 1, later, "kept") for n in range(3)]


def test_nothing_to_update_sends_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert bulk.update_many(Product, [], ["title"]) == 0
    assert not queries
