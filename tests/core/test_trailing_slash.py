"""Every /api/ route answers the same with and without its trailing slash, and never redirects."""

import pytest
from django.contrib.admindocs.views import simplify_regex
from django.urls import URLResolver, get_resolver

from shop.catalog.models import Product
from tests.factories import CategoryFactory, ProductFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

REDIRECTS = (301, 302, 303, 307, 308)


def walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        else:
            yield route


def api_paths() -> list[str]:
    """Every route under /api/, with its parameters filled in (`<pk>` -> an id that names nothing)."""
    paths = set()
    for route in walk(get_resolver().url_patterns):
        path = simplify_regex(route)
        if path.startswith("/api/"):
            paths.add(_fill_parameters(path))
    return sorted(paths)


def _fill_parameters(path: str) -> str:
    parts = ["999999" if part.startswith("<") else part for part in path.split("/")]
    return "/".join(parts)


API_PATHS = api_paths()


def test_the_route_list_covers_the_api():
    assert len(API_PATHS) > 25
    assert {"/api/v1/products/", "/api/v1/auth/login/", "/api/v1/carts/999999/checkout/"} <= set(API_PATHS)
    assert all(path.endswith("/") for path in API_PATHS)


@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
@pytest.mark.parametrize("path", API_PATHS)
def test_every_api_route_answers_the_same_without_its_trailing_slash(api_client, path, method):
    call = getattr(api_client, method)
    kwargs = {} if method in ("get", "delete") else {"data": {}, "format": "json"}
    with_slash = call(path, **kwargs)
    without = call(path.rstrip("/"), **kwargs)
    assert without.status_code not in REDIRECTS, without.get("Location")
    assert without.status_code < 500, without.content
    assert (without.status_code, without["Content-Type"]) == (with_slash.status_code, with_slash["Content-Type"])
    if "json" in with_slash["Content-Type"]:  # the docs pages carry a fresh CSRF token each time
        assert without.content == with_slash.content


def test_a_slashless_post_creates_with_its_body_even_in_debug(staff_client, settings):
    settings.DEBUG = True  # CommonMiddleware raises on a slashless POST in DEBUG
    category = CategoryFactory()
    body = {"sku": "NS-1", "slug": "no-slash", "title": "No slash", "price": "3.50", "categories": [category.pk]}
    response = staff_client.post("/api/v1/products", body, format="json")
    assert response.status_code == 201, response.content
    product = Product.objects.get(sku="NS-1")
    assert list(product.categories.all()) == [category]


def test_slashless_patch_and_delete_of_one_object(staff_client, product):
    patched = staff_client.patch(f"/api/v1/products/{product.pk}", {"title": "Renamed"}, format="json")
    assert (patched.status_code, patched.json()["title"]) == (200, "Renamed")
    assert staff_client.delete(f"/api/v1/products/{product.pk}").status_code == 204


def test_list_links_name_the_canonical_path(api_client, product):
    ProductFactory()
    body = api_client.get("/api/v1/products", {"page_size": 1}).json()
    assert body["next"].startswith("http://testserver/api/v1/products/?")


def test_an_unknown_slashless_api_path_is_a_not_found_problem(api_client):
    assert_problem(api_client.post("/api/v1/no-such-thing", {}, format="json"), 404, "not_found")


def test_paths_outside_the_api_keep_djangos_slash_redirect(client):
    response = client.get("/admin")
    assert (response.status_code, response["Location"]) == (301, "/admin/")
