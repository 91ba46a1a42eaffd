"""The catalog's stock functions: availability, reservations, checks. Carts and orders use them through holders."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shop.catalog.models import StockReservation
from shop.catalog.selectors import stock_available, stock_reservations
from shop.catalog.services import stock_check, stock_reservations_release, stock_reservations_set
from shop.core.exceptions import InsufficientStock
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def reserve(holder, product, quantity, minutes=30):
    stock_reservations_set(
        holder=holder, quantities={product.pk: quantity}, expires_at=timezone.now() + timedelta(minutes=minutes)
    )


def test_available_is_stock_minus_the_unexpired_reservations_of_other_holders():
    product = ProductFactory(stock=10)
    reserve("a", product, 2)
    reserve("b", product, 3)
    reserve("c", product, 4, minutes=-1)  # expired: counts for nothing
    assert stock_available(product_ids=[product.pk]) == {product.pk: 5}
    assert stock_available(product_ids=[product.pk], holder="a") == {product.pk: 7}


def test_an_inactive_product_has_nothing_available_and_unknown_ids_are_absent():
    product = ProductFactory(stock=10, is_active=False)
    assert stock_available(product_ids=[product.pk, 999999]) == {product.pk: 0}


def test_when_reservations_exceed_the_stock_the_oldest_holders_keep_theirs():
    product = ProductFactory(stock=6)
    start = timezone.now()
    for minute, holder in enumerate("abcdef"):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            reserve(holder, product, 1, minutes=60)
    product.stock = 4
    product.save(update_fields=["stock"])
    available = {holder: stock_available(product_ids=[product.pk], holder=holder)[product.pk] for holder in "abcdef"}
    assert available == {"a": 1, "b": 1, "c": 1, "d": 1, "e": 0, "f": 0}
    assert stock_available(product_ids=[product.pk], holder="newcomer") == {product.pk: 0}


def test_check_lists_every_short_product_and_a_single_one_at_the_top_level():
    plenty, scarce, gone = ProductFactory(stock=5), ProductFactory(stock=1), ProductFactory(stock=0)
    with pytest.raises(InsufficientStock) as caught:
        stock_check(wanted={plenty.pk: 5, scarce.pk: 2, gone.pk: 1})
    assert caught.value.shortages == [{"product": scarce.pk, "available": 1}, {"product": gone.pk, "available": 0}]
    assert "product" not in caught.value.extra
    with pytest.raises(InsufficientStock) as caught:
        stock_check(wanted={scarce.pk: 2})
    assert (caught.value.extra["product"], caught.value.extra["available"]) == (scarce.pk, 1)
    assert set(stock_check(wanted={plenty.pk: 5})) == {plenty.pk}


def test_set_replaces_a_holders_reservations_and_a_running_one_keeps_its_place():
    a, b = ProductFactory(), ProductFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        stock_reservations_set(holder="h", quantities={a.pk: 2, b.pk: 1}, expires_at=start + timedelta(minutes=30))
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        stock_reservations_set(holder="h", quantities={a.pk: 3}, expires_at=start + timedelta(minutes=35))
        [kept] = stock_reservations(holder="h")
    assert (kept.product_id, kept.quantity, kept.created_at) == (a.pk, 3, start)
    assert kept.expires_at == start + timedelta(minutes=35)


def test_a_lapsed_reservation_set_again_goes_to_the_back_of_the_queue():
    product = ProductFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        reserve("h", product, 1)
    later = start + timedelta(minutes=40)
    with time_machine.travel(later, tick=False):
        reserve("h", product, 1)
        assert stock_reservations(holder="h").get().created_at == later


def test_set_without_an_expiry_and_release_drop_the_reservations():
    product = ProductFactory()
    reserve("h", product, 2)
    stock_reservations_set(holder="h", quantities={product.pk: 2}, expires_at=None)
    assert not StockReservation.objects.exists()
    reserve("x", product, 1)
    reserve("y", product, 1)
    reserve("z", product, 1)
    assert stock_reservations_release(holders=["x", "y"]) == 2
    assert list(StockReservation.objects.values_list("holder", flat=True)) == ["z"]


def test_one_reservation_per_holder_and_product():
    product = ProductFactory()
    reserve("h", product, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockReservation.objects.create(holder="h", product=product, quantity=1, expires_at=timezone.now())


def test_the_catalog_does_not_import_the_apps_above_it():
    above = ("shop.pricing", "shop.carts", "shop.orders", "shop.payments", "shop.fakestore", "shop.backoffice")
    for path in (Path(settings.BASE_DIR) / "shop" / "catalog").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not [name for name in names if name.startswith(above)], path
