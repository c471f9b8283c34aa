"""What the page cache stores: the same bytes whoever asked, never a page someone
made their own, and a copy renewed in time (shop/core/pagecache.py)."""

import pytest
from django.contrib import messages
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from shop.catalogue.models import Category
from shop.core import pagecache
from tests.support.page_cache import ARTICLE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_a_copy_is_renewed_in_the_second_half_and_never_served_past_its_time(
    client, site, settings, clock
):
    """Fresh copies are served, one request renews a copy in the second half of its
    time while others still get it, and none is served once its time is up."""

    def rendered(at: float) -> bool:
        clock.time = at
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/blog/").status_code == 200
        return len(queries) > 0

    assert rendered(1000)  # nothing cached yet
    assert not rendered(1004)  # fresh
    assert rendered(1006)  # in its second half: this request renews it
    assert not rendered(1007)  # the renewed copy, from 1006

    key = pagecache.AnonymousPageCacheMiddleware._key(RequestFactory().get("/blog/"))
    assert caches["pages"].add(f"{key}:renewing", 1, 10)  # another request is renewing it
    assert not rendered(1012)  # so this one still gets the copy from 1006
    assert rendered(1016)  # past its ten seconds: never served, renewing or not


def cacheable_urls(site) -> dict[str, str]:
    """One URL of each view the page cache stores, by view name."""
    category = Category.objects.filter(product=site).first()
    return {
        "home": "/",
        "blog:post_list": "/blog/",
        "blog:post_detail": ARTICLE,
        "catalogue:index": "/catalogue/",
        "catalogue:category": category.get_absolute_url(),
        "catalogue:detail": site.get_absolute_url(),
    }


def stored_copy(url: str, **cookies) -> tuple:
    """What the page cache keeps of `url` once a visitor with `cookies` asked for it."""
    caches["pages"].clear()
    visitor = Client()
    for name, value in cookies.items():
        visitor.cookies[name] = value
    response = visitor.get(url)
    assert response.status_code == 200, url
    key = pagecache.AnonymousPageCacheMiddleware._key(RequestFactory().get(url))
    rendered_at, content_type, parts = caches["pages"].get(key)
    return content_type, parts


def test_two_visitors_store_the_same_bytes_for_every_cacheable_page(site, settings):
    """Anything a page shows that differs per visitor (a session's, a cookie's, a
    nonce) must be a placeholder, or one visitor's value would be served to all."""
    urls = cacheable_urls(site)
    assert set(urls) == settings.PAGE_CACHE_VIEWS, "add the new cacheable view here"
    for view_name, url in urls.items():
        first = stored_copy(url, csrftoken="a" * 32, comment_author="name=Ann")
        second = stored_copy(url, csrftoken="b" * 32, comment_author="name=Bob")
        assert first == second, view_name
        assert len(first[1]) > 1, f"{view_name}: no placeholder at all (no nonce?)"
        assert b"[placeholder-" not in b"".join(first[1][::3]), view_name


def test_a_page_that_shows_a_message_or_varies_is_not_stored(rf, settings):
    """Guards for views that would make a page someone's own (none of the cached
    views does today): a message, a cookie, a Vary or Cache-Control header."""
    from django.http import HttpResponse
    from django.views.decorators.cache import never_cache
    from django.views.decorators.vary import vary_on_headers

    def greeting(request):
        messages.info(request, "Welcome back")
        return HttpResponse("<p>hi</p>")

    def cookie(request):
        response = HttpResponse("<p>hi</p>")
        response.set_cookie("seen", "1")
        return response

    plain = lambda request: HttpResponse("<p>hi</p>")  # noqa: E731
    assert views_run(plain, requests=2, rf=rf) == 1  # the guards below are what stops storing
    views = [
        greeting,
        cookie,
        never_cache(lambda request: HttpResponse("<p>hi</p>")),
        vary_on_headers("Accept-Language")(lambda request: HttpResponse("<p>hi</p>")),
    ]
    for view in views:
        assert views_run(view, requests=2, rf=rf) == 2, view


def views_run(view, *, requests: int, rf) -> int:
    """How many of `requests` cookie-less GETs of "/" reach `view` through the page cache."""
    from django.contrib.messages.middleware import MessageMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.urls import resolve

    caches["pages"].clear()
    calls = []

    def get_response(request):
        request.resolver_match = resolve("/")
        middleware.process_view(request, view, (), {})
        calls.append(request)
        return view(request)

    middleware = pagecache.AnonymousPageCacheMiddleware(get_response)
    for _ in range(requests):
        request = rf.get("/")
        SessionMiddleware(lambda r: None).process_request(request)
        MessageMiddleware(lambda r: None).process_request(request)
        middleware(request)
    return len(calls)
