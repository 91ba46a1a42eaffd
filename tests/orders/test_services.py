from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from shop.carts.models import Cart
from shop.catalog.models import Product, StockMovement, StockReservation
from shop.catalog.services import stock_set
from shop.core.exceptions import Conflict, InsufficientStock, InvalidInput, InvalidTransition
from shop.orders import services
from shop.orders.models import Order, OrderItem
from tests.factories import AddressFactory, CartFactory, CartWithLinesFactory, CustomerFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipping_addresses")]


def test_place_copies_lines_decrements_stock_and_closes_the_cart(customer):
    a = ProductFactory(price=Decimal("2.50"), stock=10, title="Mug", sku="MUG-1")
    b = ProductFactory(price=Decimal("10.00"), stock=5)
    cart = CartWithLinesFactory(user=customer, lines=[(a, 3), (b, 1)])
    order = services.order_place(cart=cart, by=customer)
    assert order.status == "pending" and order.subtotal == order.total == Decimal("17.50")
    item = order.items.get(product=a)
    assert (item.sku, item.title, item.unit_price, item.quantity, item.line_total) == (
        "MUG-1",
        "Mug",
        Decimal("2.50"),
        3,
        Decimal("7.50"),
    )
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.stock, b.stock) == (7, 4)
    sales = StockMovement.objects.filter(reason="sale", reference=order.number)
    assert sorted(sales.values_list("delta", flat=True)) == [-3, -1]
    cart.refresh_from_db()
    assert cart.status == Cart.Status.ORDERED and order.cart == cart
    assert list(order.history.values_list("from_status", "to_status", "changed_by")) == [("", "pending", customer.pk)]


def test_prices_are_copies_not_links(customer):
    product = ProductFactory(price=Decimal("5.00"))
    order = services.order_place(cart=CartWithLinesFactory(user=customer, lines=[(product, 1)]), by=customer)
    product.price, product.title = Decimal("99.00"), "Renamed"
    product.save()
    item = order.items.get()
    assert item.unit_price == Decimal("5.00") and item.title != "Renamed"


def test_order_numbers_are_unique_and_human_friendly(customer):
    numbers = {services.order_place(cart=CartWithLinesFactory(user=customer), by=customer).number}
    numbers |= {services.order_place(cart=CartWithLinesFactory(user=customer), by=customer).number}
    assert len(numbers) == 2
    for number in numbers:
        assert number.startswith(f"SO-{timezone.now():%Y%m%d}-") and len(number) == 18


def test_a_number_collision_is_retried(customer, monkeypatch):
    Order.objects.create(number="SO-TAKEN", user=customer, subtotal=0, total=0)
    candidates = iter(["SO-TAKEN", "SO-FREE"])
    monkeypatch.setattr(services, "order_number_generate", lambda: next(candidates))
    order = services.order_place(cart=CartWithLinesFactory(user=customer), by=customer)
    assert order.number == "SO-FREE"


def test_place_refuses_and_changes_nothing_when_any_line_is_short(customer, staff):
    plenty, short, gone = ProductFactory(stock=10), ProductFactory(stock=2), ProductFactory(stock=4)
    cart = CartWithLinesFactory(user=customer, lines=[(plenty, 2), (short, 2), (gone, 1)])
    stock_set(product=short, stock=1, reason="adjustment", by=staff)  # one unit went missing
    Product.objects.filter(pk=gone.pk).update(is_active=False)
    StockReservation.objects.all().delete()  # the cart's reservations lapsed
    with pytest.raises(InsufficientStock) as caught:
        services.order_place(cart=cart, by=customer)
    assert caught.value.shortages == [{"product": short.pk, "available": 1}, {"product": gone.pk, "available": 0}]
    plenty.refresh_from_db()
    assert plenty.stock == 10 and not Order.objects.exists()
    assert not StockMovement.objects.filter(reason="sale").exists()
    cart.refresh_from_db()
    assert cart.status == "open"


def test_place_respects_other_carts_unexpired_reservations(customer, other_customer):
    product = ProductFactory(stock=4)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        cart = CartWithLinesFactory(user=customer, lines=[(product, 2)])
    with time_machine.travel(start + timedelta(minutes=31), tick=False):  # the customer's hold lapsed
        CartWithLinesFactory(user=other_customer, lines=[(product, 3)])
        with pytest.raises(InsufficientStock) as caught:
            services.order_place(cart=cart, by=customer)
        assert caught.value.shortages == [{"product": product.pk, "available": 1}]
    with time_machine.travel(start + timedelta(minutes=62), tick=False):  # and so did the other one
        assert services.order_place(cart=cart, by=customer).items.get().quantity == 2


def test_when_stock_falls_below_the_reservations_the_oldest_carts_still_buy(staff):
    product = ProductFactory(stock=6)
    start = timezone.now()
    carts = []
    for minute in range(6):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            carts.append(CartWithLinesFactory(user=CustomerFactory(), lines=[(product, 1)]))
    stock_set(product=product, stock=5, reason="adjustment", by=staff)
    with pytest.raises(InsufficientStock) as caught:
        services.order_place(cart=carts[-1], by=carts[-1].user)  # the newest waits behind five older holds
    assert caught.value.shortages == [{"product": product.pk, "available": 0}]
    for cart in reversed(carts[:-1]):
        services.order_place(cart=cart, by=cart.user)
    product.refresh_from_db()
    assert product.stock == 0 and Order.objects.count() == 5


def test_units_beyond_the_held_ones_are_sold_first_come_first_served(customer, other_customer, settings):
    settings.CART_MAX_RESERVED_PER_LINE = 10
    product = ProductFactory(stock=20)
    big = CartWithLinesFactory(user=customer, lines=[(product, 15)])  # holds 10 of its 15
    small = CartWithLinesFactory(user=other_customer, lines=[(product, 10)])  # the 10 left are free: it holds them
    with pytest.raises(InsufficientStock) as caught:
        services.order_place(cart=big, by=customer)  # its 5 unheld units are in the other cart's hold
    assert caught.value.shortages == [{"product": product.pk, "available": 10}]
    services.order_place(cart=small, by=other_customer)  # its hold is honoured
    product.refresh_from_db()
    assert product.stock == 10


def test_an_empty_cart_cannot_be_placed(customer):
    with pytest.raises(Conflict):
        services.order_place(cart=CartFactory(user=customer), by=customer)


@pytest.mark.parametrize("status", [Cart.Status.ORDERED, Cart.Status.ABANDONED])
def test_only_an_open_cart_can_be_placed(customer, product, status):
    cart = CartWithLinesFactory(user=customer, lines=[(product, 1)])
    Cart.objects.filter(pk=cart.pk).update(status=status)
    with pytest.raises(Conflict):
        services.order_place(cart=cart, by=customer)


def test_only_the_carts_user_can_place_it(customer, other_customer, product):
    with pytest.raises(Conflict):
        services.order_place(cart=CartWithLinesFactory(user=customer, lines=[(product, 1)]), by=other_customer)


def test_default_address_is_copied(customer, product):
    AddressFactory(user=customer, is_default=False, line1="Other street")
    customer.addresses.filter(is_default=True).update(line1="1 Main St", city="Springfield", country="US")
    order = services.order_place(cart=CartWithLinesFactory(user=customer, lines=[(product, 1)]), by=customer)
    assert (order.shipping_line1, order.shipping_city, order.shipping_country) == ("1 Main St", "Springfield", "US")


def test_a_given_address_must_be_the_users(customer, other_customer, product):
    foreign = AddressFactory(user=other_customer, is_default=False)
    with pytest.raises(InvalidInput) as caught:
        services.order_place(
            cart=CartWithLinesFactory(user=customer, lines=[(product, 1)]), by=customer, shipping_address=foreign.pk
        )
    assert "shipping_address" in caught.value.errors
    own = AddressFactory(user=customer, line1="9 Own Rd", is_default=False)
    order = services.order_place(cart=Cart.objects.get(user=customer), by=customer, shipping_address=own.pk)
    assert order.shipping_line1 == "9 Own Rd"


def test_without_an_address_and_no_default_nothing_is_ordered(product):
    customer = AddressFactory(is_default=False).user
    cart = CartWithLinesFactory(user=customer, lines=[(product, 1)])
    with pytest.raises(InvalidInput) as caught:
        services.order_place(cart=cart, by=customer)
    assert "no default address" in caught.value.errors["shipping_address"][0]
    assert not Order.objects.exists() and Cart.objects.get(pk=cart.pk).status == "open"


def test_an_order_total_too_large_for_its_columns_is_refused_and_nothing_is_saved(customer):
    product = ProductFactory(price=Decimal("99999999.99"), stock=1000)
    cart = CartWithLinesFactory(user=customer, lines=[(product, 999)])
    with pytest.raises(InvalidInput) as caught:
        services.order_place(cart=cart, by=customer)
    assert "more than one order can hold" in caught.value.errors["non_field_errors"][0]
    assert not Order.objects.exists() and not OrderItem.objects.exists()
    assert Product.objects.get(pk=product.pk).stock == 1000


def test_the_largest_order_that_fits_is_placed(customer):
    product = ProductFactory(price=Decimal("99999999.99"), stock=1000)
    order = services.order_place(cart=CartWithLinesFactory(user=customer, lines=[(product, 100)]), by=customer)
    order.refresh_from_db()
    assert order.total == Decimal("9999999999.00")


def placed(customer, stock=10, quantity=2):
    product = ProductFactory(stock=stock)
    return services.order_place(
        cart=CartWithLinesFactory(user=customer, lines=[(product, quantity)]), by=customer
    ), product


def test_cancel_restores_stock_with_cancel_movements(customer):
    order, product = placed(customer)
    services.order_cancel(order=order, by=customer)
    product.refresh_from_db()
    order.refresh_from_db()
    assert order.status == "cancelled" and product.stock == 10
    assert StockMovement.objects.get(reason="cancel", reference=order.number).delta == 2
    assert order.history.last().to_status == "cancelled" and order.history.last().changed_by == customer


def test_customer_cannot_cancel_a_paid_order_but_staff_can(customer, staff):
    order, product = placed(customer)
    services.order_set_status(order=order, status="paid", by=staff)
    with pytest.raises(InvalidTransition):
        services.order_cancel(order=order, by=customer)
    services.order_cancel(order=order, by=staff)
    product.refresh_from_db()
    assert product.stock == 10


@pytest.mark.parametrize("status", ["shipped", "delivered", "cancelled"])
def test_nobody_cancels_after_shipping_or_twice(customer, staff, status):
    order, _ = placed(customer)
    Order.objects.filter(pk=order.pk).update(status=status)
    with pytest.raises(InvalidTransition):
        services.order_cancel(order=order, by=staff)


def test_staff_moves_along_the_workflow_and_history_records_it(customer, staff):
    order, _ = placed(customer)
    for status in ("paid", "shipped", "delivered"):
        services.order_set_status(order=order, status=status, by=staff)
    history = list(order.history.values_list("from_status", "to_status", "changed_by"))
    assert history == [
        ("", "pending", customer.pk),
        ("pending", "paid", staff.pk),
        ("paid", "shipped", staff.pk),
        ("shipped", "delivered", staff.pk),
    ]


@pytest.mark.parametrize(
    ("start", "target"),
    [("pending", "shipped"), ("pending", "delivered"), ("paid", "pending"), ("shipped", "cancelled"),
     ("delivered", "paid"), ("cancelled", "paid"), ("pending", "pending")],
)  # fmt: skip
def test_moves_outside_the_allowed_transitions_are_refused(customer, staff, start, target):
    order, _ = placed(customer)
    Order.objects.filter(pk=order.pk).update(status=start)
    with pytest.raises(InvalidTransition):
        services.order_set_status(order=order, status=target, by=staff)
    order.refresh_from_db()
    assert order.status == start


def test_status_cancel_restores_stock(customer, staff):
    order, product = placed(customer, stock=4, quantity=4)
    services.order_set_status(order=order, status="cancelled", by=staff)
    product.refresh_from_db()
    assert product.stock == 4


def test_cancel_and_a_move_to_cancelled_follow_the_same_rules(customer, staff):
    paid, _ = placed(customer)
    services.order_set_status(order=paid, status="paid", by=staff)
    for attempt in (services.order_cancel, lambda **kw: services.order_set_status(status="cancelled", **kw)):
        with pytest.raises(InvalidTransition, match="from paid to cancelled"):
            attempt(order=paid, by=customer)
    pending, product = placed(customer, stock=4, quantity=4)
    services.order_set_status(order=pending, status="cancelled", by=customer)
    product.refresh_from_db()
    assert product.stock == 4
    assert pending.history.last().to_status == "cancelled" and pending.history.last().changed_by == customer


def test_a_customer_may_only_cancel_their_pending_order(customer):
    order, _ = placed(customer)
    with pytest.raises(InvalidTransition):
        services.order_set_status(order=order, status="paid", by=customer)


def test_allowed_next_statuses(customer, staff):
    assert services.allowed_next_statuses(Order(status="pending"), by=staff) == {"paid", "cancelled"}
    assert services.allowed_next_statuses(Order(status="delivered"), by=staff) == set()
    assert services.allowed_next_statuses(Order(status="pending"), by=customer) == {"cancelled"}
    assert services.allowed_next_statuses(Order(status="paid"), by=customer) == set()
