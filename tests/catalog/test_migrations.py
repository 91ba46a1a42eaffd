from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("catalog", "0005_product_adjust_stock_permission")]
AFTER = [("catalog", "0006_product_rating_sum")]


@pytest.mark.django_db(transaction=True)
def test_the_rating_sum_migration_keeps_each_stored_summary_as_its_base():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("catalog", "Product")
    old.objects.create(sku="FS-1", slug="fs-1", title="Seeded", price="1.00", rating_rate="3.90", rating_count=120)
    old.objects.create(sku="FS-2", slug="fs-2", title="Unrated", price="1.00")
    executor = MigrationExecutor(connection)  # a fresh loader sees 0005 applied
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("catalog", "Product")
    sums = dict(new.objects.values_list("sku", "rating_sum"))
    assert sums == {"FS-1": Decimal("468.00"), "FS-2": Decimal("0.00")}
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
