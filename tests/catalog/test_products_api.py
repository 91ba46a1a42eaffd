from decimal import Decimal

import pytest

from shop.catalog.models import Product, StockMovement
from tests.factories import CategoryFactory, ProductFactory
from tests.helpers import assert_fields_refused, assert_problem

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"


def detail(product) -> str:
    return f"{URL}{product.pk}/"


def new_product_payload(**overrides) -> dict:
    payload = {
        "sku": "NEW-1",
        "slug": "new-one",
        "title": "New one",
        "description": "Fresh.",
        "price": "12.50",
        "image": "https://example.com/a.jpg",
        "stock": 7,
        "is_active": True,
    }
    payload.update(overrides)
    return payload


def ledger_total(product) -> int:
    return sum(StockMovement.objects.filter(product=product).values_list("delta", flat=True))


def test_product_representation_matches_the_contract(api_client):
    category = CategoryFactory()
    product = ProductFactory(
        price=Decimal("109.95"), rating_rate=Decimal("3.9"), rating_count=120, categories=[category]
    )
    body = api_client.get(detail(product)).json()
    assert set(body) == {
        "id",
        "sku",
        "slug",
        "title",
        "description",
        "price",
        "currency",
        "image",
        "thumbnail",
        "images",
        "categories",
        "stock",
        "is_active",
        "rating",
        "created_at",
        "updated_at",
        "translations",
        *("structure", "parent", "options", "option_attributes", "variants", "price_range", "in_stock"),
    }
    assert body["price"] == "109.95" and body["currency"] == "USD"
    assert body["rating"] == {"rate": "3.90", "count": 120}
    assert body["categories"] == [{"id": category.pk, "slug": category.slug, "name": category.name}]
    assert body["created_at"].endswith("Z")


@pytest.mark.parametrize("client_name", ["api_client", "customer_client"])
def test_non_staff_see_only_active_products(request, client_name):
    active, inactive = ProductFactory(), ProductFactory(is_active=False)
    client = request.getfixturevalue(client_name)
    listed = [item["id"] for item in client.get(URL).json()["results"]]
    assert listed == [active.pk]
    assert_problem(client.get(detail(inactive)), 404, "not_found")


def test_staff_see_inactive_products(staff_client):
    active, inactive = ProductFactory(), ProductFactory(is_active=False)
    listed = [item["id"] for item in staff_client.get(URL).json()["results"]]
    assert listed == [active.pk, inactive.pk]
    assert staff_client.get(detail(inactive)).status_code == 200


def test_staff_creates_a_product_and_its_stock_enters_the_ledger(staff_client, staff):
    categories = [CategoryFactory(), CategoryFactory()]
    payload = new_product_payload(categories=[category.pk for category in categories])
    response = staff_client.post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stock"] == 7
    assert [category["id"] for category in body["categories"]] == sorted(category.pk for category in categories)
    assert body["rating"] == {"rate": "0.00", "count": 0}
    product = Product.objects.get(pk=body["id"])
    movement = product.stock_movements.get()
    assert (movement.delta, movement.reason, movement.user) == (7, "initial", staff)


def test_creating_a_product_without_stock_writes_no_movement(staff_client):
    payload = new_product_payload()
    del payload["stock"]
    response = staff_client.post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["stock"] == 0
    assert not StockMovement.objects.exists()


def test_client_cannot_set_id_or_rating_summary(staff_client):
    payload = new_product_payload(id=999, rating={"rate": "5.00", "count": 1000}, rating_rate="5", rating_count=9)
    response = staff_client.post(URL, payload, format="json")
    assert_fields_refused(response, unknown=("rating_rate", "rating_count"), read_only=("id", "rating"))
    assert not Product.objects.exists()


@pytest.mark.parametrize("client_name", ["api_client", "customer_client"])
def test_non_staff_cannot_create_change_or_delete_products(request, client_name, product):
    client = request.getfixturevalue(client_name)
    status, code = (401, "not_authenticated") if client_name == "api_client" else (403, "permission_denied")
    assert_problem(client.post(URL, new_product_payload(), format="json"), status, code)
    assert_problem(client.patch(detail(product), {"price": "1.00"}, format="json"), status, code)
    assert_problem(client.delete(detail(product)), status, code)
    product.refresh_from_db()
    assert product.price == Decimal("10.00")
    assert Product.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price", "-0.01"),
        ("price", "abc"),
        ("price", "123456789.00"),
        ("stock", -1),
        ("stock", 2**31),
        ("slug", "not a slug"),
        ("image", "not-a-url"),
        ("categories", [999999]),
        ("categories", ["x"]),
        ("categories", "1"),
    ],
)
def test_invalid_product_fields_are_validation_problems(staff_client, field, value):
    body = assert_problem(
        staff_client.post(URL, new_product_payload(**{field: value}), format="json"), 400, "validation_error"
    )
    assert any(key == field or key.startswith(f"{field}.") for key in body["errors"]), body["errors"]
    assert not Product.objects.exists()


def test_unknown_category_ids_are_named_in_the_error(staff_client):
    known = CategoryFactory()
    payload = new_product_payload(categories=[known.pk, 999998, 999999])
    body = assert_problem(staff_client.post(URL, payload, format="json"), 400, "validation_error")
    assert body["errors"]["categories"] == ["Unknown category ids: 999998, 999999."]


@pytest.mark.parametrize("field", ["sku", "slug"])
def test_duplicate_sku_or_slug_is_a_validation_problem(staff_client, product, field):
    payload = new_product_payload(**{field: getattr(product, field)})
    body = assert_problem(staff_client.post(URL, payload, format="json"), 400, "validation_error")
    assert field in body["errors"]
    assert Product.objects.count() == 1


def test_staff_stock_change_is_an_adjustment_movement(staff_client, staff, product):
    response = staff_client.patch(detail(product), {"stock": 4}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["stock"] == 4
    movement = product.stock_movements.order_by("-id").first()
    assert (movement.delta, movement.reason, movement.user) == (-6, "adjustment", staff)
    product.refresh_from_db()
    assert product.stock == ledger_total(product) == 4


def test_patch_with_unchanged_stock_writes_no_movement(staff_client, product):
    response = staff_client.patch(detail(product), {"stock": 10, "title": "Renamed"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Renamed"
    assert product.stock_movements.count() == 1


def test_product_update_keeps_stock_and_rating_changed_meanwhile(staff_client, product):
    """The view's copy of the product is stale; saving other fields must not write it back."""
    Product.objects.filter(pk=product.pk).update(stock=3, rating_rate=Decimal("4.50"), rating_count=2)
    response = staff_client.patch(detail(product), {"title": "New title"}, format="json")
    assert response.status_code == 200, response.content
    product.refresh_from_db()
    assert (product.title, product.stock, product.rating_rate, product.rating_count) == (
        "New title",
        3,
        Decimal("4.50"),
        2,
    )


def test_staff_replaces_categories_and_may_clear_them(staff_client):
    first, second = CategoryFactory(), CategoryFactory()
    product = ProductFactory(categories=[first])
    changed = staff_client.patch(detail(product), {"categories": [second.pk]}, format="json").json()
    assert changed["categories"] == [{"id": second.pk, "slug": second.slug, "name": second.name}]
    assert staff_client.patch(detail(product), {"categories": []}, format="json").json()["categories"] == []


def test_staff_put_replaces_the_product(staff_client, product):
    payload = new_product_payload(sku=product.sku, slug=product.slug, stock=10)
    response = staff_client.put(detail(product), payload, format="json")
    assert response.status_code == 200, response.content
    product.refresh_from_db()
    assert (product.title, product.price) == ("New one", Decimal("12.50"))


def test_patch_to_another_products_sku_is_a_validation_problem(staff_client, product):
    other = ProductFactory()
    body = assert_problem(
        staff_client.patch(detail(other), {"sku": product.sku}, format="json"), 400, "validation_error"
    )
    assert "sku" in body["errors"]


def test_staff_deletes_a_product_never_stocked_or_sold(staff_client):
    product = ProductFactory(stock=0)
    assert staff_client.delete(detail(product)).status_code == 204
    assert not Product.objects.filter(pk=product.pk).exists()


def test_a_product_with_pending_orders_cannot_be_deleted_and_keeps_its_history(staff_client):
    from shop.orders.models import OrderItem
    from tests.conftest import client_for
    from tests.factories import CartWithLinesFactory, CustomerFactory

    product = ProductFactory(stock=5)
    cart = CartWithLinesFactory(user=CustomerFactory(), lines=[(product, 2)])
    assert client_for(cart.user).post(f"/api/v1/carts/{cart.pk}/checkout/", {}, format="json").status_code == 201
    body = assert_problem(staff_client.delete(detail(product)), 409, "conflict")
    assert "Deactivate it instead" in body["detail"]
    assert sorted(StockMovement.objects.filter(product=product).values_list("delta", flat=True)) == [-2, 5]
    assert OrderItem.objects.get().product_id == product.pk


def test_a_stocked_product_cannot_be_deleted_even_without_orders(staff_client, product):
    assert_problem(staff_client.delete(detail(product)), 409, "conflict")
    assert Product.objects.filter(pk=product.pk).exists() and product.stock_movements.exists()


def test_a_malformed_json_body_is_a_problem(staff_client):
    response = staff_client.generic("POST", URL, "{not json", content_type="application/json")
    assert_problem(response, 400, "validation_error")


def test_a_form_body_is_an_unsupported_media_type(staff_client):
    response = staff_client.post(URL, new_product_payload(), format="multipart")
    assert_problem(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("price", ["-0", "-0.00"])
def test_a_negative_zero_price_is_stored_and_shown_as_zero(staff_client, product, price):
    created = staff_client.post(URL, new_product_payload(price=price), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["price"] == "0.00"
    assert str(Product.objects.get(pk=created.json()["id"]).price) == "0.00"
    changed = staff_client.patch(detail(product), {"price": price}, format="json")
    assert changed.json()["price"] == "0.00"
    assert str(Product.objects.get(pk=product.pk).price) == "0.00"


@pytest.mark.parametrize("tz", ["UTC", "Europe/Paris"])
def test_the_product_document_is_what_the_declared_fields_give(settings, tz):
    """`ProductSerializer.to_representation` builds the document directly; DRF's field loop must agree."""
    from rest_framework import serializers

    from shop.catalog.api.serializers import ProductSerializer

    settings.TIME_ZONE = tz
    product = ProductFactory(price=Decimal("1234.5"), rating_rate=Decimal("4.25"), rating_count=3, stock=7)
    product.categories.set([CategoryFactory(), CategoryFactory()])
    product = Product.objects.prefetch_related("categories").get(pk=product.pk)
    serializer = ProductSerializer(product)
    expected = serializers.ModelSerializer.to_representation(serializer, product)
    assert serializer.data == expected
