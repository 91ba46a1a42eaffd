import pytest
import redis
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_live_answers_ok(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_reports_database_and_cache_with_latency(client):
    response = client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache"}
    assert all(check["status"] == "ok" and check["latency_ms"] >= 0 for check in body["checks"].values())


def test_ready_is_503_when_the_database_is_unreachable(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", unreachable)
    response = client.get("/health/ready")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["status"] == "error"
    assert body["checks"]["cache"]["status"] == "ok"


def test_ready_is_503_when_the_cache_fails(client, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["status"] == "error"


def _redis_or_skip(url):
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"needs Redis at {url}")


def test_ready_reports_the_broker_when_one_is_configured(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/7"
    _redis_or_skip(settings.CELERY_BROKER_URL)
    response = client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert body["checks"]["broker"]["status"] == "ok"
    assert body["checks"]["broker"]["latency_ms"] >= 0


def test_ready_is_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/7"  # nothing listens on port 1
    response = client.get("/health/ready")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["status"] == "error"
    assert body["checks"]["broker"]["error"] == "OperationalError"
    assert body["checks"]["database"]["status"] == body["checks"]["cache"]["status"] == "ok"
