"""Shared test fixtures: the real parts (PostgreSQL, Redis, a Celery worker
process, an SMTP sink, localstripe, Chromium), the markers that say a test needs
them, and the one product the shop sells.

A test marked `postgres`, `redis`, `chromium`, `cluster`, `pagechecks`, `purgecss` or
`spamassassin` skips
with the reason when that part is missing, and fails instead when the CI
variable is set.

The fixtures live in tests/support/ by concern, loaded here as plugins:
database.py (the test database, built once and cloned per process), mail.py
(`smtp_sink`), workers.py (`celery_worker`, `celery_worker_factory`,
`celery_eager`), redis.py (`redis_server`, `broker`), browser.py (`browser`,
`page`), payments.py (`localstripe_url`, `stripe_api`, `checkout`), storage.py
(`s3_server`, `s3_media`).
"""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

pytest.register_assert_rewrite("tests.support")

from django.db import connection  # noqa: E402

# Importable from here as before.
from tests.support.mail import SmtpSink, serving  # noqa: E402, F401
from tests.support.services import free_port, wait_for_port, wait_until  # noqa: E402, F401
from tests.support.workers import (  # noqa: E402, F401
    REDIS_URL,
    TEST_QUEUE,
    WorkerProcess,
    database_url,
)

pytest_plugins = [
    "tests.support.database",
    "tests.support.mail",
    "tests.support.workers",
    "tests.support.redis",
    "tests.support.browser",
    "tests.support.payments",
    "tests.support.storage",
    "tests.support.ordering",
]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
NGINX = "/usr/sbin/nginx"
SPAMASSASSIN = "/usr/bin/spamassassin"

# Hypothesis: the "ci" profile is what CI and `make test` run: 50 examples a test, and
# no deadline (a loaded machine is slower, not wrong). It does not shrink a failing
# example (minutes of page renders): the failure prints the example and a blob, and
# `@reproduce_failure(...)` with HYPOTHESIS_PROFILE=dev shrinks it. HYPOTHESIS_PROFILE=dev
# runs 5 examples a test, for a quick loop while writing code.
settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev", parent=settings.get_profile("ci"), max_examples=5, phases=list(Phase)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        help="the page checks also save each page at each width as a PNG in DIR (make screenshots)",
    )


def _missing_part(item) -> str | None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://... (make test does if it answers)"
    if item.get_closest_marker("redis") and not _redis_answers():
        return "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0 (make test does if it answers)"
    if item.get_closest_marker("cluster") and not Path(NGINX).exists():
        return f"needs Debian's nginx at {NGINX}: apt-get install nginx (make test-cluster does)"
    if item.get_closest_marker("chromium") and not Path(CHROMIUM).exists():
        return f"needs Chromium at {CHROMIUM}: apt-get install chromium"
    if item.get_closest_marker("spamassassin") and not Path(SPAMASSASSIN).exists():
        return f"needs SpamAssassin at {SPAMASSASSIN}: apt-get install spamassassin"
    if item.get_closest_marker("pagechecks"):
        from tests.pagechecks import missing

        return missing()
    if item.get_closest_marker("purgecss"):
        from shop.storefront_css import PURGECSS

        if not PURGECSS.exists():
            return "needs PurgeCSS from npm: npm ci (make test runs it)"
    return None


def pytest_runtest_setup(item):
    reason = _missing_part(item)
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run every test, but this one {reason}", pytrace=False)
        pytest.skip(reason)


def _redis_answers() -> bool:
    if not REDIS_URL:
        return False
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True)
def _fresh_cache():
    """No test sees pages or counters cached by another."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads (the wrap's picture, thumbnails) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def no_page_cache(settings):
    """For tests of what a view renders (its queries, its fragment caches): every
    request reaches the view. The page cache in front has tests of its own."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def wrap(db):
    """The SimplyJnJ Cold Therapy Ice Gel Wrap as `load_site_content` creates it:
    $34.00, 100 in stock, with its picture. The one product fixture."""
    from shop.content import load_catalogue

    return load_catalogue()
