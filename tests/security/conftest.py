"""Fixtures for the attack tests: a site behind one trusted proxy, and the default
cache swapped for the backend a test is about."""

import uuid

import pytest

from shop.config import cache_config
from tests.conftest import REDIS_URL, free_port

# The shop's fixtures (localstripe, the catalogue, the checkout walker), for attacks on it.
from tests.shop.conftest import checkout, localstripe_url, media_root, stripe_api, wrap  # noqa: F401

PROXY = "127.0.0.1"  # nginx, as production-like.md runs it


@pytest.fixture(autouse=True)
def _security_settings(settings):
    """Limits as configured, with the page cache out of the way of what is counted."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.BLOG_COMMENT_MIN_SECONDS = 0
    # Hashing is not under test: a fast hasher keeps forty sign-ins quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def behind_proxy(settings):
    """The site behind one trusted proxy (nginx), which appends the peer it saw."""
    settings.TRUSTED_PROXIES = 1

    def via_proxy(client_address: str, claimed: str = "") -> dict:
        """What the app receives for a request from `client_address` that itself sent
        `X-Forwarded-For: claimed` (nginx appends; it never replaces)."""
        forwarded = f"{claimed}, {client_address}" if claimed else client_address
        return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}

    return via_proxy


def _default_cache(settings, backend: dict) -> None:
    settings.CACHES = {**settings.CACHES, "default": backend}


@pytest.fixture
def file_cache(settings, tmp_path):
    """The default cache as `make run` has it: Django's file cache."""
    _default_cache(
        settings,
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        },
    )


@pytest.fixture
def redis_cache(settings):
    """The default cache as production configures it (django-redis), with keys of
    this test's own."""
    config = cache_config(REDIS_URL.replace("redis://", "rediscache://", 1))
    _default_cache(settings, {**config, "KEY_PREFIX": f"security-{uuid.uuid4().hex[:12]}"})


@pytest.fixture(params=["production", "raising"])
def dead_cache(request, settings):
    """A Redis cache nobody answers on: the cache is down. "production" is the
    site's own configuration (django-redis, errors swallowed); "raising" is
    Django's Redis backend, which raises them."""
    url = f"127.0.0.1:{free_port()}/0"
    if request.param == "production":
        _default_cache(settings, cache_config(f"rediscache://{url}"))
    else:
        _default_cache(
            settings,
            {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://{url}",
                "OPTIONS": {"socket_connect_timeout": 0.5},
            },
        )
