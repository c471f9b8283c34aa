"""The site's one rate limiter: fixed windows in Django's default cache.

A window starts at its first hit and ends `seconds` later, whatever the cache
backend; hits after that start a new window. Limits are named in
`settings.RATE_LIMITS` as `{name: (hits, seconds)}`.

Backends with an atomic increment that keeps the expiry (Redis, memcached,
local memory) count with `add` and `incr`: the expiry set by the first hit ends
the window. Django's file and database caches increment by reading and writing
the value again, which would restart the expiry at every hit: there the window's
end is stored beside the count and every write keeps it. (Those two are for a
single machine; simultaneous hits may be counted once between them.)

If the cache fails, the hit is let through and a warning logged: a cache outage
must not lock everybody out, nor turn into an error page.
"""

import hashlib
import logging
import math
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

from shop.core.client import client_network

logger = logging.getLogger(__name__)


class RateLimiter:
    def __init__(self, *, cache_alias: str = "default", clock: Callable[[], float] = time.time):
        self.cache_alias = cache_alias
        self.clock = clock  # only the stored-window path reads it; backend expiries use theirs

    def hit(self, name: str, key: str) -> bool:
        """Count one hit of `key` against the limit `name`; True once it is over the limit."""
        hits, seconds = settings.RATE_LIMITS[name]
        cache_key = self.cache_key(name, key)
        cache = caches[self.cache_alias]
        try:
            if type(cache).incr is BaseCache.incr:
                count = self._count_stored_window(cache, cache_key, seconds)
            else:
                count = self._count_atomic(cache, cache_key, seconds)
        except Exception as exc:  # whatever the backend raises: Redis down, a full disk...
            logger.warning("Rate limit %s not applied: the cache failed: %r", name, exc)
            return False
        if not isinstance(count, int):  # a backend that swallows its errors
            logger.warning("Rate limit %s not applied: the cache returned no count", name)
            return False
        return count > hits

    @staticmethod
    def cache_key(name: str, key: str) -> str:
        """Where the window of `key` under the limit `name` is counted."""
        return f"ratelimit:{name}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"

    @staticmethod
    def _count_atomic(cache, key: str, seconds: int) -> int | None:
        for _ in range(2):
            cache.add(key, 0, timeout=seconds)  # the window's first hit sets its end
            try:
                return cache.incr(key)
            except ValueError:  # the window ended between add and incr: start the next
                continue
        return None

    def _count_stored_window(self, cache, key: str, seconds: int) -> int:
        now = self.clock()
        ends, count = cache.get(key) or (0.0, 0)
        if ends <= now:
            ends, count = now + seconds, 0
        count += 1
        cache.set(key, (ends, count), timeout=max(1, math.ceil(ends - now)))
        return count


limiter = RateLimiter()


def limited(name: str, *keys: str) -> bool:
    """Count a hit for each key under the limit `name`; True if any of them is over it.

    Every key is counted (no short cut), so each limit sees every attempt.
    """
    return any([limiter.hit(name, key) for key in keys])


def client_limited(request, name: str, *more_keys: str) -> bool:
    """`limited` for this request's client (its address, or its /64 for IPv6) and `more_keys`."""
    return limited(name, f"client:{client_network(request)}", *more_keys)
