from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.catalog.models import Product
from tests.factories import CategoryFactory, ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def problem_errors(response) -> dict:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_error"
    return body["errors"]


@pytest.fixture
def shelves():
    clothing, electronics = CategoryFactory(slug="clothing"), CategoryFactory(slug="electronics")
    return {
        "clothing": clothing,
        "electronics": electronics,
        "shirt": ProductFactory(categories=[clothing], price=Decimal("20.00"), stock=5),
        "phone": ProductFactory(categories=[electronics], price=Decimal("300.00"), stock=0),
        "smartwatch": ProductFactory(categories=[clothing, electronics], price=Decimal("150.00"), stock=2),
        "sticker": ProductFactory(price=Decimal("1.00"), stock=100),
    }


def test_category_filter_accepts_an_id_or_a_slug(api_client, shelves):
    expected = [shelves["shirt"].pk, shelves["smartwatch"].pk]
    assert ids(api_client.get(URL, {"category": shelves["clothing"].pk})) == expected
    assert ids(api_client.get(URL, {"category": "clothing"})) == expected


def test_unknown_category_is_a_validation_problem(api_client, shelves):
    assert "category" in problem_errors(api_client.get(URL, {"category": "no-such-category"}))


@pytest.mark.parametrize("value", ["³", "٣", "99999999999999999999999"])
def test_a_category_that_only_looks_like_an_id_is_a_validation_problem(api_client, shelves, value):
    assert "category" in problem_errors(api_client.get(URL, {"category": value}))


def test_category_ids_match_any_without_duplicates(api_client, shelves):
    query = {"category_ids": f"{shelves['clothing'].pk},{shelves['electronics'].pk}"}
    response = api_client.get(URL, query)
    assert ids(response) == [shelves["shirt"].pk, shelves["phone"].pk, shelves["smartwatch"].pk]
    assert response.json()["count"] == 3


def test_category_ids_name_every_missing_id(api_client, shelves):
    errors = problem_errors(api_client.get(URL, {"category_ids": f"{shelves['clothing'].pk},424242,434343"}))
    assert errors == {"category_ids": ["Unknown category ids: 424242, 434343."]}


@pytest.mark.parametrize("value", ["a,b", "1;2", "-1", "0", "1.5"])
def test_malformed_category_ids_are_validation_problems(api_client, shelves, value):
    assert "category_ids" in problem_errors(api_client.get(URL, {"category_ids": value}))


def test_price_range_is_inclusive(api_client, shelves):
    response = api_client.get(URL, {"price_min": "20", "price_max": "150.00"})
    assert ids(response) == [shelves["shirt"].pk, shelves["smartwatch"].pk]


@pytest.mark.parametrize(
    "query", [{"price_min": "abc"}, {"price_max": "1e"}, {"price_min": "NaN"}, {"price_min": "-1"}]
)
def test_malformed_prices_are_validation_problems(api_client, shelves, query):
    assert set(query) <= set(problem_errors(api_client.get(URL, query)))


def test_price_min_above_price_max_is_a_validation_problem(api_client, shelves):
    errors = problem_errors(api_client.get(URL, {"price_min": "100", "price_max": "10"}))
    assert errors == {"non_field_errors": ["price_min must not be greater than price_max."]}


@pytest.mark.parametrize(("value", "names"), [("true", ["shirt", "smartwatch", "sticker"]), ("false", ["phone"])])
def test_in_stock_filter(api_client, shelves, value, names):
    assert ids(api_client.get(URL, {"in_stock": value})) == sorted(shelves[name].pk for name in names)


@pytest.mark.parametrize("value", ["maybe", "yes", "2"])
def test_in_stock_refuses_anything_but_true_or_false(api_client, shelves, value):
    assert problem_errors(api_client.get(URL, {"in_stock": value})) == {"in_stock": ["Must be true or false."]}


def test_staff_filter_on_is_active(staff_client):
    active, inactive = ProductFactory(), ProductFactory(is_active=False)
    assert ids(staff_client.get(URL, {"is_active": "false"})) == [inactive.pk]
    assert ids(staff_client.get(URL, {"is_active": "true"})) == [active.pk]


@pytest.mark.parametrize("client_name", ["api_client", "customer_client"])
def test_is_active_filter_is_refused_to_non_staff(request, client_name):
    ProductFactory(is_active=False)
    client = request.getfixturevalue(client_name)
    errors = problem_errors(client.get(URL, {"is_active": "false"}))
    assert errors == {"is_active": ["Only staff may filter on is_active."]}


def test_slug_filter_finds_the_product_with_that_slug(api_client, shelves):
    ProductFactory(slug="blue-shirt-xl")
    shirt = ProductFactory(slug="blue-shirt")
    assert ids(api_client.get(URL, {"slug": "blue-shirt"})) == [shirt.pk]
    assert ids(api_client.get(URL, {"slug": "blue"})) == []


def test_search_covers_title_description_and_sku(api_client):
    by_title = ProductFactory(title="Blue backpack")
    by_description = ProductFactory(description="Fits a backpack strap")
    by_sku = ProductFactory(sku="BACKPACK-9")
    ProductFactory(title="Red shirt")
    assert ids(api_client.get(URL, {"search": "backpack"})) == [by_title.pk, by_description.pk, by_sku.pk]


def test_ordering_by_price_then_descending(api_client, shelves):
    ascending = ids(api_client.get(URL, {"ordering": "price"}))
    descending = ids(api_client.get(URL, {"ordering": "-price"}))
    by_price = sorted(Product.objects.all(), key=lambda product: product.price)
    assert ascending == [product.pk for product in by_price]
    assert descending == ascending[::-1]


def test_ordering_by_rating_uses_the_stored_rate(api_client):
    low = ProductFactory(rating_rate=Decimal("2.10"))
    high = ProductFactory(rating_rate=Decimal("4.80"))
    middle = ProductFactory(rating_rate=Decimal("3.00"))
    assert ids(api_client.get(URL, {"ordering": "-rating"})) == [high.pk, middle.pk, low.pk]


def test_ordering_by_several_fields(api_client):
    first = ProductFactory(title="B", stock=1)
    second = ProductFactory(title="A", stock=1)
    third = ProductFactory(title="C", stock=0)
    assert ids(api_client.get(URL, {"ordering": "-stock,title"})) == [second.pk, first.pk, third.pk]


def test_ordering_by_created_at_and_title(api_client):
    older, newer = ProductFactory(title="Zebra"), ProductFactory(title="Aardvark")
    Product.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert ids(api_client.get(URL, {"ordering": "-created_at"})) == [newer.pk, older.pk]
    assert ids(api_client.get(URL, {"ordering": "title"})) == [newer.pk, older.pk]


def test_equal_sort_keys_page_in_a_stable_order(api_client):
    products = [ProductFactory(price=Decimal("5.00")) for _ in range(5)]
    pages = [ids(api_client.get(URL, {"ordering": "price", "page_size": 2, "page": page})) for page in (1, 2, 3)]
    assert [pk for page in pages for pk in page] == [product.pk for product in products]


@pytest.mark.parametrize("value", ["unknown", "rating_rate", "price,-nope", "description"])
def test_unknown_ordering_is_a_validation_problem(api_client, shelves, value):
    errors = problem_errors(api_client.get(URL, {"ordering": value}))
    assert "Unknown ordering field" in errors["ordering"][0]


def test_filters_combine(api_client, shelves):
    query = {"category": "electronics", "in_stock": "true", "price_max": "200", "ordering": "-price"}
    assert ids(api_client.get(URL, query)) == [shelves["smartwatch"].pk]


@pytest.mark.parametrize("page_size", [1, 100])
@pytest.mark.parametrize("client_name", ["api_client", "staff_client"])
def test_product_list_query_count_does_not_grow_with_page_size(
    request, django_assert_max_num_queries, client_name, page_size
):
    client = request.getfixturevalue(client_name)
    categories = [CategoryFactory() for _ in range(3)]
    for _ in range(40):
        ProductImageFactory(product=ProductFactory(categories=categories), is_primary=True)
    # staff: 1 query for the JWT's user, 2 for its permissions (own, groups); then count, page, categories
    # and images prefetches, and category_ids validation
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page_size": page_size, "category_ids": categories[0].pk, "ordering": "-price"})
    results = response.json()["results"]
    assert len(results) == min(page_size, 40)
    assert all(len(item["categories"]) == 3 and len(item["images"]) == 1 for item in results)


def test_product_detail_query_count(api_client, django_assert_max_num_queries):
    product = ProductFactory(categories=[CategoryFactory(), CategoryFactory()])
    ProductImageFactory.create_batch(2, product=product)
    with django_assert_max_num_queries(3):  # the product, its categories, its images
        assert api_client.get(f"{URL}{product.pk}/").status_code == 200


@pytest.mark.parametrize("ordering", ["-price", "price", "-stock", "rating"])
def test_a_search_within_a_category_keeps_the_asked_order(api_client, ordering):
    """On PostgreSQL the order is by an expression no index walks (`product_order_unwalked`): the same order."""
    shoes = CategoryFactory()
    products = [
        ProductFactory(title=f"Oak shoe {n}", price=Decimal(price), stock=stock, categories=[shoes])
        for n, (price, stock) in enumerate([("5.00", 3), ("9.00", 1), ("5.00", 7), ("1.00", 2)])
    ]
    ProductFactory(title="Oak table", price=Decimal("99.00"))  # not in the category
    ProductFactory(title="Pine shoe", price=Decimal("50.00"), categories=[shoes])  # not found
    field = {"price": "price", "stock": "stock", "rating": "rating_rate"}[ordering.lstrip("-")]
    expected = sorted(products, key=lambda p: (getattr(p, field), p.pk), reverse=ordering.startswith("-"))
    response = api_client.get(URL, {"search": "oak", "category": shoes.pk, "ordering": ordering})
    assert ids(response) == [p.pk for p in expected]


def test_a_search_finds_parents_through_many_matching_variants_too(api_client, monkeypatch):
    """Past SEARCH_PARENT_IDS_MAX parents the variants' parents are matched by a subquery instead of ids."""
    from shop.catalog import selectors
    from tests.factories import product_with_variants

    parent, variants = product_with_variants({"size": ["s", "m"]}, title="Shirt")
    Product.objects.filter(pk=variants[0].pk).update(sku="ZEBRA-1")
    for limit in (1000, 0):
        monkeypatch.setattr(selectors, "SEARCH_PARENT_IDS_MAX", limit)
        assert ids(api_client.get(URL, {"search": "zebra"})) == [parent.pk]
