from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from shop.catalog import services, tasks
from shop.catalog.models import StockReservation
from shop.catalog.selectors import stock_available
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _reservation(product, holder, minutes):
    return StockReservation.objects.create(
        product=product, holder=holder, quantity=1, expires_at=timezone.now() + timedelta(minutes=minutes)
    )


def test_release_deletes_only_lapsed_reservations():
    product = ProductFactory(stock=5)
    lapsed = _reservation(product, "cart:1", -1)
    live = _reservation(product, "cart:2", 10)

    assert tasks.release_expired_reservations.apply().get() == 1

    assert not StockReservation.objects.filter(pk=lapsed.pk).exists()
    assert StockReservation.objects.filter(pk=live.pk).exists()


def test_release_is_idempotent():
    _reservation(ProductFactory(), "cart:1", -1)
    assert services.stock_reservations_delete_expired() == 1
    assert services.stock_reservations_delete_expired() == 0


def test_release_changes_no_availability():
    product = ProductFactory(stock=2)
    _reservation(product, "cart:1", -1)
    _reservation(product, "cart:2", 10)
    before = stock_available(product_ids=[product.pk])
    services.stock_reservations_delete_expired()
    assert stock_available(product_ids=[product.pk]) == before == {product.pk: 1}


def test_release_command_prints_how_many_it_released():
    _reservation(ProductFactory(), "cart:1", -1)
    out = StringIO()
    call_command("release_expired_reservations", stdout=out)
    assert "Released 1 expired reservation(s)." in out.getvalue()
