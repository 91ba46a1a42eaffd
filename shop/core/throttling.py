"""DRF's throttles, counting in the `throttle` cache instead of the default one.

The default cache is per process without Redis (local memory) and goes silent when Redis is down; the
`throttle` cache (settings.CACHES) is shared by every worker of a machine without Redis (a file cache)
and falls back to that file cache when Redis fails (`shop.core.cache.FailoverCache`). Every view names
these classes, never `rest_framework.throttling`'s, so that a limit is one limit, not one per worker.
"""

from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from rest_framework import throttling

THROTTLE_CACHE_ALIAS = "throttle"
throttle_cache = ConnectionProxy(caches, THROTTLE_CACHE_ALIAS)


class AnonRateThrottle(throttling.AnonRateThrottle):
    cache = throttle_cache


class UserRateThrottle(throttling.UserRateThrottle):
    """Counts authenticated users only: DRF's also counts anonymous callers by address, a second cache write
    per request that the anon scope already makes (anonymous callers are limited by the anon rate alone)."""

    cache = throttle_cache

    def get_cache_key(self, request, view):
        return super().get_cache_key(request, view) if request.user and request.user.is_authenticated else None


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    cache = throttle_cache


class SecondScopeRateThrottle(ScopedRateThrottle):
    """A second scope for one view (`second_throttle_scope`), counted apart from its `throttle_scope`."""

    scope_attr = "second_throttle_scope"


def client_ip(request) -> str:
    """The caller's address exactly as the throttles see it (settings NUM_PROXIES), also for the login
    lock-out, so both limit the same client."""
    return throttling.BaseThrottle().get_ident(request)
