"""Black-box: the FakeStore table of ../shared/API.md, read part, asked over HTTP. The shop seeded from the
FakeStore data answers what FakeStore itself answers (fakestore_answers.json: FakeStore's /products and
/products/categories, as published with the data set)."""

import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest

from shop.catalog.models import Product
from tests.factories import CategoryFactory, ProductFactory, ProductImageFactory
from tests.helpers import assert_problem, queries_for_page

pytestmark = pytest.mark.django_db

FAKESTORE = json.loads((Path(__file__).parent / "fakestore_answers.json").read_text(encoding="utf-8"))


def as_fakestore_publishes(product: dict) -> dict:
    """The shop trims titles on import; FakeStore's own have trailing blanks."""
    return {**product, "title": product["title"].strip()}


def test_the_product_list_is_fakestores_list(client, fakestore_catalog):
    response = client.get("/fakestore/products")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == [as_fakestore_publishes(product) for product in FAKESTORE["products"]]


def test_prices_and_rates_are_json_numbers_and_counts_integers(client, fakestore_catalog):
    product = client.get("/fakestore/products/5").json()
    assert product["price"] == 695 and isinstance(product["price"], int | float)
    assert isinstance(product["rating"]["rate"], float) and product["rating"]["rate"] == 4.6
    assert product["rating"]["count"] == 400 and isinstance(product["rating"]["count"], int)


def test_one_product_by_its_integer_id(client, fakestore_catalog):
    response = client.get("/fakestore/products/1")
    assert response.status_code == 200
    assert response.json() == as_fakestore_publishes(FAKESTORE["products"][0])


@pytest.mark.parametrize("raw", ["999", "0", "-3", "9" * 40])
def test_an_unknown_id_is_a_404_problem(client, fakestore_catalog, raw):
    assert_problem(client.get(f"/fakestore/products/{raw}"), 404, "not_found")


@pytest.mark.parametrize("raw", ["abc", "1.5", "1e3", "%20", "%D9%A3"])  # the last: an Arabic-Indic digit
def test_an_id_that_is_no_integer_is_a_400_problem(client, fakestore_catalog, raw):
    assert_problem(client.get(f"/fakestore/products/{raw}"), 400, "validation_error")


def test_limit_and_sort_by_id(client, fakestore_catalog):
    assert [p["id"] for p in client.get("/fakestore/products", {"limit": 5}).json()] == [1, 2, 3, 4, 5]
    assert [p["id"] for p in client.get("/fakestore/products", {"sort": "desc", "limit": 3}).json()] == [20, 19, 18]
    assert [p["id"] for p in client.get("/fakestore/products", {"sort": "asc"}).json()] == list(range(1, 21))


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "x"}, {"sort": "up"}])
def test_a_bad_limit_or_sort_is_a_400(client, fakestore_catalog, params):
    assert_problem(client.get("/fakestore/products", params), 400, "validation_error")


def test_other_query_parameters_are_ignored(client, fakestore_catalog):
    assert len(client.get("/fakestore/products", {"_": "1712345678", "limit": 2}).json()) == 2


def test_a_limit_above_the_cap_is_clamped(client, fakestore_catalog, settings):
    settings.FAKESTORE_MAX_ITEMS = 4
    assert len(client.get("/fakestore/products", {"limit": 50}).json()) == 4
    assert len(client.get("/fakestore/products").json()) == 4


def test_categories_are_fakestores_names(client, fakestore_catalog):
    response = client.get("/fakestore/products/categories")
    assert response.status_code == 200
    assert response.json() == FAKESTORE["products/categories"]


@pytest.mark.parametrize("name", ["electronics", "jewelery", "men's clothing", "women's clothing"])
def test_products_of_a_category_by_its_url_encoded_name(client, fakestore_catalog, name):
    expected = [as_fakestore_publishes(p) for p in FAKESTORE["products"] if p["category"] == name]
    response = client.get(f"/fakestore/products/category/{quote(name)}")
    assert response.status_code == 200
    assert response.json() == expected


def test_a_category_takes_limit_and_sort(client, fakestore_catalog):
    path = "/fakestore/products/category/" + quote("women's clothing")
    response = client.get(path, {"sort": "desc", "limit": 2})
    assert [p["id"] for p in response.json()] == [20, 19]


def test_an_unknown_category_has_no_products(client, fakestore_catalog):
    assert client.get("/fakestore/products/category/toys").json() == []


@pytest.mark.parametrize("path", ["/fakestore/products", "/fakestore/products/", "/fakestore/products/3/"])
def test_paths_answer_without_a_redirect(client, fakestore_catalog, path):
    assert client.get(path).status_code == 200


def test_inactive_products_are_not_shown(client, fakestore_catalog):
    Product.objects.filter(pk=3).update(is_active=False)
    assert 3 not in [p["id"] for p in client.get("/fakestore/products").json()]
    assert_problem(client.get("/fakestore/products/3"), 404, "not_found")


def test_the_live_catalog_is_read_not_a_copy(client, fakestore_catalog):
    Product.objects.filter(pk=1).update(price=Decimal("99.50"), title="Renamed backpack")
    product = client.get("/fakestore/products/1").json()
    assert (product["price"], product["title"]) == (99.5, "Renamed backpack")


def test_a_product_without_category_has_an_empty_category_name(client, db):
    product = ProductFactory()
    assert client.get(f"/fakestore/products/{product.pk}").json()["category"] == ""


def test_the_list_makes_the_same_number_of_queries_whatever_its_length(client, db):
    category = CategoryFactory()
    ProductFactory.create_batch(2, categories=[category])
    few = queries_for_page(client, "/fakestore/products")
    ProductFactory.create_batch(30, categories=[category, CategoryFactory()])
    assert queries_for_page(client, "/fakestore/products") == few
    assert queries_for_page(client, f"/fakestore/products/category/{quote(category.name)}") == few + 1


def test_an_uploaded_primary_image_replaces_the_external_url_absolute(client):
    external = ProductFactory(image="https://fakestoreapi.com/img/1.jpg")
    uploaded = ProductFactory(image="https://fakestoreapi.com/img/2.jpg")
    ProductImageFactory(product=uploaded, file=f"products/{uploaded.pk}/front.jpg", is_primary=True)
    by_id = {product["id"]: product for product in client.get("/fakestore/products").json()}
    assert by_id[external.pk]["image"] == "https://fakestoreapi.com/img/1.jpg"
    assert by_id[uploaded.pk]["image"] == f"http://testserver/media/products/{uploaded.pk}/front.jpg"
    assert client.get(f"/fakestore/products/{uploaded.pk}").json()["image"] == by_id[uploaded.pk]["image"]
