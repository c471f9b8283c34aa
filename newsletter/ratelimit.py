"""Fixed-window counters in Django's cache (use a shared cache, e.g. Redis, in production)."""

from django.core.cache import cache


def too_many(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on `key`; True once more than `limit` hits fell in this window (seconds)."""
    key = f"ratelimit:{key}"
    cache.add(key, 0, timeout=window)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        hits = 1
    return hits > limit


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
