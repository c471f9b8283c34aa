"""Faults on real services: private Redis servers that a test stops and starts
(never the shared one: `redis_server`, `broker` in tests/support/redis.py),
localstripe, worker processes."""

import pytest


@pytest.fixture
def cache_server(redis_server, settings):
    """The site's caches (default and pages) on a private Redis, which the test may stop."""
    from shop.config import cache_config

    settings.CACHES = {
        "default": cache_config(redis_server.url(1)),
        "pages": cache_config(redis_server.url(2)),
    }
    return redis_server
