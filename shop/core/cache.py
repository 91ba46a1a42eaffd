"""The throttle counters' caches: shared by every worker, and never dark.

`SharedFileCache` (without Redis): Django's file cache, one directory that every worker process of a
machine reads and writes, so a limit is one limit rather than one per worker. Two costs of Django's
version are cut, as every API request writes a counter: it lists the whole directory on every write (tens
of milliseconds with a few thousand clients), here about one write in `CULL_EVERY` does, expired entries
first; and it renames the new file over the old one, which ext4 answers with a flush to disk (about 2 ms),
here the old file is removed first (a reader in that instant sees a miss: one request not counted).

The default cache may treat a Redis outage as a miss (django-redis `IGNORE_EXCEPTIONS`), which is right for
cached pages but turns every throttle off: a count that always reads as zero never refuses anyone.
`FailoverCache` sends each call to its primary (Redis, with exceptions on) and, when that fails, to its
fallback (the file cache the workers of one machine share), so the limits keep counting, per machine,
until Redis answers again. After a failure the primary is left alone for `RETRY_SECONDS`, so an outage
costs one connection timeout per process per interval instead of one per call.

    CACHES["throttle"] = {"BACKEND": "shop.core.cache.FailoverCache",
                          "OPTIONS": {"PRIMARY": "throttle-redis", "FALLBACK": "throttle-local"}}
"""

import logging
import os
import random
import tempfile
import time
from contextlib import suppress

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger("shop.cache")

#: What "the primary is unreachable" looks like: django-redis wraps redis-py's errors; sockets raise OSError.
PRIMARY_FAILURES = (ConnectionInterrupted, RedisError, OSError)


class SharedFileCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._cull_every = int(params.get("OPTIONS", {}).get("CULL_EVERY", 500))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._createdir()  # the directory may have been deleted meanwhile
        fname = self._key_to_file(key, version)
        self._cull()
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as f:
                self._write_content(f, timeout, value)
            with suppress(FileNotFoundError):
                os.remove(fname)
            os.rename(tmp_path, fname)
        except BaseException:
            with suppress(FileNotFoundError):
                os.remove(tmp_path)
            raise

    def _cull(self):
        if random.randrange(self._cull_every):  # spreading work, not security
            return
        for fname in self._list_cache_files():
            try:
                with open(fname, "rb") as f:
                    self._is_expired(f)  # deletes the file when it has expired
            except FileNotFoundError:  # another worker removed it meanwhile
                pass
        super()._cull()


class FailoverCache(BaseCache):
    _down_until: dict[str, float] = {}  # primary alias -> monotonic time; per process, shared by threads

    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.primary_alias = options["PRIMARY"]
        self.fallback_alias = options["FALLBACK"]
        self.retry_seconds = float(options.get("RETRY_SECONDS", 5))

    def _call(self, method: str, *args, **kwargs):
        if time.monotonic() >= self._down_until.get(self.primary_alias, 0.0):
            try:
                return getattr(caches[self.primary_alias], method)(*args, **kwargs)
            except PRIMARY_FAILURES as exc:
                self._down_until[self.primary_alias] = time.monotonic() + self.retry_seconds
                logger.warning(
                    "cache %s unavailable (%s): using %s for %ss",
                    self.primary_alias,
                    exc.__class__.__name__,
                    self.fallback_alias,
                    self.retry_seconds,
                )
        return getattr(caches[self.fallback_alias], method)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        return self._call("clear")
