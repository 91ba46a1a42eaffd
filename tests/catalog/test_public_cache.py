"""The public cache's rules: who is served from it, what its key holds, which headers a hit carries, and that it
answers uncached rather than stale when it cannot be trusted. The write paths: test_public_cache_writes.py."""

import pytest
from django.core.cache import caches
from django_redis.exceptions import ConnectionInterrupted
from rest_framework.throttling import SimpleRateThrottle

from shop.core.public_cache import HEADER
from tests.catalog.cached_reads import LIST, anonymous_get, cache_on, detail, read, warm  # noqa: F401 - a fixture
from tests.conftest import client_for
from tests.factories import ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]


def test_a_hit_answers_the_same_document_with_fresh_trace_id_and_cors_headers(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://shop.example.com"]
    product = ProductFactory()
    miss = anonymous_get(detail(product), HTTP_ORIGIN="https://shop.example.com", HTTP_X_REQUEST_ID="abcdef123456")
    hit = anonymous_get(detail(product), HTTP_ORIGIN="https://shop.example.com", HTTP_X_REQUEST_ID="fedcba654321")
    assert (miss[HEADER], hit[HEADER]) == ("miss", "hit")
    assert hit.content == miss.content and hit["Content-Type"] == miss["Content-Type"] == "application/json"
    assert (miss["X-Request-ID"], hit["X-Request-ID"]) == ("abcdef123456", "fedcba654321")
    assert hit["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert hit["X-Content-Type-Options"] == "nosniff" and hit["X-Frame-Options"] == "DENY"
    assert hit["Vary"] == miss["Vary"]


def test_callers_with_credentials_a_cart_session_or_a_session_cookie_are_never_served_from_it(staff):
    hidden = ProductFactory(is_active=False)
    warm(LIST)
    staff_answer = client_for(staff).get(LIST)
    assert HEADER not in staff_answer and hidden.pk in [p["id"] for p in staff_answer.json()["results"]]
    assert HEADER not in anonymous_get(LIST, HTTP_X_SESSION_ID="a" * 32)
    assert HEADER not in anonymous_get(LIST, HTTP_COOKIE="sessionid=abc")


def test_the_key_holds_the_query_the_languages_the_accept_header_and_the_host():
    ProductFactory.create_batch(3)
    warm(f"{LIST}?page=1&page_size=2")
    assert anonymous_get(f"{LIST}?page_size=2&page=1")[HEADER] == "hit"
    assert anonymous_get(f"{LIST}?page=1&page_size=1")[HEADER] == "miss"
    assert anonymous_get(f"{LIST}?page=1&page_size=2", HTTP_ACCEPT_LANGUAGE="de")[HEADER] == "miss"
    assert anonymous_get(f"{LIST}?page=1&page_size=2&lang=de")[HEADER] == "miss"
    assert anonymous_get(f"{LIST}?page=1&page_size=2", HTTP_COOKIE="django_language=de")[HEADER] == "miss"
    assert anonymous_get(f"{LIST}?page=1&page_size=2", HTTP_ACCEPT="application/problem+json")[HEADER] == "miss"
    assert anonymous_get(f"{LIST}?page=1&page_size=2", HTTP_HOST="localhost")[HEADER] == "miss"


def test_only_successful_answers_are_stored():
    assert anonymous_get("/api/v1/products/999999/").status_code == 404
    assert HEADER not in anonymous_get("/api/v1/products/999999/")
    assert anonymous_get(f"{LIST}?ordering=nonsense").status_code == 400
    assert HEADER not in anonymous_get(f"{LIST}?ordering=nonsense")


def test_other_paths_are_not_cached():
    product = ProductFactory()
    assert HEADER not in anonymous_get(f"{detail(product)}reviews/")
    assert HEADER not in anonymous_get("/fakestore/products")


def test_zero_seconds_turns_it_off(settings):
    settings.CATALOG_CACHE_SECONDS = 0
    ProductFactory()
    read(LIST)
    assert HEADER not in anonymous_get(LIST)


def test_a_cache_the_workers_do_not_share_is_not_used(settings):
    settings.CACHES = {**settings.CACHES, "public": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ProductFactory()
    read(LIST)
    assert HEADER not in anonymous_get(LIST)


def test_a_failing_cache_answers_uncached(monkeypatch):
    ProductFactory()
    warm(LIST)

    def down(*args, **kwargs):
        raise ConnectionInterrupted(connection=None)

    monkeypatch.setattr(caches["public"], "get", down)
    response = anonymous_get(LIST)
    assert response.status_code == 200 and HEADER not in response


def test_hits_still_count_against_the_anonymous_rate(monkeypatch):
    ProductFactory()
    warm(LIST)  # two requests
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/min")
    caches["throttle"].clear()
    statuses = [anonymous_get(LIST).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize("asked", [{"HTTP_ACCEPT_LANGUAGE": "tr"}, {}])
def test_a_hit_names_the_language_of_its_answer_as_the_miss_did(asked):
    product = ProductFactory()
    miss = anonymous_get(detail(product), **asked)
    hit = anonymous_get(detail(product), **asked)
    assert (miss[HEADER], hit[HEADER]) == ("miss", "hit")
    assert hit["Content-Language"] == miss["Content-Language"] and hit.content == miss.content
    other = anonymous_get(f"{detail(product)}?lang={'en' if asked else 'tr'}")
    assert other[HEADER] == "miss" and other["Content-Language"]
