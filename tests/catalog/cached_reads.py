"""Reading the catalog as an anonymous caller with the public cache on (shop/core/public_cache.py)."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from shop.core.public_cache import HEADER


@pytest.fixture
def cache_on(settings):
    """The public cache on (the suite runs with it off, see tests/conftest.py) and empty."""
    settings.CATALOG_CACHE_SECONDS = 60
    caches["public"].clear()
    yield
    caches["public"].clear()


def anonymous_get(path: str, **headers):
    response = APIClient().get(path, **headers)
    return response


def read(path: str):
    """The anonymous answer's body (200 expected)."""
    response = anonymous_get(path)
    assert response.status_code == 200, response.content
    return response.json()


def warm(*paths: str) -> None:
    """Each path read twice: the second answer comes from the cache, so what follows tests invalidation."""
    for path in paths:
        read(path)
        response = anonymous_get(path)
        assert response.status_code == 200 and response[HEADER] == "hit", path


def detail(product) -> str:
    return f"/api/v1/products/{product.pk}/"


def listed(body) -> dict:
    """{id: document} of a list page."""
    return {item["id"]: item for item in body["results"]}


LIST = "/api/v1/products/"
CATEGORIES = "/api/v1/categories/"
ATTRIBUTES = "/api/v1/attributes/"
