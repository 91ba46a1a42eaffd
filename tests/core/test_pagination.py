from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.core import pagination
from tests.factories import CategoryFactory, ProductFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"


@pytest.fixture
def many_products():
    return [ProductFactory() for _ in range(105)]


def test_default_page_has_twenty_items_and_links(api_client, many_products):
    body = api_client.get(URL).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert (body["count"], len(body["results"]), body["previous"]) == (105, 20, None)
    assert "page=2" in body["next"]


def test_page_size_is_honoured(api_client, many_products):
    body = api_client.get(URL, {"page_size": 7, "page": 2}).json()
    assert [item["id"] for item in body["results"]] == [product.pk for product in many_products[7:14]]


@pytest.mark.parametrize("name", ["page_size", "limit"])
@pytest.mark.parametrize("value", ["0", "-3", "abc", ""])
def test_page_size_below_one_or_not_a_number_is_a_validation_problem(api_client, many_products, name, value):
    body = assert_problem(api_client.get(URL, {name: value}), 400, "validation_error")
    assert name in body["errors"]


@pytest.mark.parametrize("name", ["page_size", "limit"])
def test_page_size_above_the_maximum_is_clamped_to_100(api_client, many_products, name):
    body = api_client.get(URL, {name: 101}).json()
    assert len(body["results"]) == 100
    assert body["next"] is not None


def test_limit_is_an_alias_of_page_size(api_client, many_products):
    body = api_client.get(URL, {"limit": 3}).json()
    assert len(body["results"]) == 3
    assert "page=2" in body["next"]


def test_last_page_has_no_next_link(api_client, many_products):
    body = api_client.get(URL, {"page_size": 50, "page": 3}).json()
    assert (len(body["results"]), body["next"]) == (5, None)


def test_a_page_past_the_end_is_a_not_found_problem(api_client, many_products):
    assert_problem(api_client.get(URL, {"page": "99"}), 404, "not_found")


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "", "last-but-one"])
def test_a_page_that_is_not_a_whole_number_from_one_is_a_validation_problem(api_client, many_products, page):
    body = assert_problem(api_client.get(URL, {"page": page}), 400, "validation_error")
    assert "page" in body["errors"]


def test_page_last_is_the_last_page(api_client, many_products):
    body = api_client.get(URL, {"page_size": 50, "page": "last"}).json()
    assert (len(body["results"]), body["next"]) == (5, None)


def test_an_empty_list_has_one_empty_page(api_client):
    body = api_client.get(URL).json()
    assert (body["count"], body["results"]) == (0, [])


@pytest.fixture
def deferred_from_ten(monkeypatch):
    monkeypatch.setattr(pagination, "DEFERRED_FROM", 10)


def _pages(api_client, query: dict, size: int = 7) -> list[list[int]]:
    pages, page = [], 1
    while True:
        response = api_client.get(URL, {**query, "page_size": size, "page": page})
        if response.status_code == 404:
            return pages
        pages.append([item["id"] for item in response.json()["results"]])
        page += 1


@pytest.mark.parametrize(
    "query", [{}, {"ordering": "-price"}, {"ordering": "title,-stock"}, {"search": "deep", "ordering": "price"}]
)
def test_deep_pages_read_ids_first_and_give_the_same_rows(api_client, monkeypatch, query):
    for n in range(40):
        ProductFactory(price=Decimal(n % 7), title=f"{'deep' if n % 3 else 'flat'} {n % 5}", stock=n % 4)
    shallow = _pages(api_client, query)
    monkeypatch.setattr(pagination, "DEFERRED_FROM", 10)
    deferred = _pages(api_client, query)
    assert deferred == shallow
    assert len({pk for page in deferred for pk in page}) == sum(map(len, deferred))  # no row twice


def test_a_deep_page_costs_one_query_more_whatever_its_size(api_client, many_products, deferred_from_ten):
    with CaptureQueriesContext(connection) as shallow_queries:  # count, rows and the list's prefetches
        shallow = api_client.get(URL, {"page_size": 5, "page": 1})
    assert shallow.status_code == 200
    for size in (5, 50):
        with CaptureQueriesContext(connection) as deep_queries:  # the same, and the page's ids first
            deep = api_client.get(URL, {"page_size": size, "page": 2})
        assert len(deep.json()["results"]) == size
        assert len(deep_queries) <= len(shallow_queries) + 1


def test_a_deep_page_keeps_the_prefetched_categories(api_client, monkeypatch):
    categories = [CategoryFactory(), CategoryFactory()]
    for n in range(12):
        ProductFactory(categories=categories[: n % 3])
    shallow = api_client.get(URL, {"page_size": 10, "page": 2}).json()
    monkeypatch.setattr(pagination, "DEFERRED_FROM", 10)
    deferred = api_client.get(URL, {"page_size": 10, "page": 2}).json()
    assert deferred == shallow
    assert [len(item["categories"]) for item in deferred["results"]] == [1, 2]
