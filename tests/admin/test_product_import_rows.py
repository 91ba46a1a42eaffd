"""The product import validates a whole file in a few queries and still reports each bad row."""

import pytest
import tablib

from shop.catalog.models import Product
from shop.catalog.resources import ProductResource
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

HEADERS = ("sku", "slug", "title", "description", "price", "image", "stock", "is_active", "categories")


def rows(*rows) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=HEADERS)


def row(sku, slug=None, categories="", stock="1"):
    return (sku, slug or sku.lower(), f"Title {sku}", "", "1.00", "", stock, "1", categories)


def run(data, dry_run=True):
    return ProductResource().import_data(
        data, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )


def errors(result) -> dict[int, dict]:
    return {r.number: {k: [str(m) for m in v] for k, v in r.error_dict.items()} for r in result.invalid_rows}


def test_a_sku_twice_in_the_file_is_an_error_of_its_second_row():
    result = run(rows(row("A"), row("B"), row("A", slug="a-again")))
    assert errors(result) == {3: {"sku": ["Row 1 of this file has the same sku."]}}


def test_a_slug_held_by_another_product_is_the_rows_error():
    ProductFactory(sku="OTHER", slug="taken")
    result = run(rows(row("A", slug="taken")))
    assert errors(result) == {1: {"slug": ["Product with this Slug already exists."]}}


def test_an_existing_product_keeps_its_own_slug():
    ProductFactory(sku="A", slug="a")
    result = run(rows(row("A", stock="5")), dry_run=False)
    assert not result.has_validation_errors()
    assert Product.objects.get(sku="A").stock == 5


@pytest.mark.parametrize("count", [10, 60])
def test_validating_and_writing_a_file_takes_the_same_queries_whatever_its_length(count, django_assert_max_num_queries):
    shoes = CategoryFactory(slug="shoes")
    ProductFactory.create_batch(count, categories=[shoes])
    existing = [(p.sku, p.slug, "New title", "", "2.00", "", "3", "1", "shoes") for p in Product.objects.all()]
    data = rows(*existing, *(row(f"N{n}", categories="shoes") for n in range(count)))
    with django_assert_max_num_queries(40):
        result = run(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Product.objects.filter(title="New title", stock=3).count() == count
