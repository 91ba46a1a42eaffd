"""Black-box: FakeStore's sandbox writes answer 200 with the body echoed and an id, and change nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.accounts.models import User
from shop.carts.models import Cart, CartItem
from shop.catalog.models import Product
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

NEW_PRODUCT = {
    "title": "test product",
    "price": 13.5,
    "description": "lorem ipsum set",
    "image": "https://i.pravatar.cc",
    "category": "electronic",
}
NEW_USER = {
    "email": "John@gmail.com",
    "username": "johnd",
    "password": "m38rmF$",
    "name": {"firstname": "John", "lastname": "Doe"},
    "address": {
        "city": "kilcoole",
        "street": "7835 new road",
        "number": 3,
        "zipcode": "12926-3874",
        "geolocation": {"lat": "-37.3159", "long": "81.1496"},
    },
    "phone": "1-570-236-7033",
}
NEW_CART = {"userId": 5, "date": "2020-02-03", "products": [{"productId": 5, "quantity": 1}]}


def snapshot() -> dict:
    return {
        "products": list(Product.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "carts": list(Cart.objects.order_by("pk").values()),
        "items": list(CartItem.objects.order_by("pk").values()),
    }


def writes_made(captured) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(verbs)]


def send(client, method: str, path: str, body=None):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path, body, content_type="application/json")
    assert writes_made(captured) == []
    return response


def test_a_new_product_is_echoed_with_the_next_id_and_not_stored(client, fakestore_catalog):
    before = snapshot()
    response = send(client, "post", "/fakestore/products", NEW_PRODUCT)
    assert response.status_code == 200
    assert response.json() == {"id": 21, **NEW_PRODUCT}
    assert snapshot() == before


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_changed_product_is_echoed_with_its_id_and_not_stored(client, fakestore_catalog, method):
    before = snapshot()
    response = send(client, method, "/fakestore/products/7", {"title": "renamed", "price": 1})
    assert response.status_code == 200
    assert response.json() == {"id": 7, "title": "renamed", "price": 1.0}
    assert snapshot() == before


def test_a_deleted_product_answers_its_document_and_stays(client, fakestore_catalog):
    before = snapshot()
    response = send(client, "delete", "/fakestore/products/6")
    assert response.status_code == 200
    assert response.json()["id"] == 6 and response.json()["title"] == "Solid Gold Petite Micropave"
    assert snapshot() == before
    assert client.get("/fakestore/products/6").status_code == 200


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_writes_on_an_unknown_product_are_a_404(client, fakestore_catalog, method):
    assert_problem(send(client, method, "/fakestore/products/404", {"title": "x"}), 404, "not_found")


@pytest.mark.parametrize(
    ("body", "field"),
    [({"price": -1}, "price"), ({"price": "abc"}, "price"), ({"rating": {"rate": 5}}, "rating"), ({"id": 3}, "id")],
)
def test_a_bad_body_is_a_400_naming_the_field(client, fakestore_catalog, body, field):
    body = assert_problem(send(client, "post", "/fakestore/products", body), 400, "validation_error")
    assert field in body["errors"]


def test_a_body_that_is_no_object_is_a_400(client, fakestore_catalog):
    assert_problem(send(client, "post", "/fakestore/products", [NEW_PRODUCT]), 400, "validation_error")


def test_a_user_is_echoed_without_the_password_and_not_stored(client, fakestore_shop, demo):
    before = snapshot()
    response = send(client, "post", "/fakestore/users", NEW_USER)
    assert response.status_code == 200
    expected = {key: value for key, value in NEW_USER.items() if key != "password"}
    assert response.json() == {"id": 11, **expected, "email": "John@gmail.com"}
    assert "password" not in response.content.decode()
    for method in ("put", "patch"):
        assert send(client, method, "/fakestore/users/2", NEW_USER).json()["id"] == 2
    assert send(client, "delete", "/fakestore/users/2").json()["username"] == "mor_2314"
    assert snapshot() == before


def test_a_cart_is_echoed_and_not_stored(client, fakestore_shop, demo):
    before = snapshot()
    response = send(client, "post", "/fakestore/carts", NEW_CART)
    assert response.status_code == 200
    assert response.json() == {"id": 8, **NEW_CART}
    assert send(client, "put", "/fakestore/carts/2", NEW_CART).json() == {"id": 2, **NEW_CART}
    assert send(client, "delete", "/fakestore/carts/2").json()["id"] == 2
    assert snapshot() == before


def test_a_cart_line_with_a_bad_quantity_is_a_400(client, fakestore_shop, demo):
    body = {**NEW_CART, "products": [{"productId": 1, "quantity": 0}]}
    problem = assert_problem(send(client, "post", "/fakestore/carts", body), 400, "validation_error")
    assert "products.0.quantity" in problem["errors"]


def test_user_and_cart_writes_are_a_404_in_catalog_mode(client, fakestore_shop):
    assert_problem(send(client, "post", "/fakestore/users", NEW_USER), 404, "not_found")
    assert_problem(send(client, "post", "/fakestore/carts", NEW_CART), 404, "not_found")
    assert_problem(send(client, "delete", "/fakestore/carts/1"), 404, "not_found")
