"""The page cache's test clock, a site to cache, and what a page says. The
fixtures are shared through tests/shop/conftest.py; a module whose every test
needs the clock says `pytest.mark.usefixtures("clock")`."""

from types import SimpleNamespace

import pytest

from blog.content import ARTICLE_SLUG
from blog.content import load as load_blog
from shop.core import pagecache

ARTICLE = f"/blog/{ARTICLE_SLUG}/"


@pytest.fixture
def clock(monkeypatch, settings):
    """The page cache's clock: it stands still unless the test moves it. Copies are
    kept ten seconds, so the cache backend's own expiry (on the wall clock) plays
    no part however slowly a test runs."""
    settings.PAGE_CACHE_SECONDS = 10
    now = SimpleNamespace(time=1000.0)
    monkeypatch.setattr(pagecache, "time", SimpleNamespace(time=lambda: now.time))
    return now


@pytest.fixture
def site(wrap, settings):
    settings.BLOG_COMMENT_MIN_SECONDS = 0
    load_blog()
    return wrap


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()
