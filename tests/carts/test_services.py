from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from shop.carts import services
from shop.carts.models import Cart, CartItem
from shop.core.exceptions import Conflict, InsufficientStock, InvalidInput
from tests.factories import CartFactory, CartItemFactory, ProductFactory

pytestmark = pytest.mark.django_db


def lines(cart):
    return dict(cart.items.values_list("product_id", "quantity"))


def test_available_stock_subtracts_unexpired_reservations_of_other_carts():
    product = ProductFactory(stock=10)
    mine = CartItemFactory(product=product, quantity=2).cart
    CartItemFactory(product=product, quantity=3)
    CartItemFactory(product=product, quantity=4, reserved_until=timezone.now() - timedelta(seconds=1))
    assert services.available_stock(product_ids=[product.pk]) == {product.pk: 5}
    assert services.available_stock(product_ids=[product.pk], exclude_cart=mine) == {product.pk: 7}


def test_available_stock_ignores_carts_that_are_not_open():
    product = ProductFactory(stock=10)
    CartItemFactory(product=product, quantity=6, cart=CartFactory(status=Cart.Status.ABANDONED))
    CartItemFactory(product=product, quantity=2, cart=CartFactory(status=Cart.Status.ORDERED))
    assert services.available_stock(product_ids=[product.pk]) == {product.pk: 10}


def test_get_or_create_open_returns_the_same_cart_twice(customer):
    first = services.cart_get_or_create_open(user=customer)
    assert services.cart_get_or_create_open(user=customer) == first


def test_get_or_create_open_for_a_guest_never_returns_a_user_cart(customer):
    services.cart_get_or_create_open(user=customer)
    guest = services.cart_get_or_create_open(session_key="guest-session-aaaa")
    assert guest.user is None and guest.session_key == "guest-session-aaaa"


def test_apply_changes_adds_updates_and_removes_in_order(customer):
    a, b, c = ProductFactory(), ProductFactory(), ProductFactory()
    cart = services.cart_get_or_create_open(user=customer)
    services.cart_apply_changes(cart=cart, add=[{"product": a.pk, "quantity": 1}, {"product": b.pk, "quantity": 2}])
    services.cart_apply_changes(
        cart=cart,
        add=[{"product": a.pk, "quantity": 2}, {"product": c.pk, "quantity": 1}],
        update=[{"product": b.pk, "quantity": 5}],
        remove=[c.pk],
    )
    assert lines(cart) == {a.pk: 3, b.pk: 5}


def test_update_to_zero_removes_the_line(customer):
    item = CartItemFactory(cart=CartFactory(user=customer))
    services.cart_apply_changes(cart=item.cart, update=[{"product": item.product_id, "quantity": 0}])
    assert lines(item.cart) == {}


def test_changes_are_all_or_nothing_when_one_product_is_short(customer):
    plenty, scarce = ProductFactory(stock=50), ProductFactory(stock=1)
    cart = CartFactory(user=customer)
    with pytest.raises(InsufficientStock) as caught:
        services.cart_apply_changes(
            cart=cart, add=[{"product": plenty.pk, "quantity": 5}, {"product": scarce.pk, "quantity": 2}]
        )
    assert caught.value.shortages == [{"product": scarce.pk, "available": 1}]
    assert caught.value.extra["product"] == scarce.pk and caught.value.extra["available"] == 1
    assert lines(cart) == {}


def test_shortage_lists_every_short_product(customer):
    first, second = ProductFactory(stock=1), ProductFactory(stock=0)
    with pytest.raises(InsufficientStock) as caught:
        services.cart_apply_changes(
            cart=CartFactory(user=customer),
            add=[{"product": first.pk, "quantity": 2}, {"product": second.pk, "quantity": 1}],
        )
    assert caught.value.shortages == [{"product": first.pk, "available": 1}, {"product": second.pk, "available": 0}]
    assert "product" not in caught.value.extra


def test_other_carts_reservations_limit_what_can_be_added(customer):
    product = ProductFactory(stock=5)
    CartItemFactory(product=product, quantity=4)
    with pytest.raises(InsufficientStock):
        services.cart_apply_changes(cart=CartFactory(user=customer), add=[{"product": product.pk, "quantity": 2}])


def test_expired_reservations_free_the_stock_for_others(customer):
    product = ProductFactory(stock=5)
    CartItemFactory(product=product, quantity=4)
    cart = CartFactory(user=customer)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        services.cart_apply_changes(cart=cart, add=[{"product": product.pk, "quantity": 5}])
    assert lines(cart) == {product.pk: 5}


def test_touching_a_cart_renews_every_reservation(customer, settings):
    settings.CART_RESERVATION_TTL_MINUTES = 30
    kept, added = ProductFactory(), ProductFactory()
    cart = CartFactory(user=customer)
    services.cart_apply_changes(cart=cart, add=[{"product": kept.pk, "quantity": 1}])
    later = timezone.now() + timedelta(minutes=20)
    with time_machine.travel(later, tick=False):
        services.cart_apply_changes(cart=cart, add=[{"product": added.pk, "quantity": 1}])
    expected = later + timedelta(minutes=30)
    assert set(cart.items.values_list("reserved_until", flat=True)) == {expected}
    cart.refresh_from_db()
    assert cart.expires_at == expected


def test_a_lapsed_line_is_checked_again_when_the_cart_is_touched(customer):
    product, other = ProductFactory(stock=3), ProductFactory()
    cart = CartFactory(user=customer)
    CartItemFactory(cart=cart, product=product, quantity=3, reserved_until=timezone.now() - timedelta(minutes=1))
    CartItemFactory(product=product, quantity=2)  # someone else took 2 meanwhile
    with pytest.raises(InsufficientStock) as caught:
        services.cart_apply_changes(cart=cart, add=[{"product": other.pk, "quantity": 1}])
    assert caught.value.shortages == [{"product": product.pk, "available": 1}]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"add": [{"product": 999999, "quantity": 1}]}, "non_field_errors"),
        ({"add": [{"product": "inactive", "quantity": 1}]}, "non_field_errors"),
        ({"add": [{"product": "active", "quantity": 0}]}, "add"),
        ({"add": [{"product": "active", "quantity": 1000}]}, "add"),
        ({"update": [{"product": "active", "quantity": 2}]}, "update"),
    ],
)
def test_invalid_changes_are_refused_and_change_nothing(customer, changes, field):
    ids = {"active": ProductFactory().pk, "inactive": ProductFactory(is_active=False).pk}
    for ops in changes.values():
        for op in ops:
            op["product"] = ids.get(op["product"], op["product"])
    cart = CartFactory(user=customer)
    with pytest.raises(InvalidInput) as caught:
        services.cart_apply_changes(cart=cart, **changes)
    assert field in caught.value.errors
    assert lines(cart) == {}


def test_a_line_cannot_grow_past_999(customer):
    item = CartItemFactory(cart=CartFactory(user=customer), quantity=998, product=ProductFactory(stock=5000))
    with pytest.raises(InvalidInput):
        services.cart_apply_changes(cart=item.cart, add=[{"product": item.product_id, "quantity": 2}])


def test_a_cart_holds_at_most_cart_max_lines(customer, settings):
    settings.CART_MAX_LINES = 2
    products = [ProductFactory() for _ in range(3)]
    with pytest.raises(InvalidInput):
        services.cart_apply_changes(
            cart=CartFactory(user=customer), add=[{"product": p.pk, "quantity": 1} for p in products]
        )


@pytest.mark.parametrize("status", [Cart.Status.ABANDONED, Cart.Status.ORDERED])
def test_only_open_carts_change(customer, status, product):
    with pytest.raises(Conflict):
        services.cart_apply_changes(
            cart=CartFactory(user=customer, status=status), add=[{"product": product.pk, "quantity": 1}]
        )


def test_clear_empties_and_keeps_the_cart_open(customer):
    cart = CartItemFactory(cart=CartFactory(user=customer)).cart
    services.cart_clear(cart=cart)
    cart.refresh_from_db()
    assert cart.status == Cart.Status.OPEN and lines(cart) == {}


def test_abandon_releases_reservations(customer):
    product = ProductFactory(stock=3)
    cart = CartItemFactory(cart=CartFactory(user=customer), product=product, quantity=3).cart
    services.cart_abandon(cart=cart)
    cart.refresh_from_db()
    assert cart.status == Cart.Status.ABANDONED
    assert services.available_stock(product_ids=[product.pk]) == {product.pk: 3}


def test_delete_releases_reservations(customer):
    product = ProductFactory(stock=3)
    cart = CartItemFactory(cart=CartFactory(user=customer), product=product, quantity=3).cart
    services.cart_delete(cart=cart)
    assert not Cart.objects.filter(pk=cart.pk).exists()
    assert services.available_stock(product_ids=[product.pk]) == {product.pk: 3}


def test_merge_adds_quantities_and_deletes_the_guest_cart(customer):
    shared, guest_only = ProductFactory(stock=20), ProductFactory(stock=20)
    user_cart = CartItemFactory(cart=CartFactory(user=customer), product=shared, quantity=2).cart
    guest = CartFactory(user=None, session_key="guest-session-merge1")
    CartItemFactory(cart=guest, product=shared, quantity=3)
    CartItemFactory(cart=guest, product=guest_only, quantity=1)
    merged = services.cart_merge(guest_cart=guest, user=customer)
    assert merged == user_cart
    assert lines(merged) == {shared.pk: 5, guest_only.pk: 1}
    assert not Cart.objects.filter(pk=guest.pk).exists()


def test_merge_caps_quantities_by_available_stock(customer):
    product = ProductFactory(stock=6)
    CartItemFactory(product=product, quantity=2)  # a third cart holds 2
    CartItemFactory(cart=CartFactory(user=customer), product=product, quantity=3)
    guest = CartFactory(user=None, session_key="guest-session-merge2")
    CartItemFactory(cart=guest, product=product, quantity=4)
    merged = services.cart_merge(guest_cart=guest, user=customer)
    assert lines(merged) == {product.pk: 4}


def test_merge_creates_the_user_cart_and_skips_unavailable_products(customer):
    sold_out, inactive, fine = ProductFactory(stock=0), ProductFactory(is_active=False), ProductFactory()
    guest = CartFactory(user=None, session_key="guest-session-merge3")
    for product in (sold_out, inactive, fine):
        CartItem.objects.create(cart=guest, product=product, quantity=1)
    merged = services.cart_merge(guest_cart=guest, user=customer)
    assert merged.user == customer and lines(merged) == {fine.pk: 1}


def test_merge_refuses_a_user_cart_as_guest_cart(customer, other_customer):
    with pytest.raises(Conflict):
        services.cart_merge(guest_cart=CartFactory(user=other_customer), user=customer)


def test_abandon_stale_moves_only_idle_open_carts(settings):
    settings.CART_ABANDON_TTL_MINUTES = 120
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        stale = CartItemFactory().cart
        ordered = CartFactory(status=Cart.Status.ORDERED)
    with time_machine.travel(start + timedelta(minutes=100), tick=False):
        fresh = CartFactory()
    with time_machine.travel(start + timedelta(minutes=121), tick=False):
        assert services.cart_abandon_stale() == 1
        assert services.cart_abandon_stale() == 0
    stale.refresh_from_db(), fresh.refresh_from_db(), ordered.refresh_from_db()
    assert (stale.status, fresh.status, ordered.status) == ("abandoned", "open", "ordered")
    assert stale.items.get().reserved_until is None
