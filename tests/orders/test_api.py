from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from shop.carts.models import Cart
from shop.catalog.models import Product
from shop.orders import services
from shop.orders.models import Order, OrderItem
from tests.conftest import client_for
from tests.factories import AddressFactory, CartFactory, CartWithLinesFactory, CustomerFactory, ProductFactory
from tests.helpers import assert_problem, queries_for_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipping_addresses")]


def checkout_url(cart_id):
    return f"/api/v1/carts/{cart_id}/checkout/"


def order_url(order_id=None, action=None):
    path = "/api/v1/orders/" + (f"{order_id}/" if order_id else "")
    return path + (f"{action}/" if action else "")


def place(user, quantity=1, stock=10):
    product = ProductFactory(stock=stock)
    return services.order_place(cart=CartWithLinesFactory(user=user, lines=[(product, quantity)]), by=user), product


def test_checkout_answers_201_with_the_order_and_its_location(customer_client, customer):
    product = ProductFactory(price=Decimal("4.20"), stock=5)
    address = AddressFactory(user=customer, line1="1 Main St", is_default=False)
    cart = CartWithLinesFactory(user=customer, lines=[(product, 2)])
    response = customer_client.post(checkout_url(cart.pk), {"shipping_address": address.pk}, format="json")
    assert response.status_code == 201
    assert response["Location"] == f"http://testserver{order_url(response.data['id'])}"
    assert customer_client.get(response["Location"]).json() == response.json()
    body = response.data
    assert body["number"].startswith("SO-") and body["status"] == "pending" and body["user"] == customer.pk
    assert body["subtotal"] == body["total"] == "8.40"
    assert body["items"] == [
        {
            "id": OrderItem.objects.get(order_id=body["id"]).pk,
            "product": product.pk,
            "sku": product.sku,
            "title": product.title,
            "options": {},
            "slug": product.slug,
            "thumbnail": None,
            "unit_price": "4.20",
            "quantity": 2,
            "line_total": "8.40",
        }
    ]
    assert body["shipping_address"]["line1"] == "1 Main St"
    assert [(h["status"], h["by"]) for h in body["history"]] == [("pending", customer.pk)]
    assert body["history"][0]["at"].endswith("Z")
    assert Product.objects.get(pk=product.pk).stock == 3


def test_checkout_out_of_stock_is_409_listing_short_products(customer_client, customer, staff):
    short = ProductFactory(stock=3)
    cart = CartWithLinesFactory(user=customer, lines=[(short, 3)])
    staff_client = client_for(staff)
    staff_client.patch(f"/api/v1/products/{short.pk}/", {"stock": 1}, format="json")
    response = customer_client.post(checkout_url(cart.pk), {}, format="json")
    assert response.status_code == 409 and response.data["code"] == "insufficient_stock"
    assert response.data["shortages"] == [{"product": short.pk, "available": 1}]
    assert not Order.objects.exists()


def test_checkout_of_an_empty_cart_is_409(customer_client, customer):
    response = customer_client.post(checkout_url(CartFactory(user=customer).pk), {}, format="json")
    assert response.status_code == 409 and response.data["code"] == "conflict"


def test_checkout_with_someone_elses_address_is_400(customer_client, customer, other_customer):
    cart = CartWithLinesFactory(user=customer)
    foreign = AddressFactory(user=other_customer, is_default=False)
    response = customer_client.post(checkout_url(cart.pk), {"shipping_address": foreign.pk}, format="json")
    assert response.status_code == 400 and "shipping_address" in response.data["errors"]
    assert not Order.objects.exists()


def test_checkout_without_an_address_and_no_default_is_400_saying_so(customer_client, customer):
    customer.addresses.all().delete()
    AddressFactory(user=customer, is_default=False)
    cart = CartWithLinesFactory(user=customer)
    body = assert_problem(customer_client.post(checkout_url(cart.pk), {}, format="json"), 400, "validation_error")
    assert body["errors"]["shipping_address"] == ["Choose a shipping address: you have no default address."]
    assert not Order.objects.exists() and Cart.objects.get(pk=cart.pk).status == "open"


def test_checkout_of_an_order_too_large_for_its_columns_is_400_and_the_order_pages_still_work(
    customer_client, customer, other_customer, staff_client, admin_client
):
    product = ProductFactory(price=Decimal("99999999.99"), stock=1000)
    cart = CartWithLinesFactory(user=customer, lines=[(product, 999)])
    assert customer_client.get(f"/api/v1/carts/{cart.pk}/").json()["total"] == "99899999990.01"
    body = assert_problem(customer_client.post(checkout_url(cart.pk), {}, format="json"), 400, "validation_error")
    assert "more than one order can hold" in body["errors"]["non_field_errors"][0]
    assert not Order.objects.exists() and Product.objects.get(pk=product.pk).stock == 1000
    place(other_customer)  # an ordinary order beside it
    assert staff_client.get(order_url()).status_code == 200
    for page in ("/admin/", "/admin/orders/order/", f"/admin/carts/cart/{cart.pk}/change/", "/admin/carts/cart/"):
        assert admin_client.get(page).status_code == 200, page


def test_when_staff_lower_the_stock_below_the_reservations_the_stock_left_still_sells(staff_client):
    product = ProductFactory(stock=6)
    buyers = []
    for _ in range(6):
        client = client_for(CustomerFactory())
        cart_id = client.get("/api/v1/carts/current/").json()["id"]
        added = client.patch(
            f"/api/v1/carts/{cart_id}/", {"add": [{"product": product.pk, "quantity": 1}]}, format="json"
        )
        assert added.status_code == 200
        buyers.append((client, cart_id))
    assert staff_client.patch(f"/api/v1/products/{product.pk}/", {"stock": 5}, format="json").status_code == 200
    statuses = [client.post(checkout_url(cart_id), {}, format="json").status_code for client, cart_id in buyers]
    assert statuses == [201, 201, 201, 201, 201, 409]
    assert Product.objects.get(pk=product.pk).stock == 0


@pytest.mark.parametrize("body", [{"shipping_address": "x"}, {"shipping_address": 0}, []])
def test_checkout_with_a_malformed_body_is_400(customer_client, customer, body):
    response = customer_client.post(checkout_url(CartWithLinesFactory(user=customer).pk), body, format="json")
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
    for user in CustomerFactory.create_batch(3):
        place(user)
    with django_assert_max_num_queries(9):  # + the staff member's permissions (own, groups), images, shipments
        response = staff_client.get(order_url(), {"page_size": page_size})
    assert response.status_code == 200 and len(response.data["results"]) == min(page_size, 3)


def test_orders_list_queries_do_not_grow_with_the_number_of_orders_and_lines(staff_client, staff):
    place(CustomerFactory())
    one_order = queries_for_page(staff_client, order_url(), page_size=100)
    for user in CustomerFactory.create_batch(4):
        order = services.order_place(
            cart=CartWithLinesFactory(user=user, lines=[(ProductFactory(), 2) for _ in range(3)]), by=user
        )
        services.order_set_status(order=order, status="paid", by=staff)
    assert queries_for_page(staff_client, order_url(), page_size=100) == one_order


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
    cart = CartWithLinesFactory(user=customer)
    customer_client.post(checkout_url(cart.pk), {}, format="json")
    assert Cart.objects.get(pk=cart.pk).status == "ordered"
    assert customer_client.post(checkout_url(cart.pk), {}, format="json").status_code == 409


def test_unknown_ordering_is_400(staff_client):
    response = staff_client.get(order_url(), {"ordering": "password"})
    assert response.status_code == 400 and "ordering" in response.data["errors"]
