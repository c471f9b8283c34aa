"""The one rate limiter: a window ends its length after its first hit, on the file
cache of `make run` and the Redis of production, and a dead cache lets requests
through instead of failing them."""

import logging
import time

import pytest
from django.core.cache import caches
from django.urls import reverse

from shop.core.ratelimit import RateLimiter, limited
from tests.newsletter.conftest import signup_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def window(settings):
    """A test limit: 3 hits in a window of `seconds`."""

    def make(seconds: int) -> str:
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "test.window": (3, seconds)}
        return "test.window"

    return make


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_on_the_file_cache_hits_inside_a_window_do_not_push_its_end(file_cache, window):
    name, clock = window(60), Clock()
    limiter = RateLimiter(clock=clock)

    assert [limiter.hit(name, "client") for _ in range(3)] == [False, False, False]
    # Keep hitting through the window: every hit is refused...
    for second in (1, 20, 40, 59):
        clock.now = 1_000_000.0 + second
        assert limiter.hit(name, "client") is True
    # ...and still the window ends 60 s after its first hit, not after the last one.
    clock.now = 1_000_000.0 + 60
    assert limiter.hit(name, "client") is False
    assert limiter.hit(name, "another client") is False


def test_the_file_cache_keeps_the_window_between_processes_reading_it(file_cache, window):
    """Each web worker has its own limiter; they share the cache's files."""
    name, clock = window(60), Clock()
    workers = [RateLimiter(clock=clock), RateLimiter(clock=clock)]
    assert [workers[n % 2].hit(name, "client") for n in range(4)] == [False] * 3 + [True]


@pytest.mark.redis
def test_on_redis_the_window_ends_its_length_after_the_first_hit(redis_cache, window):
    """Redis's own expiry ends the window, read with PTTL: the first hit sets it to
    the window's length, later hits leave it running down."""
    name, limiter, cache = window(60), RateLimiter(), caches["default"]
    key = limiter.cache_key(name, "client")

    assert limiter.hit(name, "client") is False
    assert 55_000 < cache.pttl(key) <= 60_000
    cache.pexpire(key, 5_000)  # as if 55 s had gone by since that first hit
    assert [limiter.hit(name, "client") for _ in range(3)] == [False, False, True]
    assert 0 < cache.pttl(key) <= 5_000  # no hit pushed the window's end back

    cache.pexpire(key, 1)  # the window's last millisecond
    deadline = time.monotonic() + 15  # a bound for a stuck test, not a measure of speed
    while cache.has_key(key):
        assert time.monotonic() < deadline, "Redis never ended the window"
        time.sleep(0.01)
    # The next hit opens a new window, of the full length from that hit.
    assert limiter.hit(name, "client") is False
    assert 55_000 < cache.pttl(key) <= 60_000


def test_in_local_memory_the_window_holds_for_its_length(window):
    name = window(3600)
    assert [limited(name, "client") for _ in range(4)] == [False, False, False, True]
    assert limited(name, "another client") is False


def test_a_dead_cache_lets_hits_through_with_a_warning(dead_cache, window, caplog):
    name = window(60)
    with caplog.at_level(logging.WARNING, logger="shop.core.ratelimit"):
        assert [limited(name, "client") for _ in range(5)] == [False] * 5
    assert [r for r in caplog.records if r.name == "shop.core.ratelimit"]


def test_a_dead_cache_never_turns_a_limited_request_into_an_error(client, dead_cache):
    for n in range(12):
        response = client.post(
            reverse("newsletter:signup"),
            signup_data(f"r{n}@example.com"),
            HTTP_ACCEPT="application/json",
        )
        assert response.status_code == 200
