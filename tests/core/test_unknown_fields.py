"""A write body with a field the resource does not accept is a 400 naming it (shop/core/serializers.py)."""

import pytest
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from shop.carts.models import Cart
from shop.catalog.models import Product
from shop.core import schema as core_schema
from shop.core.serializers import StrictSerializer
from tests.conftest import client_for
from tests.factories import (
    AddressFactory,
    AttributeFactory,
    CartFactory,
    CartItemFactory,
    CategoryFactory,
    OrderFactory,
    ProductFactory,
    ProductImageFactory,
    ReviewFactory,
    ShippingMethodFactory,
    TaxRateFactory,
    UserFactory,
    VoucherFactory,
)
from tests.helpers import assert_fields_refused

pytestmark = pytest.mark.django_db

SESSION = "guest-session-0123456789"


def write_operations() -> list[tuple[str, str]]:
    """(method, path) of every write the schema describes, with or without a request body."""
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [(method, path) for path, ops in paths.items() for method in ops if method in ("post", "put", "patch")]


#: Writes whose body is someone else's document, checked another way: Stripe's events carry whatever fields Stripe
#: sends and are trusted by their signature (tests/payments/test_webhook.py).
NOT_OURS = {("post", "/api/v1/payments/webhooks/stripe/")}
WRITE_OPERATIONS = [operation for operation in write_operations() if operation not in NOT_OURS]


@pytest.fixture
def superuser_world():
    """A superuser who owns one object of each kind, so every write reaches its body check."""
    user = UserFactory(is_staff=True, is_superuser=True)
    cart = CartFactory(user=user)
    CartItemFactory(cart=cart)
    product = ProductFactory()
    ids = {
        "addresses": AddressFactory(user=user).pk,
        "carts": cart.pk,
        "categories": CategoryFactory().pk,
        "orders": OrderFactory(user=user).pk,
        "products": product.pk,
        "images": ProductImageFactory(product=product).pk,
        "attributes": AttributeFactory().pk,
        "reviews": ReviewFactory().pk,
        "users": UserFactory().pk,
        "shipping-methods": ShippingMethodFactory().pk,
        "tax-rates": TaxRateFactory().pk,
        "vouchers": VoucherFactory().pk,
    }
    return client_for(user), ids


def test_the_write_operations_cover_the_api():
    assert len(WRITE_OPERATIONS) > 25
    assert ("patch", "/api/v1/carts/{id}/") in WRITE_OPERATIONS


@pytest.mark.parametrize(("method", "route"), WRITE_OPERATIONS)
def test_every_write_refuses_a_field_it_does_not_accept(superuser_world, method, route):
    client, ids = superuser_world
    resource = route.split("/")[3]
    if "{product_pk}" in route:  # a product's images
        resource = "images"
        route = route.replace("{product_pk}", str(ids["products"]))
    url = route.replace("{id}", str(ids.get(resource, 1)))
    response = getattr(client, method)(url, {"zz_not_a_field": 1}, format="json", HTTP_X_SESSION_ID=SESSION)
    assert_fields_refused(response, unknown=("zz_not_a_field",))


def test_cart_items_in_a_cart_patch_are_refused_not_ignored(customer_client, customer, product):
    cart = CartFactory(user=customer)
    response = customer_client.patch(
        f"/api/v1/carts/{cart.pk}/", {"items": [{"product": product.pk, "quantity": 2}]}, format="json"
    )
    assert_fields_refused(response, unknown=("items",))
    assert not cart.items.exists()


def test_a_nested_entry_names_its_unknown_field(customer_client, customer, product):
    cart = CartFactory(user=customer)
    body = {"add": [{"product": product.pk, "quantity": 1}, {"product": product.pk, "quantity": 1, "price": "0.01"}]}
    response = customer_client.patch(f"/api/v1/carts/{cart.pk}/", body, format="json")
    errors = assert_fields_refused(response, unknown=("add.1.price",))
    assert set(errors) == {"add.1.price"}
    assert not cart.items.exists()


def test_refused_fields_come_with_the_other_field_errors(staff_client):
    response = staff_client.post("/api/v1/categories/", {"slug": "", "colour": "red"}, format="json")
    errors = assert_fields_refused(response, unknown=("colour",))
    assert {"name", "slug"} <= set(errors)


def test_id_on_create_is_refused_as_read_only(staff_client):
    body = {"id": 77, "sku": "ID-1", "slug": "id-1", "title": "Id", "price": "1.00"}
    assert_fields_refused(staff_client.post("/api/v1/products/", body, format="json"), read_only=("id",))
    assert not Product.objects.exists()


def test_a_body_without_extra_fields_still_writes(staff_client):
    body = {"sku": "OK-1", "slug": "ok-1", "title": "Fine", "price": "1.00"}
    assert staff_client.post("/api/v1/products/", body, format="json").status_code == 201


@pytest.mark.parametrize("action", ["clear", "abandon"])
def test_a_bodiless_cart_action_refuses_fields_and_changes_nothing(customer_client, customer, action):
    cart = CartFactory(user=customer)
    CartItemFactory(cart=cart)
    response = customer_client.post(f"/api/v1/carts/{cart.pk}/{action}/", {"status": "ordered"}, format="json")
    assert_fields_refused(response, unknown=("status",))
    cart.refresh_from_db()
    assert (cart.status, cart.items.count()) == (Cart.Status.OPEN, 1)
    assert customer_client.post(f"/api/v1/carts/{cart.pk}/{action}/").status_code == 200


def test_someone_elses_cart_stays_a_not_found_whatever_the_body(customer_client, other_customer):
    cart = CartFactory(user=other_customer)
    response = customer_client.post(f"/api/v1/carts/{cart.pk}/clear/", {"x": 1}, format="json")
    assert response.status_code == 404


def test_a_body_that_is_not_an_object_is_refused(customer_client, customer):
    cart = CartFactory(user=customer)
    response = customer_client.post(f"/api/v1/carts/{cart.pk}/clear/", [1, 2], format="json")
    assert_fields_refused(response)


class LaxBody(serializers.Serializer):
    name = serializers.CharField()


class ClosedBody(StrictSerializer):
    name = serializers.CharField()


def schema_for(body_serializer) -> dict:
    class View(APIView):
        @extend_schema(request=body_serializer, responses=None)
        def post(self, request):
            raise NotImplementedError

    return SchemaGenerator(patterns=[path("api/v1/probe/", View.as_view())]).get_schema(request=None, public=True)


def test_the_schema_build_warns_about_a_request_serializer_that_keeps_unknown_fields(monkeypatch):
    warnings = []
    monkeypatch.setattr(core_schema, "warn", warnings.append)
    schema_for(LaxBody)
    assert any("LaxBody" in message and "shop.core.serializers" in message for message in warnings)


def test_strict_request_bodies_are_documented_as_closed_objects(monkeypatch):
    warnings = []
    monkeypatch.setattr(core_schema, "warn", warnings.append)
    schema = schema_for(ClosedBody)
    assert schema["components"]["schemas"]["ClosedBodyRequest"]["additionalProperties"] is False
    assert warnings == []
