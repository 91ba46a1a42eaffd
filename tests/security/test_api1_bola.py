"""OWASP API1:2023 broken object-level authorisation: someone else's object is a 404 for every method."""

import pytest

from shop.carts.models import Cart
from shop.orders.models import Order
from tests.conftest import client_for
from tests.security.conftest import GUEST_SESSION

pytestmark = pytest.mark.django_db

ADDRESS = {"label": "Work", "line1": "1 Main St", "city": "Oslo", "postcode": "0150", "country": "NO"}

# (method, path template, body); `{user}` `{address}` `{cart}` `{order}` are the victim's ids.
OBJECT_CALLS = [
    ("get", "/api/v1/users/{user}/", None),
    ("patch", "/api/v1/users/{user}/", {"first_name": "Mallory"}),
    ("put", "/api/v1/users/{user}/", {"email": "m@example.com", "first_name": "Mallory", "last_name": "M"}),
    ("delete", "/api/v1/users/{user}/", None),
    ("get", "/api/v1/addresses/{address}/", None),
    ("patch", "/api/v1/addresses/{address}/", {"city": "Elsewhere"}),
    ("put", "/api/v1/addresses/{address}/", ADDRESS),
    ("delete", "/api/v1/addresses/{address}/", None),
    ("get", "/api/v1/carts/{cart}/", None),
    ("patch", "/api/v1/carts/{cart}/", {"remove": ["{product}"]}),
    ("delete", "/api/v1/carts/{cart}/", None),
    ("post", "/api/v1/carts/{cart}/clear/", None),
    ("post", "/api/v1/carts/{cart}/abandon/", None),
    ("post", "/api/v1/carts/{cart}/checkout/", {}),
    ("get", "/api/v1/carts/{ordered_cart}/", None),
    ("get", "/api/v1/orders/{order}/", None),
    ("post", "/api/v1/orders/{order}/cancel/", None),
]

# Every call on the victim's open cart, tried by a guest.
GUEST_CART_CALLS = [call for call in OBJECT_CALLS if call[1].startswith("/api/v1/carts/{cart}/")]


def _ids(world, owned) -> dict:
    return {
        "user": owned.user.pk,
        "address": owned.address.pk,
        "cart": owned.cart.pk,
        "ordered_cart": owned.order.cart_id,
        "order": owned.order.pk,
        "product": world.product.pk,
    }


def _fill(value, ids):
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, list):
        return [_fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value


def _call(client, method, path, body, ids, **headers):
    return getattr(client, method)(_fill(path, ids), _fill(body, ids), format="json", **headers)


def _assert_untouched(world):
    alice = world.alice
    alice.user.refresh_from_db()
    alice.address.refresh_from_db()
    assert alice.user.first_name != "Mallory" and alice.user.is_active
    assert alice.address.city != "Elsewhere"
    cart = Cart.objects.get(pk=alice.cart.pk)
    assert cart.status == Cart.Status.OPEN and cart.items.count() == 1
    assert Order.objects.get(pk=alice.order.pk).status == Order.Status.PENDING
    guest = Cart.objects.get(pk=world.guest_cart.pk)
    assert guest.status == Cart.Status.OPEN and guest.items.get().quantity == 2


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_CALLS)
def test_another_customers_object_is_not_found(world, method, path, body):
    ids = _ids(world, world.alice)
    response = _call(client_for(world.bob.user), method, path, body, ids)
    assert response.status_code == 404, (method, path, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"
    _assert_untouched(world)


@pytest.mark.parametrize(("method", "path", "body"), [call for call in OBJECT_CALLS if call[0] == "get"])
def test_the_owner_and_staff_do_reach_those_objects(world, method, path, body):
    ids = _ids(world, world.alice)
    assert _call(client_for(world.alice.user), method, path, body, ids).status_code == 200
    assert _call(client_for(world.staff), method, path, body, ids).status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), GUEST_CART_CALLS)
@pytest.mark.parametrize("session", [None, "another-guest-session-0123456789"])
def test_a_guest_cart_is_not_found_without_its_session_id(world, api_client, method, path, body, session):
    ids = {"cart": world.guest_cart.pk, "product": world.product.pk}
    headers = {"HTTP_X_SESSION_ID": session} if session else {}
    for client in (api_client, client_for(world.bob.user)):
        response = _call(client, method, path, body, ids, **headers)
        assert response.status_code in (401, 404), (method, path, response.status_code)
        assert response.status_code == 404 or path.endswith("checkout/")
    _assert_untouched(world)


def test_the_guest_reaches_its_cart_with_its_session_id(world, api_client):
    response = api_client.get(f"/api/v1/carts/{world.guest_cart.pk}/", HTTP_X_SESSION_ID=GUEST_SESSION)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "victim_ids"),
    [
        ("/api/v1/carts/", lambda w: {w.alice.cart.pk, w.alice.order.cart_id, w.guest_cart.pk}),
        ("/api/v1/orders/", lambda w: {w.alice.order.pk}),
        ("/api/v1/addresses/", lambda w: {w.alice.address.pk}),
    ],
)
@pytest.mark.parametrize("query", [{}, {"user": "{user}"}, {"page_size": 100}])
def test_lists_never_show_another_customers_objects(world, path, victim_ids, query):
    ids = _ids(world, world.alice)
    response = client_for(world.bob.user).get(path, _fill(query, ids))
    if response.status_code == 400:  # a staff-only filter may be refused outright
        return
    assert response.status_code == 200
    listed = {row["id"] for row in response.json()["results"]}
    assert listed or "user" in query  # Bob's own objects are listed; filtered by Alice's id, nothing is
    assert not listed & victim_ids(world)


def test_a_customer_cannot_list_users(world):
    assert client_for(world.bob.user).get("/api/v1/users/").status_code == 403


def test_checkout_refuses_another_customers_address(world):
    bob = world.bob
    response = client_for(bob.user).post(
        f"/api/v1/carts/{bob.cart.pk}/checkout/", {"shipping_address": world.alice.address.pk}, format="json"
    )
    assert response.status_code == 400
    assert Cart.objects.get(pk=bob.cart.pk).status == Cart.Status.OPEN
    assert not Order.objects.filter(user=bob.user, shipping_line1=world.alice.address.line1).exists()


def test_rating_calls_only_touch_the_callers_own_rating(world):
    url = f"/api/v1/products/{world.product.pk}/rating/"
    bob = client_for(world.bob.user)
    assert bob.delete(url).status_code == 204
    assert bob.delete(url).status_code == 404
    alice_view = client_for(world.alice.user).get(url).json()
    assert alice_view["mine"] == 4
    assert alice_view["count"] == 1
