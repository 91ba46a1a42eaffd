from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from shop.carts import services, tasks
from shop.carts.models import Cart, CartItem
from shop.core.exceptions import InsufficientStock
from tests.factories import CartFactory, CartItemFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _cart_with_line(reserved_until):
    cart = CartFactory(expires_at=reserved_until)
    return CartItemFactory(cart=cart, reserved_until=reserved_until)


def test_release_clears_only_lapsed_reservations():
    now = timezone.now()
    lapsed = _cart_with_line(now - timedelta(minutes=1))
    live = _cart_with_line(now + timedelta(minutes=10))

    assert tasks.release_expired_reservations.apply().get() == 1

    lapsed.refresh_from_db()
    live.refresh_from_db()
    assert lapsed.reserved_until is None
    assert Cart.objects.get(pk=lapsed.cart_id).expires_at is None
    assert live.reserved_until is not None
    assert Cart.objects.get(pk=live.cart_id).expires_at is not None


def test_release_is_idempotent():
    _cart_with_line(timezone.now() - timedelta(minutes=1))
    assert services.cart_release_expired_reservations() == 1
    assert services.cart_release_expired_reservations() == 0


def test_release_keeps_the_line_and_the_cart_idle_timer():
    line = _cart_with_line(timezone.now() - timedelta(minutes=1))
    idle_since = Cart.objects.get(pk=line.cart_id).updated_at
    services.cart_release_expired_reservations()
    assert CartItem.objects.filter(pk=line.pk, quantity=line.quantity).exists()
    assert Cart.objects.get(pk=line.cart_id).updated_at == idle_since  # abandoning still counts from the last change


def test_a_released_line_is_checked_against_stock_again_on_the_next_change():
    product = ProductFactory(stock=1)
    line = CartItemFactory(product=product, quantity=1, reserved_until=timezone.now() - timedelta(minutes=1))
    services.cart_release_expired_reservations()
    rival = CartFactory()
    services.cart_apply_changes(cart=rival, add=[{"product": product.pk, "quantity": 1}])  # the unit was free
    with pytest.raises(InsufficientStock):
        services.cart_apply_changes(cart=line.cart, update=[{"product": product.pk, "quantity": 1}])


def test_release_command_prints_how_many_it_released():
    _cart_with_line(timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("release_expired_reservations", stdout=out)
    assert "Released 1 expired reservation(s)." in out.getvalue()


def test_abandon_task_abandons_idle_carts(settings):
    settings.CART_ABANDON_TTL_MINUTES = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        idle = CartFactory()
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert tasks.abandon_stale_carts.apply().get() == 1
        assert tasks.abandon_stale_carts.apply().get() == 0
    assert Cart.objects.get(pk=idle.pk).status == Cart.Status.ABANDONED
