"""With the cache's Redis down, pages answer uncached, the checkout works, every
cache user lets the visitor through with a logged warning, and /readyz says the
cache is down; once Redis is back, pages are cached again."""

import json
import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.apps.order.models import Order

from blog.antispam import use_form_token_once
from blog.content import ARTICLE_SLUG
from blog.content import load as load_blog

pytestmark = pytest.mark.django_db


def pages(wrap) -> list[str]:
    return ["/", "/blog/", f"/blog/{ARTICLE_SLUG}/", "/catalogue/", wrap.get_absolute_url()]


def queries_to_get(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def test_with_the_cache_down_pages_answer_and_the_checkout_works(
    checkout, wrap, cache_server, caplog, settings
):
    settings.PAGE_CACHE_SECONDS = 600  # a copy's age never decides what this test sees
    load_blog()
    visitor = Client()
    for url in pages(wrap):
        visitor.get(url)  # cached while Redis is up
    cache_server.stop()

    with caplog.at_level(logging.WARNING, logger="shop.cache"):
        for url in pages(wrap):
            assert queries_to_get(visitor, url) > 0, f"{url} came from a cache that is down"
        assert visitor.get("/healthz").status_code == 200
        readiness = visitor.get("/readyz")
        # A comment form's one-time token cannot be recorded: the comment goes through.
        use_form_token_once("a-nonce")
        use_form_token_once("a-nonce")

        checkout.up_to_payment(wrap)
        response = checkout.place_order()

    assert any(r.name == "shop.cache" and r.levelno == logging.WARNING for r in caplog.records)
    assert readiness.status_code == 503
    assert json.loads(readiness.content)["cache"] == "down"
    assert response.url == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.status == "Paid"
    assert order.number in checkout.client.get(response.url).content.decode()

    cache_server.start()  # Redis is back: pages are served from the cache again
    for url in pages(wrap):
        queries_to_get(visitor, url)
        assert queries_to_get(visitor, url) == 0, url
    assert visitor.get("/readyz").status_code == 200
