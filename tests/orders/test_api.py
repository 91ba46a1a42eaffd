from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from shop.carts.models import Cart
from shop.catalog.models import Product
from shop.orders import services
from shop.orders.models import Order
from tests.factories import AddressFactory, CartFactory, CartItemFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def checkout_url(cart_id):
    return f"/api/v1/carts/{cart_id}/checkout/"


def order_url(order_id=None, action=None):
    path = "/api/v1/orders/" + (f"{order_id}/" if order_id else "")
    return path + (f"{action}/" if action else "")


def cart_with(user, product=None, quantity=1):
    cart = CartFactory(user=user)
    CartItemFactory(cart=cart, product=product or ProductFactory(), quantity=quantity)
    return cart


def place(user, quantity=1, stock=10):
    product = ProductFactory(stock=stock)
    return services.order_place(cart=cart_with(user, product, quantity), user=user), product


def test_checkout_answers_201_with_the_order(customer_client, customer):
    product = ProductFactory(price=Decimal("4.20"), stock=5)
    address = AddressFactory(user=customer, line1="1 Main St")
    cart = cart_with(customer, product, 2)
    response = customer_client.post(checkout_url(cart.pk), {"shipping_address": address.pk}, format="json")
    assert response.status_code == 201
    body = response.data
    assert body["number"].startswith("SO-") and body["status"] == "pending" and body["user"] == customer.pk
    assert body["subtotal"] == body["total"] == "8.40"
    assert body["items"] == [
        {
            "product": product.pk,
            "sku": product.sku,
            "title": product.title,
            "unit_price": "4.20",
            "quantity": 2,
            "line_total": "8.40",
        }
    ]
    assert body["shipping_address"]["line1"] == "1 Main St"
    assert [(h["status"], h["by"]) for h in body["history"]] == [("pending", customer.pk)]
    assert body["history"][0]["at"].endswith("Z")
    assert Product.objects.get(pk=product.pk).stock == 3


def test_checkout_out_of_stock_is_409_listing_short_products(customer_client, customer):
    short = ProductFactory(stock=1)
    cart = cart_with(customer, short, 3)
    response = customer_client.post(checkout_url(cart.pk), {}, format="json")
    assert response.status_code == 409 and response.data["code"] == "insufficient_stock"
    assert response.data["shortages"] == [{"product": short.pk, "available": 1}]
    assert not Order.objects.exists()


def test_checkout_of_an_empty_cart_is_409(customer_client, customer):
    response = customer_client.post(checkout_url(CartFactory(user=customer).pk), {}, format="json")
    assert response.status_code == 409 and response.data["code"] == "conflict"


def test_checkout_with_someone_elses_address_is_400(customer_client, customer, other_customer):
    cart = cart_with(customer)
    foreign = AddressFactory(user=other_customer)
    response = customer_client.post(checkout_url(cart.pk), {"shipping_address": foreign.pk}, format="json")
    assert response.status_code == 400 and "shipping_address" in response.data["errors"]
    assert not Order.objects.exists()


@pytest.mark.parametrize("body", [{"shipping_address": "x"}, {"shipping_address": 0}, []])
def test_checkout_with_a_malformed_body_is_400(customer_client, customer, body):
    response = customer_client.post(checkout_url(cart_with(customer).pk), body, format="json")
    assert response.status_code == 400


def test_checkout_is_throttled_by_the_checkout_scope(customer_client, customer, monkeypatch):
    from shop.orders.api.checkout import CheckoutRateThrottle

    monkeypatch.setattr(CheckoutRateThrottle, "THROTTLE_RATES", {"checkout": "1/min"})
    cart = CartFactory(user=customer)
    assert customer_client.post(checkout_url(cart.pk), {}, format="json").status_code == 409
    throttled = customer_client.post(checkout_url(cart.pk), {}, format="json")
    assert throttled.status_code == 429 and throttled.data["code"] == "throttled" and "Retry-After" in throttled


def test_orders_list_shows_own_orders_only(customer_client, customer, other_customer):
    mine, _ = place(customer)
    place(other_customer)
    response = customer_client.get(order_url())
    assert [o["id"] for o in response.data["results"]] == [mine.pk]


def test_orders_need_a_login(api_client):
    assert api_client.get(order_url()).status_code == 401


def test_staff_lists_all_and_filters(staff_client, customer, other_customer):
    first, _ = place(customer)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        second, _ = place(customer)
    place(other_customer)
    Order.objects.filter(pk=second.pk).update(status="paid")
    assert staff_client.get(order_url()).data["count"] == 3
    by_user = staff_client.get(order_url(), {"user": customer.pk})
    assert {o["id"] for o in by_user.data["results"]} == {first.pk, second.pk}
    paid = staff_client.get(order_url(), {"status": "paid"})
    assert [o["id"] for o in paid.data["results"]] == [second.pk]
    after = staff_client.get(order_url(), {"created_after": (timezone.now() + timedelta(days=1)).isoformat()})
    assert [o["id"] for o in after.data["results"]] == [second.pk]
    before = staff_client.get(order_url(), {"created_before": (timezone.now() + timedelta(days=1)).isoformat()})
    assert second.pk not in {o["id"] for o in before.data["results"]} and before.data["count"] == 2


def test_orders_order_by_total(staff_client, customer):
    cheap, _ = place(customer, quantity=1)
    dear, _ = place(customer, quantity=3)
    ids = [o["id"] for o in staff_client.get(order_url(), {"ordering": "-total"}).data["results"]]
    assert ids == [dear.pk, cheap.pk]


@pytest.mark.parametrize(
    "params", [{"status": "lost"}, {"user": 999999}, {"created_after": "yesterday"}, {"created_before": "2024-13-01"}]
)
def test_unknown_order_filter_values_are_400(staff_client, params):
    assert staff_client.get(order_url(), params).status_code == 400


@pytest.mark.parametrize("page_size", [1, 100])
def test_orders_list_runs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries, page_size):
    for user in UserFactory.create_batch(3):
        place(user)
    with django_assert_max_num_queries(7):  # + the staff member's permissions (own, groups)
        response = staff_client.get(order_url(), {"page_size": page_size})
    assert response.status_code == 200 and len(response.data["results"]) == min(page_size, 3)


def owner_requests(order_id):
    return [
        ("get", order_url(order_id), None),
        ("post", order_url(order_id, "cancel"), None),
        ("post", order_url(order_id, "status"), {"status": "paid"}),
    ]


@pytest.mark.parametrize("index", range(3))
def test_another_customers_order_is_hidden_for_every_method(other_client, customer, index):
    order, _ = place(customer)
    method, path, body = owner_requests(order.pk)[index]
    response = getattr(other_client, method)(path, body, format="json")
    assert response.status_code == 404 and response.data["code"] == "not_found"
    order.refresh_from_db()
    assert order.status == "pending"


def test_customer_cancels_a_pending_order_and_stock_returns(customer_client, customer):
    order, product = place(customer, quantity=3)
    response = customer_client.post(order_url(order.pk, "cancel"))
    assert response.status_code == 200 and response.data["status"] == "cancelled"
    assert [h["status"] for h in response.data["history"]] == ["pending", "cancelled"]
    assert Product.objects.get(pk=product.pk).stock == 10


def test_customer_cannot_cancel_a_paid_order(customer_client, customer):
    order, _ = place(customer)
    Order.objects.filter(pk=order.pk).update(status="paid")
    response = customer_client.post(order_url(order.pk, "cancel"))
    assert response.status_code == 409 and response.data["code"] == "conflict"


def test_staff_cancels_a_paid_order(staff_client, customer):
    order, product = place(customer, quantity=2)
    Order.objects.filter(pk=order.pk).update(status="paid")
    assert staff_client.post(order_url(order.pk, "cancel")).data["status"] == "cancelled"
    assert Product.objects.get(pk=product.pk).stock == 10


def test_customers_cannot_set_status(customer_client, customer):
    order, _ = place(customer)
    response = customer_client.post(order_url(order.pk, "status"), {"status": "paid"}, format="json")
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "pending"


def test_staff_moves_the_order_and_history_shows_who(staff_client, staff, customer):
    order, _ = place(customer)
    for status in ("paid", "shipped", "delivered"):
        response = staff_client.post(order_url(order.pk, "status"), {"status": status}, format="json")
        assert response.status_code == 200 and response.data["status"] == status
    history = response.data["history"]
    assert [(h["status"], h["by"]) for h in history] == [
        ("pending", customer.pk),
        ("paid", staff.pk),
        ("shipped", staff.pk),
        ("delivered", staff.pk),
    ]


def test_staff_move_outside_the_workflow_is_409(staff_client, customer):
    order, _ = place(customer)
    response = staff_client.post(order_url(order.pk, "status"), {"status": "delivered"}, format="json")
    assert response.status_code == 409 and response.data["code"] == "conflict"


@pytest.mark.parametrize("body", [{"status": "lost"}, {}, {"status": None}])
def test_staff_move_with_a_bad_status_is_400(staff_client, customer, body):
    order, _ = place(customer)
    assert staff_client.post(order_url(order.pk, "status"), body, format="json").status_code == 400


def test_cart_becomes_ordered_after_checkout(customer_client, customer):
    cart = cart_with(customer)
    customer_client.post(checkout_url(cart.pk), {}, format="json")
    assert Cart.objects.get(pk=cart.pk).status == "ordered"
    assert customer_client.post(checkout_url(cart.pk), {}, format="json").status_code == 409


def test_unknown_ordering_is_400(staff_client):
    response = staff_client.get(order_url(), {"ordering": "password"})
    assert response.status_code == 400 and "ordering" in response.data["errors"]
