import pytest
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
