import pytest

from tests.factories import ProductFactory
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
