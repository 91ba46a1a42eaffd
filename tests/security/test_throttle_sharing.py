"""Throttles are one count for every worker, and stay on when Redis is down (OWASP API4)."""

import json
import os
import subprocess
import sys
import time

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import URLPattern, URLResolver
from rest_framework.throttling import ScopedRateThrottle

from shop import api_urls
from shop.core.cache import FailoverCache, SharedFileCache
from shop.core.throttling import throttle_cache
from tests.helpers import assert_problem, settings_for

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
WRONG = {"email": "nobody@example.com", "password": "wrong-password"}

# A second worker: the same settings, its own process, two login attempts through the login view's throttles.
SECOND_WORKER = """
import json, django
django.setup()
from rest_framework.test import APIRequestFactory
from shop.accounts.api.auth_views import LoginView
view = LoginView()
request = view.initialize_request(APIRequestFactory().post("/api/v1/auth/login/", REMOTE_ADDR="10.9.9.9"))
print(json.dumps([all(t.allow_request(request, view) for t in view.get_throttles()) for _ in range(2)]))
"""


@pytest.fixture
def auth_rate_two_per_minute(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "auth": "2/min"})


@pytest.fixture
def shared_caches(tmp_path):
    """The caches settings.py makes without Redis, counting in a directory of this test's own."""
    caches = settings_for(THROTTLE_CACHE_DIR=str(tmp_path / "throttle"))["CACHES"]
    with override_settings(CACHES=caches):
        yield tmp_path / "throttle"


def test_a_second_worker_process_counts_toward_the_same_login_limit(
    api_client, shared_caches, auth_rate_two_per_minute
):
    env = {**os.environ, "THROTTLE_AUTH": "2/min", "THROTTLE_CACHE_DIR": str(shared_caches)}
    env.pop("REDIS_URL", None)
    worker = subprocess.run(  # noqa: S603 - our own script, run with this interpreter
        [sys.executable, "-c", SECOND_WORKER],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert json.loads(worker.stdout) == [True, True]
    assert_problem(api_client.post(LOGIN, WRONG, REMOTE_ADDR="10.9.9.9"), 429, "throttled")
    assert api_client.post(LOGIN, WRONG, REMOTE_ADDR="10.9.9.8").status_code == 401  # another client


def test_two_instances_of_the_file_cache_share_one_counter(tmp_path):
    params = {"OPTIONS": {"MAX_ENTRIES": 100, "CULL_EVERY": 1}}
    first, second = SharedFileCache(str(tmp_path), params), SharedFileCache(str(tmp_path), params)
    first.set("throttle_auth_10.0.0.1", [1.0, 2.0], 60)
    assert second.get("throttle_auth_10.0.0.1") == [1.0, 2.0]
    second.set("throttle_auth_10.0.0.1", [1.0, 2.0, 3.0], 60)
    assert first.get("throttle_auth_10.0.0.1") == [1.0, 2.0, 3.0]


def test_the_cull_removes_expired_counters_and_keeps_live_ones(tmp_path):
    cache = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 1000, "CULL_EVERY": 1}})
    cache.set("old", [1], 10)
    cache.set("live", [2], 600)
    with time_machine.travel(time.time() + 60):
        cache.set("new", [3], 600)  # CULL_EVERY=1: this write culls
        assert len(cache._list_cache_files()) == 2
        assert (cache.get("live"), cache.get("new")) == ([2], [3])


@pytest.mark.parametrize("path", [LOGIN, "/api/v1/auth/register/", "/api/v1/auth/password/reset/"])
def test_with_redis_unreachable_the_auth_throttle_still_refuses(api_client, tmp_path, auth_rate_two_per_minute, path):
    caches = settings_for(REDIS_URL="redis://127.0.0.1:1/2", THROTTLE_CACHE_DIR=str(tmp_path))["CACHES"]
    with override_settings(CACHES=caches):
        for _ in range(2):
            assert api_client.post(path, WRONG).status_code != 429
        assert_problem(api_client.post(path, WRONG), 429, "throttled")


def test_the_failover_cache_goes_back_to_redis_once_it_answers(tmp_path, monkeypatch):
    caches = settings_for(REDIS_URL="redis://127.0.0.1:1/2", THROTTLE_CACHE_DIR=str(tmp_path))["CACHES"]
    with override_settings(CACHES=caches):
        throttle_cache.set("k", "local", 60)  # Redis refused: the file cache holds it
        assert throttle_cache.get("k") == "local"
        monkeypatch.setitem(FailoverCache._down_until, "throttle-redis", 0.0)  # the retry interval is over
        calls = []
        monkeypatch.setattr(
            "django_redis.cache.RedisCache.get", lambda self, *args, **kwargs: calls.append(args) or "from redis"
        )
        assert throttle_cache.get("k") == "from redis"
        assert calls


def _views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            view = getattr(callback, "cls", None) or callback.view_class
            yield pattern.name, callback.initkwargs.get("throttle_classes", view.throttle_classes)


def test_every_api_view_counts_in_the_shared_throttle_cache():
    for name, throttles in _views(api_urls.urlpatterns):
        for throttle in throttles:
            assert throttle.cache is throttle_cache, (name, throttle)
