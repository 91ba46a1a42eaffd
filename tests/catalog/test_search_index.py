"""The product search answers from its index (shop/catalog/search.py) with DRF's `icontains` semantics: every
term occurs, case-insensitively, in the title, description or sku; the same results on both databases."""

import pytest
from django.core.management import call_command
from django.db import connection

from shop.catalog import search
from shop.catalog.models import Product
from shop.catalog.selectors import product_search
from shop.catalog.services import product_update
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"


def found(api_client, text: str) -> list[int]:
    response = api_client.get(URL, {"search": text})
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def products():
    return {
        "canvas": ProductFactory(title="Canvas Tote", description="Sturdy bag.", sku="TOTE-1"),
        "linen": ProductFactory(title="Shirt", description="Made of LINEN and canvas trim.", sku="SH-2"),
        "sku": ProductFactory(title="Lamp", description="", sku="CANVAS-77", stock=0),  # no history: deletable
        "other": ProductFactory(title="Mug", description="Ceramic.", sku="MUG-3"),
    }


def test_a_term_matches_title_description_or_sku_in_any_case(api_client, products):
    expected = [products["canvas"].pk, products["linen"].pk, products["sku"].pk]
    assert found(api_client, "CaNvAs") == expected


def test_every_term_must_match(api_client, products):
    assert found(api_client, "canvas linen") == [products["linen"].pk]
    assert found(api_client, "canvas,tote") == [products["canvas"].pk]


def test_a_term_matches_inside_words(api_client, products):
    assert found(api_client, "anva") == [products["canvas"].pk, products["linen"].pk, products["sku"].pk]
    assert found(api_client, "s-7") == [products["sku"].pk]


def test_short_terms_match_too(api_client, products):
    """Under three characters the trigram index cannot answer; the search still does."""
    assert found(api_client, "mu") == [products["other"].pk]
    assert found(api_client, "g-") == [products["other"].pk]


def test_quoted_phrases_and_quotes_in_terms_are_plain_text(api_client, products):
    with_quotes = ProductFactory(title='The "quoted" one', sku="Q-1")
    quoted = ProductFactory(title="Left AND right", sku="Q-2")
    assert found(api_client, '"left and right"') == [quoted.pk]
    assert found(api_client, 'd" o') == [with_quotes.pk]
    assert found(api_client, "OR") == []
    assert found(api_client, "*") == []


def test_a_renamed_product_is_found_by_its_new_title_only(api_client, products):
    product_update(product=products["linen"], title="Blouse", by=None)
    assert found(api_client, "blouse") == [products["linen"].pk]
    assert found(api_client, "shirt") == []


def test_a_deleted_product_leaves_the_index(api_client, products):
    Product.objects.filter(pk=products["sku"].pk).delete()
    assert found(api_client, "canvas") == [products["canvas"].pk, products["linen"].pk]


def test_bulk_writes_reach_the_index(api_client, products):
    Product.objects.filter(pk=products["other"].pk).update(description="Now with canvas")
    Product.objects.bulk_create([ProductFactory.build(title="Canvas chair", sku="CH-1", slug="canvas-chair")])
    chair = Product.objects.get(sku="CH-1")
    assert found(api_client, "canvas") == sorted([*(product.pk for product in products.values()), chair.pk])


def test_search_combines_with_filters_and_ordering(api_client, products):
    response = api_client.get(URL, {"search": "canvas", "ordering": "-title", "page_size": 2})
    body = response.json()
    assert body["count"] == 3
    assert [item["id"] for item in body["results"]] == [products["linen"].pk, products["sku"].pk]  # Shirt, Lamp


def test_search_fields_through_a_relation_match_too_without_duplicates(products):
    kitchen = CategoryFactory(name="Kitchen things")
    mug, lamp = products["other"], products["sku"]
    mug.categories.set([kitchen, CategoryFactory(name="Kitchen extras")])
    fields = (*search.FIELDS, "categories__name")
    assert list(product_search(Product.objects.all(), ["kitchen"], fields=fields)) == [mug]
    assert list(product_search(Product.objects.all(), ["kitchen", "lamp"], fields=fields)) == []
    assert list(product_search(Product.objects.all(), ["canvas"], fields=fields).order_by("pk"))[-1] == lamp


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the triggers are SQLite's")
def test_migrate_puts_back_triggers_that_a_table_rebuild_dropped(api_client, products):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {search.FTS_TABLE}_update")
    Product.objects.filter(pk=products["other"].pk).update(title="Canvas mug")  # missed by the index
    call_command("migrate", "catalog", verbosity=0)
    assert products["other"].pk in found(api_client, "canvas")
    product_update(product=products["other"], title="Plain mug", by=None)
    assert products["other"].pk not in found(api_client, "canvas")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram indexes are PostgreSQL's")
def test_the_search_query_can_use_the_trigram_indexes(products):
    queryset = Product.objects.filter(search.matches("canvas")).order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert all(name in plan for name in search.postgres_indexes(search.columns())), plan
