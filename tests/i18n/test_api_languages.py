# ruff: noqa: RUF001 - Turkish text (the dotless i)
"""Shop content in the language of `?lang=` or `Accept-Language` (shop/core/i18n.py), on /api/v1/ and /fakestore/."""

import pytest
from django.db import connection
from django.utils import translation

from shop.catalog import search
from shop.catalog.models import Product
from tests.factories import AttributeValueFactory, CategoryFactory, ProductFactory, ShippingMethodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirt():
    return ProductFactory(
        title="Cotton shirt", description="Soft cotton.", title_tr="Pamuklu gömlek", description_tr="Yumuşak pamuk."
    )


def test_a_turkish_client_reads_the_product_in_turkish(api_client, shirt):
    response = api_client.get(f"/api/v1/products/{shirt.pk}/", HTTP_ACCEPT_LANGUAGE="tr-TR,tr;q=0.9,en;q=0.5")
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["description"]) == ("Pamuklu gömlek", "Yumuşak pamuk.")
    assert response["Content-Language"] == "tr"
    assert "Accept-Language" in response["Vary"]


def test_without_a_language_the_product_is_in_english(api_client, shirt):
    response = api_client.get(f"/api/v1/products/{shirt.pk}/")
    assert response.json()["title"] == "Cotton shirt"
    assert response["Content-Language"] == "en"


def test_the_lang_query_wins_over_accept_language(api_client, shirt):
    response = api_client.get(f"/api/v1/products/{shirt.pk}/?lang=en", HTTP_ACCEPT_LANGUAGE="tr")
    assert response.json()["title"] == "Cotton shirt"
    response = api_client.get(f"/api/v1/products/{shirt.pk}/?lang=tr", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["title"] == "Pamuklu gömlek"
    assert response["Content-Language"] == "tr"


def test_an_unknown_or_unserved_language_answers_in_the_default(api_client, shirt, settings):
    assert api_client.get(f"/api/v1/products/{shirt.pk}/?lang=xx").json()["title"] == "Cotton shirt"
    assert api_client.get(f"/api/v1/products/{shirt.pk}/", HTTP_ACCEPT_LANGUAGE="de").json()["title"] == "Cotton shirt"
    settings.LANGUAGES = [("en", "English")]  # Turkish columns exist, but the shop does not serve Turkish
    response = api_client.get(f"/api/v1/products/{shirt.pk}/?lang=tr")
    assert (response.json()["title"], response["Content-Language"]) == ("Cotton shirt", "en")


def test_an_empty_translation_falls_back_to_the_default_language_field_by_field(api_client):
    product = ProductFactory(title="Mug", description="A big mug.", title_tr="Kupa", description_tr="")
    document = api_client.get(f"/api/v1/products/{product.pk}/?lang=tr").json()
    assert (document["title"], document["description"]) == ("Kupa", "A big mug.")


def test_lists_are_translated_too(api_client, shirt):
    results = api_client.get("/api/v1/products/?lang=tr").json()["results"]
    assert [item["title"] for item in results] == ["Pamuklu gömlek"]


def test_search_in_turkish_finds_the_turkish_and_the_english_title(api_client, shirt):
    ProductFactory(title="Wool hat")
    for term in ("gömlek", "Cotton"):
        results = api_client.get("/api/v1/products/", {"search": term, "lang": "tr"}).json()["results"]
        assert [item["id"] for item in results] == [shirt.pk], term


def test_search_in_english_does_not_match_turkish_only_words(api_client, shirt):
    assert api_client.get("/api/v1/products/", {"search": "gömlek"}).json()["results"] == []


def test_category_names_are_translated(api_client):
    category = CategoryFactory(name="Shoes", name_tr="Ayakkabılar")
    response = api_client.get(f"/api/v1/categories/{category.pk}/", HTTP_ACCEPT_LANGUAGE="tr")
    assert response.json()["name"] == "Ayakkabılar"


def test_shipping_method_and_attribute_names_are_translated(api_client):
    ShippingMethodFactory(name="Standard", name_tr="Standart")
    value = AttributeValueFactory(slug="red", name="Red", name_tr="Kırmızı")
    value.attribute.name_tr = "Renk"
    value.attribute.save()
    methods = api_client.get("/api/v1/shipping-methods/?lang=tr").json()["results"]
    assert [method["name"] for method in methods] == ["Standart"]
    attribute = api_client.get(f"/api/v1/attributes/{value.attribute.pk}/?lang=tr").json()
    assert (attribute["name"], attribute["values"][0]["name"]) == ("Renk", "Kırmızı")


def test_fakestore_honours_accept_language(client, shirt):
    category = CategoryFactory(name="men's clothing", name_tr="erkek giyim")
    shirt.categories.set([category])
    response = client.get(f"/fakestore/products/{shirt.pk}", HTTP_ACCEPT_LANGUAGE="tr")
    assert (response.json()["title"], response.json()["category"]) == ("Pamuklu gömlek", "erkek giyim")
    assert response["Content-Language"] == "tr"
    assert client.get(f"/fakestore/products/{shirt.pk}").json()["title"] == "Cotton shirt"


def test_fakestore_finds_a_category_by_its_name_in_either_language(client, shirt):
    shirt.categories.set([CategoryFactory(name="electronics")])
    for name in ("electronics",):
        response = client.get(f"/fakestore/products/category/{name}", HTTP_ACCEPT_LANGUAGE="tr")
        assert [item["id"] for item in response.json()] == [shirt.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram indexes are PostgreSQL's")
def test_a_turkish_search_uses_the_trigram_indexes_of_both_languages(shirt):
    with translation.override("tr"):
        columns = search.columns()
        queryset = Product.objects.filter(search.matches("gömlek")).order_by()
    assert {"title_tr", "title_en", "description_tr", "description_en", "sku"} == set(columns)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert all(name in plan for name in search.postgres_indexes(columns)), plan
