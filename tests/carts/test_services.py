from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from shop.carts import services
from shop.carts.models import Cart, CartItem
from shop.catalog.models import StockReservation
from shop.catalog.selectors import stock_available, stock_reservations
from shop.core.exceptions import Conflict, InsufficientStock, InvalidInput
from tests.factories import CartFactory, CartItemFactory, CartWithLinesFactory, ProductFactory

pytestmark = pytest.mark.django_db


def lines(cart):
    return dict(cart.items.values_list("product_id", "quantity"))


def held(cart) -> dict:
    """What the cart's catalog reservations hold: {product id: units}."""
    return dict(stock_reservations(holder=services.cart_holder(cart.pk)).values_list("product_id", "quantity"))


def available(product) -> int:
    return stock_available(product_ids=[product.pk])[product.pk]


def test_a_customers_lines_are_held_as_catalog_reservations_of_the_cart(customer):
    a, b = ProductFactory(stock=10), ProductFactory(stock=10)
    cart = CartWithLinesFactory(user=customer, lines=[(a, 2), (b, 3)])
    assert held(cart) == {a.pk: 2, b.pk: 3}
    assert (available(a), available(b)) == (8, 7)
    assert stock_available(product_ids=[a.pk], holder=services.cart_holder(cart.pk)) == {a.pk: 10}


def test_a_guest_cart_is_checked_against_stock_but_holds_nothing(settings):
    settings.CART_GUEST_RESERVATION_TTL_MINUTES = 0
    product = ProductFactory(stock=5)
    guest = services.cart_get_or_create_open(session_key="guest-session-holds-none")
    services.cart_apply_changes(cart=guest, add=[{"product": product.pk, "quantity": 5}])
    assert lines(guest) == {product.pk: 5} and held(guest) == {} and available(product) == 5
    guest.refresh_from_db()
    assert guest.expires_at is None
    with pytest.raises(InsufficientStock):
        services.cart_apply_changes(cart=guest, update=[{"product": product.pk, "quantity": 6}])


def test_guest_carts_hold_stock_when_a_guest_ttl_is_set(settings):
    settings.CART_GUEST_RESERVATION_TTL_MINUTES = 15
    product = ProductFactory(stock=5)
    guest = services.cart_get_or_create_open(session_key="guest-session-holds-some")
    services.cart_apply_changes(cart=guest, add=[{"product": product.pk, "quantity": 2}])
    assert held(guest) == {product.pk: 2} and available(product) == 3


def test_a_line_holds_at_most_cart_max_reserved_per_line_and_the_rest_is_first_come(customer, settings):
    settings.CART_MAX_RESERVED_PER_LINE = 10
    product = ProductFactory(stock=60)
    big = CartWithLinesFactory(user=customer, lines=[(product, 50)])
    assert held(big) == {product.pk: 10} and available(product) == 50
    other = CartWithLinesFactory(lines=[(product, 50)])  # the 40 units the big line does not hold are free
    assert lines(other) == {product.pk: 50}


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
    CartWithLinesFactory(lines=[(product, 4)])
    with pytest.raises(InsufficientStock):
        services.cart_apply_changes(cart=CartFactory(user=customer), add=[{"product": product.pk, "quantity": 2}])


def test_expired_reservations_free_the_stock_for_others(customer):
    product = ProductFactory(stock=5)
    CartWithLinesFactory(lines=[(product, 4)])
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
    assert set(
        StockReservation.objects.filter(holder=services.cart_holder(cart.pk)).values_list("expires_at", flat=True)
    ) == {expected}
    cart.refresh_from_db()
    assert cart.expires_at == expected


def test_a_lapsed_line_is_checked_again_when_the_cart_is_touched(customer):
    product, other = ProductFactory(stock=3), ProductFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        cart = CartWithLinesFactory(user=customer, lines=[(product, 3)])
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        CartWithLinesFactory(lines=[(product, 2)])  # someone else took 2 once the reservation had lapsed
        with pytest.raises(InsufficientStock) as caught:
            services.cart_apply_changes(cart=cart, add=[{"product": other.pk, "quantity": 1}])
    assert caught.value.shortages == [{"product": product.pk, "available": 1}]


def test_a_held_line_is_not_checked_again_when_stock_was_lowered_meanwhile(customer, staff):
    from shop.catalog.services import stock_set

    product, other = ProductFactory(stock=3), ProductFactory()
    cart = CartWithLinesFactory(user=customer, lines=[(product, 3)])
    stock_set(product=product, stock=1, reason="adjustment", by=staff)
    services.cart_apply_changes(cart=cart, add=[{"product": other.pk, "quantity": 1}])
    assert lines(cart) == {product.pk: 3, other.pk: 1}


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


def test_clear_empties_keeps_the_cart_open_and_releases_its_reservations(customer):
    product = ProductFactory(stock=3)
    cart = CartWithLinesFactory(user=customer, lines=[(product, 3)])
    services.cart_clear(cart=cart)
    cart.refresh_from_db()
    assert cart.status == Cart.Status.OPEN and lines(cart) == {} and cart.expires_at is None
    assert available(product) == 3


def test_abandon_releases_reservations(customer):
    product = ProductFactory(stock=3)
    cart = CartWithLinesFactory(user=customer, lines=[(product, 3)])
    assert available(product) == 0
    services.cart_abandon(cart=cart)
    cart.refresh_from_db()
    assert cart.status == Cart.Status.ABANDONED
    assert available(product) == 3


def test_delete_releases_reservations(customer):
    product = ProductFactory(stock=3)
    cart = CartWithLinesFactory(user=customer, lines=[(product, 3)])
    services.cart_delete(cart=cart)
    assert not Cart.objects.filter(pk=cart.pk).exists()
    assert available(product) == 3


def test_deleting_the_user_releases_the_reservations_of_their_cart(customer):
    product = ProductFactory(stock=3)
    CartWithLinesFactory(user=customer, lines=[(product, 3)])
    customer.delete()
    assert available(product) == 3 and not StockReservation.objects.exists()


def test_merge_adds_quantities_holds_them_and_deletes_the_guest_cart(customer, settings):
    settings.CART_GUEST_RESERVATION_TTL_MINUTES = 30
    shared, guest_only = ProductFactory(stock=20), ProductFactory(stock=20)
    user_cart = CartWithLinesFactory(user=customer, lines=[(shared, 2)])
    guest = CartWithLinesFactory(user=None, session_key="guest-session-merge1", lines=[(shared, 3), (guest_only, 1)])
    merged = services.cart_merge(guest_cart=guest, user=customer)
    assert merged == user_cart
    assert lines(merged) == {shared.pk: 5, guest_only.pk: 1} and held(merged) == {shared.pk: 5, guest_only.pk: 1}
    assert not Cart.objects.filter(pk=guest.pk).exists() and held(guest) == {}
    assert (available(shared), available(guest_only)) == (15, 19)


def test_merge_caps_quantities_by_available_stock(customer):
    product = ProductFactory(stock=6)
    CartWithLinesFactory(lines=[(product, 2)])  # a third cart holds 2
    CartWithLinesFactory(user=customer, lines=[(product, 3)])
    guest = CartFactory(user=None, session_key="guest-session-merge2")
    CartItemFactory(cart=guest, product=product, quantity=4)  # added while more was free
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


def test_abandon_stale_moves_only_idle_open_carts_and_releases_their_stock(settings):
    settings.CART_ABANDON_TTL_MINUTES = 120
    settings.CART_RESERVATION_TTL_MINUTES = 240
    product = ProductFactory(stock=5)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        stale = CartWithLinesFactory(lines=[(product, 5)])
        ordered = CartFactory(status=Cart.Status.ORDERED)
    with time_machine.travel(start + timedelta(minutes=100), tick=False):
        fresh = CartFactory()
    with time_machine.travel(start + timedelta(minutes=121), tick=False):
        assert services.cart_abandon_stale() == 1
        assert services.cart_abandon_stale() == 0
        assert available(product) == 5
    stale.refresh_from_db(), fresh.refresh_from_db(), ordered.refresh_from_db()
    assert (stale.status, fresh.status, ordered.status) == ("abandoned", "open", "ordered")
    assert held(stale) == {} and stale.expires_at is None
