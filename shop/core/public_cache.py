"""A cache of the public, anonymous GET answers (the catalog reads), behind one version that every write bumps.

Which requests: GETs whose path matches `settings.PUBLIC_CACHE_PATHS`, from callers that carry no credentials
(no `Authorization` header, no `X-Session-Id`, no session cookie); everything else goes through the whole stack.
A hit skips sessions, authentication, DRF and the database, but still counts against the anonymous throttle.

Key: the version, scheme and host (image URLs are absolute), path, query (parameters sorted), `Accept`,
`Accept-Language`, the language cookie and the active language — everything the answer depends on.
Stored: status, body and headers; the outer middleware (trace id, CORS, security headers) add theirs on a hit
as on a miss. Only 200 answers without cookies are stored, for `CATALOG_CACHE_SECONDS` (0: no caching).

The version is a random token in the `public` cache (settings.CACHES): Redis when configured, else the file
cache every worker of the machine shares. `changed()` replaces it — right away, and again once the transaction
commits, so that an answer cached meanwhile from the data before the commit is never read either. The next
request after any write therefore misses. Writers call it through signals (saves, deletes, relation changes)
and `TrackedQuerySet` (`update()`, `bulk_create()`, `bulk_update()`: no signals); raw SQL must call it itself.
When the cache fails (Redis down), requests bypass it; a cache that is not shared by the workers (local memory)
is never used, as one worker's bump would not reach the others.
"""

import logging
import secrets
from contextlib import suppress
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.exceptions import DisallowedHost
from django.db import connection, models, transaction
from django.http import HttpResponse
from django.utils.translation import get_language
from django_redis.cache import RedisCache

from shop.core.cache import PRIMARY_FAILURES

logger = logging.getLogger("shop.cache")

ALIAS = "public"
VERSION_KEY = "public:version"
HEADER = "X-Public-Cache"  # hit / miss: what the cache did with this request
#: Headers the outer middleware set again on every answer: never stored.
NOT_STORED = frozenset({"x-request-id", "set-cookie"})
SHARED_BACKENDS = (RedisCache, FileBasedCache)


def enabled() -> bool:
    """Caching is on: a lifetime is set and the version lives in a cache that every worker shares."""
    return settings.CATALOG_CACHE_SECONDS > 0 and ALIAS in settings.CACHES and _shared(caches[ALIAS])


def _shared(cache) -> bool:
    return isinstance(cache, SHARED_BACKENDS)


def changed() -> None:
    """Something public answers show has changed: no answer cached before is served again. Inside a
    transaction the version is replaced now and once more when it commits (once per transaction)."""
    if not enabled():
        return
    if not connection.in_atomic_block:
        _bump()
        return
    # Django replaces the list of commit hooks whenever it drops hooks (commit, rollback, savepoint rollback):
    # while it is the list our hook was added to, the hook is still there.
    if getattr(connection, "_public_cache_hooks", None) is connection.run_on_commit:
        return  # bumped already in this transaction; its commit bumps again
    _bump()
    transaction.on_commit(_bump)
    connection._public_cache_hooks = connection.run_on_commit


def _bump() -> None:
    try:
        caches[ALIAS].set(VERSION_KEY, secrets.token_hex(8), None)
    except PRIMARY_FAILURES as exc:  # the answers cached meanwhile age out after CATALOG_CACHE_SECONDS
        logger.error("public cache version not bumped (%s): cached answers may be stale", exc.__class__.__name__)


def _version(cache) -> str:
    version = cache.get(VERSION_KEY)
    if version is None:  # first use, or evicted: a new token, which no stored answer has
        cache.add(VERSION_KEY, secrets.token_hex(8), None)
        version = cache.get(VERSION_KEY)
    return version


def _cacheable(request) -> bool:
    meta = request.META
    return (
        request.method == "GET"
        and "HTTP_AUTHORIZATION" not in meta
        and "HTTP_X_SESSION_ID" not in meta
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and settings.PUBLIC_CACHE_PATHS.match(request.path_info) is not None
    )


def _key(request, version: str) -> str:
    meta = request.META
    query = "&".join(sorted(request.META.get("QUERY_STRING", "").split("&")))
    parts = (
        version,
        request.scheme,
        request.get_host(),
        request.path_info,
        query,
        meta.get("HTTP_ACCEPT", ""),
        meta.get("HTTP_ACCEPT_LANGUAGE", ""),
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
        get_language() or "",
    )
    return "public:" + "|".join(parts)


def _anon_throttle_allows(request) -> bool:
    from shop.core.throttling import AnonRateThrottle

    throttle = AnonRateThrottle()
    return throttle.allow_request(SimpleNamespace(user=None, META=request.META, headers=request.headers), None)


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
        and "private" not in response.get("Cache-Control", "")
    )


def _entry(response) -> tuple:
    headers = [(name, value) for name, value in response.items() if name.lower() not in NOT_STORED]
    return response.status_code, response.content, headers


def _response(entry) -> HttpResponse:
    status, content, headers = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


class PublicCacheMiddleware:
    """Answers cacheable requests from the `public` cache; sits after the middleware that set headers on every
    answer (trace id, CORS, security) and before sessions and authentication, which a hit skips."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (_cacheable(request) and enabled()):
            return self.get_response(request)
        cache = caches[ALIAS]
        try:
            key = _key(request, _version(cache))
            entry = cache.get(key)
        except DisallowedHost:
            return self.get_response(request)  # the stack answers it (400)
        except PRIMARY_FAILURES as exc:
            logger.warning("public cache unavailable (%s): answering uncached", exc.__class__.__name__)
            return self.get_response(request)
        if entry is not None and _anon_throttle_allows(request):
            response = _response(entry)
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if entry is None and _storable(response):
            with suppress(PRIMARY_FAILURES):
                cache.set(key, _entry(response), settings.CATALOG_CACHE_SECONDS)
            response[HEADER] = "miss"
        return response


class TrackedQuerySet(models.QuerySet):
    """A model's writes that send no signals (`update()`, `bulk_create()`, `bulk_update()`) call `changed()`."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            changed()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            changed()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows:
            changed()
        return rows
