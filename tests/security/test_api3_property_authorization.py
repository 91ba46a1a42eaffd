"""OWASP API3:2023 broken object property-level authorisation: mass assignment and excessive exposure."""

from decimal import Decimal

import pytest

from shop.accounts.models import Address, User
from shop.carts.models import Cart
from shop.catalog.models import Product, Review
from shop.orders.models import Order
from tests.conftest import client_for
from tests.factories import PASSWORD, ProductFactory
from tests.helpers import assert_fields_refused

pytestmark = pytest.mark.django_db

USER_FIELDS = {"id", "email", "username", "first_name", "last_name", "phone", "is_staff", "date_joined"}
HASH_MARKERS = ("pbkdf2_", "argon2", "bcrypt", "scrypt", "$sha1$", "md5$")


def test_register_refuses_privilege_fields(api_client):
    body = {
        "email": "eve@example.com",
        "password": PASSWORD,
        "is_staff": True,
        "is_superuser": True,
        "is_active": False,
        "id": 4242,
    }
    response = api_client.post("/api/v1/auth/register/", body, format="json")
    assert_fields_refused(response, unknown=("is_staff", "is_superuser", "is_active", "id"))
    assert not User.objects.filter(email="eve@example.com").exists()
    plain = api_client.post("/api/v1/auth/register/", {"email": "eve@example.com", "password": PASSWORD})
    assert plain.status_code == 201
    user = User.objects.get(email="eve@example.com")
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert set(plain.json()) == USER_FIELDS


def test_me_refuses_read_only_fields(world):
    alice = world.alice.user
    body = {"is_staff": True, "email": "owned@example.com", "id": 999, "first_name": "Alice"}
    response = client_for(alice).patch("/api/v1/auth/me/", body, format="json")
    assert_fields_refused(response, read_only=("is_staff", "email", "id"))
    alice.refresh_from_db()
    assert (alice.is_staff, alice.email) == (False, world.alice.user.email)


def test_a_customer_cannot_raise_or_reset_their_own_account_through_users(world):
    alice = world.alice.user
    body = {"is_staff": True, "is_active": False, "is_superuser": True, "password": "another-Passw0rd-x"}
    response = client_for(alice).patch(f"/api/v1/users/{alice.pk}/", body, format="json")
    assert response.status_code == 403  # only a superuser sets is_staff or is_superuser
    alice.refresh_from_db()
    assert (alice.is_staff, alice.is_active, alice.is_superuser) == (False, True, False)
    assert alice.check_password(PASSWORD)


def test_staff_cannot_make_a_superuser(world):
    bob = world.bob.user
    response = client_for(world.staff).patch(f"/api/v1/users/{bob.pk}/", {"is_superuser": True}, format="json")
    assert response.status_code == 403
    bob.refresh_from_db()
    assert not bob.is_superuser


def test_an_address_is_always_filed_under_the_calling_customer(world):
    alice, bob = world.alice.user, world.bob.user
    body = {"label": "X", "line1": "1 St", "city": "Oslo", "postcode": "0150", "country": "NO"}
    refused = client_for(alice).post("/api/v1/addresses/", {**body, "user": bob.pk}, format="json")
    assert_fields_refused(refused, read_only=("user",))
    response = client_for(alice).post("/api/v1/addresses/", body, format="json")
    assert response.status_code == 201
    assert Address.objects.get(pk=response.json()["id"]).user == alice
    moved = client_for(alice).patch(f"/api/v1/addresses/{world.alice.address.pk}/", {"user": bob.pk}, format="json")
    assert_fields_refused(moved, read_only=("user",))
    assert Address.objects.get(pk=world.alice.address.pk).user == alice


def test_cart_changes_cannot_set_owner_status_or_prices(world):
    cart, product = world.alice.cart, ProductFactory(price=Decimal("25.00"))
    body = {
        "user": world.bob.user.pk,
        "status": "ordered",
        "total": "0.01",
        "add": [{"product": product.pk, "quantity": 1, "unit_price": "0.01", "price": "0.01"}],
    }
    response = client_for(world.alice.user).patch(f"/api/v1/carts/{cart.pk}/", body, format="json")
    assert response.status_code in (200, 400)
    cart.refresh_from_db()
    assert (cart.user, cart.status) == (world.alice.user, Cart.Status.OPEN)
    if response.status_code == 200:
        line = next(item for item in response.json()["items"] if item["product"] == product.pk)
        assert line["unit_price"] == "25.00"
        assert Decimal(response.json()["total"]) > Decimal("25.00")


def test_checkout_cannot_choose_status_totals_or_owner(world):
    alice, cart = world.alice, world.alice.cart
    body = {"status": "paid", "total": "0.01", "subtotal": "0.01", "user": world.bob.user.pk, "number": "MINE"}
    url = f"/api/v1/carts/{cart.pk}/checkout/"
    response = client_for(alice.user).post(url, body, format="json")
    assert_fields_refused(response, unknown=tuple(body))
    assert not Order.objects.filter(user=alice.user, cart=cart).exists()
    placed = client_for(alice.user).post(url, {}, format="json")
    assert placed.status_code == 201
    order = Order.objects.get(pk=placed.json()["id"])
    assert (order.status, order.user, order.total) == (Order.Status.PENDING, alice.user, world.product.price)


def test_cancel_cannot_choose_another_status(world):
    order = world.alice.order
    url = f"/api/v1/orders/{order.pk}/cancel/"
    response = client_for(world.alice.user).post(url, {"status": "delivered"}, format="json")
    assert_fields_refused(response, unknown=("status",))
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert client_for(world.alice.user).post(url, format="json").status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_product_rating_summary_cannot_be_written(world):
    staff = client_for(world.staff)
    body = {"sku": "R-1", "slug": "r-1", "title": "R", "price": "5.00", "rating": {"rate": "5.00", "count": 999}}
    assert_fields_refused(staff.post("/api/v1/products/", body, format="json"), read_only=("rating",))
    assert not Product.objects.filter(sku="R-1").exists()
    url = f"/api/v1/products/{world.product.pk}/"
    before = staff.get(url).json()
    patch = {"rating": {"rate": "1.00", "count": 1}, "created_at": "2000-01-01T00:00:00Z"}
    assert_fields_refused(staff.patch(url, patch, format="json"), read_only=("rating", "created_at"))
    after = staff.get(url).json()
    assert (after["rating"], after["created_at"]) == (before["rating"], before["created_at"])


def test_a_rating_belongs_to_the_caller_and_the_product_in_the_address(world):
    other = ProductFactory()
    url = f"/api/v1/products/{world.product.pk}/rating/"
    body = {"value": 5, "user": world.bob.user.pk, "product": other.pk}
    assert_fields_refused(client_for(world.alice.user).post(url, body, format="json"), unknown=("user", "product"))
    response = client_for(world.alice.user).post(url, {"value": 5}, format="json")
    assert response.status_code == 200
    assert Review.objects.get(user=world.alice.user, product=world.product).rating == 5
    assert Review.objects.get(user=world.bob.user, product=world.product).rating == 4
    assert not Review.objects.filter(product=other).exists()
    assert Product.objects.get(pk=other.pk).rating_count == 0


def _all_answers(client, world) -> list:
    paths = [
        "/api/v1/auth/me/",
        "/api/v1/users/?page_size=100",
        f"/api/v1/users/{world.alice.user.pk}/",
        "/api/v1/addresses/?page_size=100",
        "/api/v1/carts/?page_size=100",
        "/api/v1/orders/?page_size=100",
        f"/api/v1/orders/{world.alice.order.pk}/",
        "/api/v1/products/?page_size=100",
        "/api/v1/categories/",
    ]
    return [client.get(path) for path in paths]


def _keys(value) -> set:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


@pytest.mark.parametrize("who", ["alice", "staff"])
def test_no_answer_leaks_password_hashes_or_internal_account_fields(world, who):
    user = world.staff if who == "staff" else world.alice.user
    client = client_for(user)
    answers = _all_answers(client, world)
    login = client.post("/api/v1/auth/login/", {"email": user.email, "password": PASSWORD}, format="json")
    for response in [*answers, login]:
        text = response.content.decode()
        assert not any(marker in text for marker in HASH_MARKERS), response.wsgi_request.path
        keys = _keys(response.json()) if text else set()
        assert not keys & {"password", "is_superuser", "last_login", "groups", "user_permissions"}, keys
