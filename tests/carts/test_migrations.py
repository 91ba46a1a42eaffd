"""The move of the reservations from the cart lines (`reserved_until`) into the catalog keeps what was held."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("carts", "0001_initial"), ("catalog", "0002_stockreservation")]


def migrate(targets=None):
    """Migrate to `targets` (default: the latest migration of every app) → the models as they were then."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_unexpired_reservations_of_open_carts_become_catalog_reservations():
    old = migrate(BEFORE)
    try:
        user = old.get_model("accounts", "User").objects.create(email="migrated@example.com")
        product = old.get_model("catalog", "Product").objects.create(sku="M-1", slug="m-1", title="M", price=1, stock=9)
        Cart, CartItem = old.get_model("carts", "Cart"), old.get_model("carts", "CartItem")
        soon, past = timezone.now() + timedelta(minutes=20), timezone.now() - timedelta(minutes=1)
        held = Cart.objects.create(user=user, status="open")
        CartItem.objects.create(cart=held, product=product, quantity=3, reserved_until=soon)
        lapsed = Cart.objects.create(session_key="guest-session-lapsed", status="open")
        CartItem.objects.create(cart=lapsed, product=product, quantity=2, reserved_until=past)
        abandoned = Cart.objects.create(session_key="guest-session-abandoned", status="abandoned")
        CartItem.objects.create(cart=abandoned, product=product, quantity=1, reserved_until=soon)
    finally:
        new = migrate()
    reservations = new.get_model("catalog", "StockReservation").objects.values_list(
        "holder", "product_id", "quantity", "expires_at"
    )
    assert list(reservations) == [(f"cart:{held.pk}", product.pk, 3, soon)]
