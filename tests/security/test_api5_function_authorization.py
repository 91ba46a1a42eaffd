"""OWASP API5:2023 broken function-level authorisation: staff-only functions refuse customers (403) and
anonymous callers (401), and change nothing."""

import pytest

from shop.catalog.models import Category, Product
from shop.orders.models import Order
from tests.conftest import client_for
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

PRODUCT = {"sku": "NEW-1", "slug": "new-1", "title": "New", "price": "1.00"}

# (method, path, body): every function only staff may use; `{...}` are filled from the world.
STAFF_ONLY = [
    ("post", "/api/v1/categories/", {"name": "Hack", "slug": "hack"}),
    ("put", "/api/v1/categories/{category}/", {"name": "Hack", "slug": "hack"}),
    ("patch", "/api/v1/categories/{category}/", {"name": "Hack"}),
    ("delete", "/api/v1/categories/{category}/", None),
    ("post", "/api/v1/products/", PRODUCT),
    ("put", "/api/v1/products/{product}/", PRODUCT),
    ("patch", "/api/v1/products/{product}/", {"price": "0.01", "stock": 100000}),
    ("delete", "/api/v1/products/{product}/", None),
    ("get", "/api/v1/users/", None),
    ("post", "/api/v1/users/", {"email": "x@example.com", "password": "x-Passw0rd-long-1", "is_staff": True}),
    ("post", "/api/v1/orders/{order}/status/", {"status": "paid"}),
]


def _path(template: str, world, category) -> str:
    return template.format(category=category.pk, product=world.product.pk, order=world.alice.order.pk)


def _snapshot(world, category) -> tuple:
    product = Product.objects.get(pk=world.product.pk)
    return (
        Category.objects.filter(pk=category.pk, name=category.name).exists(),
        Category.objects.count(),
        (product.price, product.stock, product.title),
        Product.objects.count(),
        Order.objects.get(pk=world.alice.order.pk).status,
    )


@pytest.mark.parametrize(("method", "path", "body"), STAFF_ONLY)
def test_customers_are_refused_staff_functions(world, method, path, body):
    category = CategoryFactory()
    before = _snapshot(world, category)
    response = getattr(client_for(world.alice.user), method)(_path(path, world, category), body, format="json")
    assert response.status_code == 403, (method, path, response.status_code)
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "permission_denied"
    assert _snapshot(world, category) == before


@pytest.mark.parametrize(("method", "path", "body"), STAFF_ONLY)
def test_anonymous_callers_are_refused_staff_functions(world, api_client, method, path, body):
    category = CategoryFactory()
    before = _snapshot(world, category)
    response = getattr(api_client, method)(_path(path, world, category), body, format="json")
    assert response.status_code == 401
    assert _snapshot(world, category) == before


@pytest.mark.parametrize(("method", "path", "body"), [c for c in STAFF_ONLY if c[0] in ("get", "patch")])
def test_staff_may_use_them(world, method, path, body):
    category = CategoryFactory()
    response = getattr(client_for(world.staff), method)(_path(path, world, category), body, format="json")
    assert response.status_code == 200


def test_customers_do_not_see_inactive_products_even_when_asking(world, client):
    hidden = Product.objects.create(sku="HID-1", slug="hid-1", title="Hidden", price="1.00", is_active=False)
    customer = client_for(world.alice.user)
    assert customer.get(f"/api/v1/products/{hidden.pk}/").status_code == 404
    listed = customer.get("/api/v1/products/", {"is_active": "false"})
    assert hidden.pk not in {row["id"] for row in listed.json().get("results", [])}
    assert client_for(world.staff).get(f"/api/v1/products/{hidden.pk}/").status_code == 200


def test_the_admin_site_refuses_customers(world, client):
    client.force_login(world.alice.user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert client.get("/admin/catalog/product/").status_code == 302
