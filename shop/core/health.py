"""Liveness and readiness probes, outside /api/ so load balancers need no auth or throttling."""

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shop.celery import app


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        check()
        state = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the reason is reported
        return {"status": "error", "error": type(exc).__name__, "latency_ms": _ms_since(started)}
    return {"status": state, "latency_ms": _ms_since(started)}


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value written")
    cache.delete(key)


def _check_broker():
    """Connects to the broker (for Redis: a PING). Only when one is configured."""
    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=0)


@never_cache
@require_GET
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    checks = {"database": _timed(_check_database), "cache": _timed(_check_cache)}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _timed(_check_broker)
    healthy = all(check["status"] == "ok" for check in checks.values())
    body = {"status": "ok" if healthy else "degraded", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)
