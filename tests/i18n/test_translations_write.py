# ruff: noqa: RUF001 - Turkish text (the dotless i)
"""Staff write translations as `translations: {"tr": {...}}` and read them back the same way."""

import pytest

from shop.catalog.models import Attribute, Product
from tests.factories import CategoryFactory, ProductFactory, ShippingMethodFactory

pytestmark = pytest.mark.django_db


def test_product_translations_round_trip(staff_client, api_client):
    body = {
        "sku": "TEE-1",
        "slug": "tee-1",
        "title": "T-shirt",
        "price": "12.00",
        "translations": {"tr": {"title": "Tişört", "description": "Pamuklu."}},
    }
    created = staff_client.post("/api/v1/products/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["title"] == "T-shirt"
    assert created.json()["translations"] == {"tr": {"title": "Tişört", "description": "Pamuklu."}}
    product = Product.objects.get(sku="TEE-1")
    assert (product.title_en, product.title_tr) == ("T-shirt", "Tişört")
    assert api_client.get(f"/api/v1/products/{product.pk}/?lang=tr").json()["title"] == "Tişört"


def test_a_patch_changes_only_the_given_translations(staff_client):
    product = ProductFactory(title="Mug", title_tr="Kupa", description_tr="Büyük kupa.")
    response = staff_client.patch(
        f"/api/v1/products/{product.pk}/", {"translations": {"tr": {"title": "Fincan"}}}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["translations"]["tr"] == {"title": "Fincan", "description": "Büyük kupa."}
    assert response.json()["title"] == "Mug"
    product.refresh_from_db()
    assert (product.title_en, product.title_tr) == ("Mug", "Fincan")


def test_a_write_with_accept_language_still_writes_the_default_language(staff_client):
    product = ProductFactory(title="Mug", title_tr="Kupa")
    response = staff_client.patch(
        f"/api/v1/products/{product.pk}/", {"title": "Big mug"}, format="json", HTTP_ACCEPT_LANGUAGE="tr"
    )
    assert response["Content-Language"] == "en"
    product.refresh_from_db()
    assert (product.title_en, product.title_tr) == ("Big mug", "Kupa")


@pytest.mark.parametrize(
    ("translations", "named"),
    [
        ({"de": {"title": "Becher"}}, "de"),
        ({"en": {"title": "Mug"}}, "en"),
        ({"tr": {"price": "1"}}, "price"),
        ({"tr": {"title": 5}}, "title"),
        ({"tr": {"title": "x" * 256}}, "title"),
        ({"tr": "Kupa"}, "tr"),
    ],
)
def test_bad_translations_are_a_400_naming_them_and_change_nothing(staff_client, translations, named):
    product = ProductFactory(title="Mug", title_tr="Kupa")
    response = staff_client.patch(f"/api/v1/products/{product.pk}/", {"translations": translations}, format="json")
    assert response.status_code == 400
    assert named in str(response.json()["errors"])
    product.refresh_from_db()
    assert product.title_tr == "Kupa"


def test_translations_that_are_not_an_object_are_a_400(staff_client, product):
    response = staff_client.patch(f"/api/v1/products/{product.pk}/", {"translations": ["tr"]}, format="json")
    assert response.status_code == 400


def test_category_translations_round_trip(staff_client):
    category = CategoryFactory(name="Shoes")
    body = {"translations": {"tr": {"name": "Ayakkabılar", "description": "Her numara."}}}
    response = staff_client.patch(f"/api/v1/categories/{category.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["translations"] == body["translations"]


def test_shipping_method_translations_round_trip(staff_client):
    method = ShippingMethodFactory(name="Express")
    body = {"translations": {"tr": {"name": "Hızlı"}}}
    response = staff_client.patch(f"/api/v1/shipping-methods/{method.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["translations"] == {"tr": {"name": "Hızlı"}}
    assert staff_client.get(f"/api/v1/shipping-methods/{method.pk}/?lang=tr").json()["name"] == "Hızlı"


def test_attribute_and_value_translations_round_trip(staff_client):
    body = {
        "name": "Colour",
        "slug": "colour",
        "translations": {"tr": {"name": "Renk"}},
        "values": [{"name": "Red", "slug": "red", "translations": {"tr": {"name": "Kırmızı"}}}],
    }
    response = staff_client.post("/api/v1/attributes/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["translations"] == {"tr": {"name": "Renk"}}
    assert response.json()["values"][0]["translations"] == {"tr": {"name": "Kırmızı"}}
    attribute = Attribute.objects.get(slug="colour")
    assert attribute.values.get().name_tr == "Kırmızı"


def test_a_customer_cannot_write_translations(customer_client, product):
    response = customer_client.patch(
        f"/api/v1/products/{product.pk}/", {"translations": {"tr": {"title": "Kupa"}}}, format="json"
    )
    assert response.status_code == 403
