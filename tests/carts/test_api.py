from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from shop.carts.models import Cart
from shop.carts.services import cart_holder
from shop.catalog.models import StockReservation
from tests.conftest import client_for
from tests.factories import (
    AddressFactory,
    CartFactory,
    CartItemFactory,
    CartWithLinesFactory,
    ProductFactory,
    UserFactory,
)
from tests.helpers import queries_for_page

pytestmark = pytest.mark.django_db

GUEST_SID = "guest-session-0123456789"
OTHER_SID = "guest-session-abcdefghij"


def guest_client(sid=GUEST_SID) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_SESSION_ID=sid)
    return client


def user_with_session(user, sid=GUEST_SID) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}", HTTP_X_SESSION_ID=sid)
    return client


def url(cart_id=None, action=None):
    path = "/api/v1/carts/" + (f"{cart_id}/" if cart_id else "")
    return path + (f"{action}/" if action else "")


def test_current_creates_then_returns_the_users_open_cart(customer_client, customer):
    first = customer_client.get(url(action="current"))
    second = customer_client.get(url(action="current"))
    assert first.status_code == 200 and first.data["id"] == second.data["id"]
    assert first.data["user"] == customer.pk and first.data["status"] == "open"
    assert first.data["items"] == [] and first.data["total"] == "0.00" and first.data["item_count"] == 0


def test_current_for_a_guest_uses_the_session_header():
    first = guest_client().get(url(action="current"))
    assert first.status_code == 200 and first.data["user"] is None
    assert guest_client().get(url(action="current")).data["id"] == first.data["id"]
    assert guest_client(OTHER_SID).get(url(action="current")).data["id"] != first.data["id"]


@pytest.mark.parametrize("sid", [None, "short", "x" * 129, "has spaces in it!!", "ünïcödé-session-id"])
def test_current_for_a_guest_without_a_valid_session_header_is_400(sid):
    client = APIClient()
    if sid is not None:
        client.credentials(HTTP_X_SESSION_ID=sid)
    response = client.get(url(action="current"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "X-Session-Id" in response.data["errors"]
    assert not Cart.objects.exists()


def test_patch_applies_changes_and_answers_the_cart(customer_client, customer):
    a, b = ProductFactory(price="2.50"), ProductFactory(price="10.00")
    cart = CartFactory(user=customer)
    response = customer_client.patch(
        url(cart.pk), {"add": [{"product": a.pk, "quantity": 3}, {"product": b.pk, "quantity": 1}]}, format="json"
    )
    assert response.status_code == 200
    assert response.data["total"] == "17.50" and response.data["item_count"] == 4
    first = response.data["items"][0]
    assert first == {
        "product": a.pk,
        "title": a.title,
        "slug": a.slug,
        "thumbnail": None,
        "options": {},
        "quantity": 3,
        "unit_price": "2.50",
        "line_total": "7.50",
    }
    assert response.data["expires_at"] is not None


def test_patch_with_too_little_stock_is_409_with_the_shortage(customer_client, customer):
    product = ProductFactory(stock=2)
    cart = CartFactory(user=customer)
    response = customer_client.patch(url(cart.pk), {"add": [{"product": product.pk, "quantity": 3}]}, format="json")
    assert response.status_code == 409 and response.data["code"] == "insufficient_stock"
    assert response.data["product"] == product.pk and response.data["available"] == 2
    assert response.data["shortages"] == [{"product": product.pk, "available": 2}]
    assert not cart.items.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"add": [{"product": 1, "quantity": 0}]},
        {"add": [{"product": 1, "quantity": 1000}]},
        {"add": [{"product": "x", "quantity": 1}]},
        {"update": [{"product": 1, "quantity": -1}]},
        {"remove": ["abc"]},
        {"add": "nope"},
        {"remove": list(range(1, 102))},
    ],
)
def test_patch_with_a_malformed_body_is_400_and_changes_nothing(customer_client, customer, body):
    cart = CartItemFactory(cart=CartFactory(user=customer)).cart
    response = customer_client.patch(url(cart.pk), body, format="json")
    assert response.status_code == 400 and response.data["code"] == "validation_error"
    assert cart.items.count() == 1


def test_patch_with_an_unknown_product_is_400(customer_client, customer):
    cart = CartFactory(user=customer)
    response = customer_client.patch(url(cart.pk), {"add": [{"product": 999999, "quantity": 1}]}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.data["errors"]


def test_patch_of_an_ordered_cart_is_409(customer_client, customer, product):
    cart = CartFactory(user=customer, status=Cart.Status.ORDERED)
    response = customer_client.patch(url(cart.pk), {"add": [{"product": product.pk, "quantity": 1}]}, format="json")
    assert response.status_code == 409 and response.data["code"] == "conflict"


def test_put_is_not_allowed(customer_client, customer):
    cart = CartFactory(user=customer)
    assert customer_client.put(url(cart.pk), {}, format="json").status_code == 405


def test_guest_manages_its_own_cart_by_session():
    product = ProductFactory()
    client = guest_client()
    cart_id = client.get(url(action="current")).data["id"]
    response = client.patch(url(cart_id), {"add": [{"product": product.pk, "quantity": 2}]}, format="json")
    assert response.status_code == 200 and response.data["item_count"] == 2
    assert client.post(url(cart_id, "clear")).data["items"] == []
    assert client.post(url(cart_id, "abandon")).data["status"] == "abandoned"
    assert client.delete(url(cart_id)).status_code == 204
    assert not Cart.objects.filter(pk=cart_id).exists()


def test_clear_and_abandon_for_the_owner(customer_client, customer):
    cart = CartItemFactory(cart=CartFactory(user=customer)).cart
    cleared = customer_client.post(url(cart.pk, "clear"))
    assert cleared.status_code == 200 and cleared.data["items"] == [] and cleared.data["status"] == "open"
    abandoned = customer_client.post(url(cart.pk, "abandon"))
    assert abandoned.status_code == 200 and abandoned.data["status"] == "abandoned"
    assert customer_client.post(url(cart.pk, "abandon")).status_code == 409


def owner_requests(cart_id, product_id):
    return [
        ("get", url(cart_id), None),
        ("patch", url(cart_id), {"add": [{"product": product_id, "quantity": 1}]}),
        ("delete", url(cart_id), None),
        ("post", url(cart_id, "clear"), None),
        ("post", url(cart_id, "abandon"), None),
        ("post", url(cart_id, "checkout"), {}),
    ]


@pytest.mark.parametrize("index", range(6))
def test_another_customers_cart_is_404_for_every_method(other_client, customer, product, index):
    cart = CartItemFactory(cart=CartFactory(user=customer)).cart
    method, path, body = owner_requests(cart.pk, product.pk)[index]
    response = getattr(other_client, method)(path, body, format="json")
    assert response.status_code == 404 and response.data["code"] == "not_found"
    cart.refresh_from_db()
    assert cart.status == "open" and cart.items.count() == 1


@pytest.mark.parametrize("index", range(5))
def test_a_guest_cannot_reach_a_user_cart_or_another_guests_cart(customer, product, index):
    user_cart = CartItemFactory(cart=CartFactory(user=customer)).cart
    guest_cart = CartItemFactory(cart=CartFactory(user=None, session_key=OTHER_SID)).cart
    for cart in (user_cart, guest_cart):
        method, path, body = owner_requests(cart.pk, product.pk)[index]
        assert getattr(guest_client(), method)(path, body, format="json").status_code == 404
        assert getattr(APIClient(), method)(path, body, format="json").status_code == 404
        assert Cart.objects.get(pk=cart.pk).items.count() == 1


def test_a_guest_session_id_does_not_open_a_user_cart_with_the_same_id_guess(customer):
    cart = CartFactory(user=customer)
    client = guest_client()
    assert client.get(url(cart.pk)).status_code == 404


def test_checkout_of_a_guest_cart_needs_a_login():
    cart_id = guest_client().get(url(action="current")).data["id"]
    assert guest_client().post(url(cart_id, "checkout"), {}, format="json").status_code == 401


def test_staff_reads_and_changes_any_cart(staff_client, customer, product):
    cart = CartFactory(user=customer)
    assert staff_client.get(url(cart.pk)).status_code == 200
    response = staff_client.patch(url(cart.pk), {"add": [{"product": product.pk, "quantity": 1}]}, format="json")
    assert response.status_code == 200 and response.data["item_count"] == 1


def test_list_shows_only_own_carts(customer_client, customer, other_customer):
    mine = CartFactory(user=customer)
    CartFactory(user=other_customer)
    CartFactory(user=None, session_key=GUEST_SID)
    response = customer_client.get(url())
    assert [c["id"] for c in response.data["results"]] == [mine.pk]


def test_list_needs_a_login():
    assert guest_client().get(url()).status_code == 401


def test_staff_list_filters_by_user_and_status(staff_client, customer, other_customer):
    wanted = CartFactory(user=customer, status=Cart.Status.ABANDONED)
    CartFactory(user=customer)
    CartFactory(user=other_customer, status=Cart.Status.ABANDONED)
    response = staff_client.get(url(), {"user": customer.pk, "status": "abandoned"})
    assert [c["id"] for c in response.data["results"]] == [wanted.pk]


@pytest.mark.parametrize("params", [{"status": "bogus"}, {"user": 999999}, {"user": "abc"}])
def test_unknown_filter_values_are_400(staff_client, params):
    assert staff_client.get(url(), params).status_code == 400


@pytest.mark.parametrize("page_size", [1, 100])
def test_list_runs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries, page_size):
    for _ in range(3):
        cart = CartFactory()
        CartItemFactory.create_batch(2, cart=cart)
    with django_assert_max_num_queries(9):  # + the staff member's permissions (own, groups), images, options
        response = staff_client.get(url(), {"page_size": page_size})
    assert response.status_code == 200 and len(response.data["results"]) == min(page_size, 3)


def test_list_queries_do_not_grow_with_the_number_of_carts_and_lines(staff_client):
    CartWithLinesFactory()
    one_cart = queries_for_page(staff_client, url(), page_size=100)
    for _ in range(4):
        CartWithLinesFactory(lines=[(ProductFactory(), 2) for _ in range(3)])
    assert queries_for_page(staff_client, url(), page_size=100) == one_cart


def test_merge_moves_the_guest_cart_into_the_users_cart(customer):
    product = ProductFactory(stock=10)
    guest = guest_client()
    guest_cart_id = guest.get(url(action="current")).data["id"]
    guest.patch(url(guest_cart_id), {"add": [{"product": product.pk, "quantity": 2}]}, format="json")
    client = user_with_session(customer)
    response = client.post(url(action="merge"))
    assert response.status_code == 200 and response.data["user"] == customer.pk
    assert response.data["items"][0]["quantity"] == 2
    assert not Cart.objects.filter(pk=guest_cart_id).exists()


def test_merge_without_a_guest_cart_returns_the_users_cart(customer):
    client = user_with_session(customer)
    response = client.post(url(action="merge"))
    assert response.status_code == 200 and response.data["user"] == customer.pk and response.data["items"] == []


def test_merge_needs_a_session_header_and_a_login(customer_client):
    assert customer_client.post(url(action="merge")).status_code == 400
    assert guest_client().post(url(action="merge")).status_code == 401


def test_reservation_expiry_is_visible_to_other_carts(customer_client, customer):
    product = ProductFactory(stock=3)
    mine = CartFactory(user=customer)
    customer_client.patch(url(mine.pk), {"add": [{"product": product.pk, "quantity": 3}]}, format="json")
    guest = guest_client()
    guest_cart_id = guest.get(url(action="current")).data["id"]
    body = {"add": [{"product": product.pk, "quantity": 1}]}
    assert guest.patch(url(guest_cart_id), body, format="json").status_code == 409
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert guest.patch(url(guest_cart_id), body, format="json").status_code == 200


def test_a_new_user_gets_a_new_open_cart_after_ordering():
    user = UserFactory()
    CartFactory(user=user, status=Cart.Status.ORDERED)
    response = client_for(user).get(url(action="current"))
    assert response.data["status"] == "open"
    assert Cart.objects.filter(user=user).count() == 2


def test_an_empty_patch_renews_the_reservations(customer):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        cart = CartWithLinesFactory(user=customer)
    later = start + timedelta(minutes=10)
    with time_machine.travel(later, tick=False):
        response = client_for(customer).patch(url(cart.pk), {}, format="json")
    assert response.status_code == 200
    reservation = StockReservation.objects.get(holder=cart_holder(cart.pk))
    assert reservation.expires_at == later + timedelta(minutes=30) and reservation.created_at == start


def test_a_guest_cannot_hoard_the_stock_a_customer_wants_to_buy(customer):
    products = [ProductFactory(stock=5) for _ in range(3)]
    guest = guest_client()
    guest_cart = guest.get(url(action="current")).data["id"]
    hoard = {"add": [{"product": product.pk, "quantity": 5} for product in products]}
    assert guest.patch(url(guest_cart), hoard, format="json").status_code == 200
    assert guest.patch(url(guest_cart), {}, format="json").status_code == 200  # "renewing" it
    AddressFactory(user=customer, is_default=True)
    client = client_for(customer)
    cart = client.get(url(action="current")).data["id"]
    added = client.patch(url(cart), {"add": [{"product": products[0].pk, "quantity": 5}]}, format="json")
    assert added.status_code == 200
    assert client.post(url(cart, "checkout"), {}, format="json").status_code == 201
