"""The catalog API against the FakeStore fixtures the project ships (fixtures/*.json)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from shop.catalog.models import Product

pytestmark = pytest.mark.django_db

FIXTURES = [str(Path(settings.BASE_DIR) / "fixtures" / name) for name in ("categories.json", "products.json")]


@pytest.fixture
def seeded_catalog():
    call_command("loaddata", *FIXTURES, verbosity=0)


def test_seeded_product_reads_as_in_the_contract(api_client, seeded_catalog):
    body = api_client.get("/api/v1/products/1/").json()
    assert (body["sku"], body["price"]) == ("FS-0001", "109.95")
    assert body["categories"] == [{"id": 3, "slug": "mens-clothing", "name": "men's clothing"}]
    assert body["rating"] == {"rate": "3.90", "count": 120}


def test_rating_a_seeded_product_keeps_its_stored_summary(customer_client, seeded_catalog):
    response = customer_client.post("/api/v1/products/1/rating/", {"value": 5}, format="json")
    assert response.json() == {"rate": "3.91", "count": 121, "mine": 5}
    assert customer_client.delete("/api/v1/products/1/rating/").status_code == 204
    product = Product.objects.get(pk=1)
    assert (str(product.rating_rate), product.rating_count) == ("3.90", 120)


def test_seeded_category_filter_by_slug(api_client, seeded_catalog):
    body = api_client.get("/api/v1/products/", {"category": "electronics", "page_size": 100}).json()
    expected = Product.objects.filter(categories__slug="electronics", is_active=True).count()
    assert body["count"] == expected > 0
