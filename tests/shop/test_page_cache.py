"""Pages for visitors without a session or a basket are cached whole for a second
(shop/core/pagecache.py): a change still shows within that second, and what differs per
response (the CSP nonce, the CSRF token, the comment form's token) differs.

The page cache's clock is the test's own (`clock`): a copy's age never depends on
how fast this machine renders."""

import re

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.crypto import salted_hmac
from oscar.apps.partner.models import StockRecord

from blog.content import ARTICLE_SLUG
from blog.models import Comment
from tests.support.page_cache import ARTICLE, html

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

PER_RESPONSE = re.compile(r'(nonce|name="csrfmiddlewaretoken" value|name="token" value)="[^"]+"')


def found(pattern: str, response) -> str:
    return re.search(pattern, html(response))[1]


def test_each_page_seen_again_is_served_from_the_cache(client, site, django_assert_num_queries):
    for url in ("/", "/blog/", ARTICLE, site.get_absolute_url(), "/catalogue/"):
        first = client.get(url)
        with django_assert_num_queries(0):
            again = client.get(url)
        assert PER_RESPONSE.sub("", html(again)) == PER_RESPONSE.sub("", html(first)), url
        assert "Cookie" in again["Vary"]


def test_each_response_has_its_own_nonce_in_its_page_and_its_header(client, site):
    nonces = set()
    for _ in range(3):
        response = client.get("/")
        nonce = found(r'<script nonce="([^"]+)"', response)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.add(nonce)
    assert len(nonces) == 3


def test_a_form_on_a_cached_page_carries_the_visitors_own_csrf_token(
    site, django_assert_num_queries
):
    Client().get(site.get_absolute_url())  # another visitor's view fills the cache
    shopper = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        page = shopper.get(site.get_absolute_url())
    assert "csrftoken" in page.cookies
    token = found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)

    added = shopper.post(
        reverse("basket:add", kwargs={"pk": site.pk}),
        {"quantity": 1, "csrfmiddlewaretoken": token},
    )

    assert added.status_code == 302
    assert '<span class="badge badge-light">1</span>' in html(shopper.get("/"))


def test_a_cached_article_gives_every_reader_a_fresh_comment_form(client, site):
    tokens = [found(r'name="token" value="([^"]+)"', client.get(ARTICLE)) for _ in range(2)]
    assert tokens[0] != tokens[1]

    for token in tokens:
        response = client.post(
            ARTICLE,
            {"comment": "Ice helps.", "name": "Sam", "email": "sam@example.com", "token": token},
        )
        assert response.status_code == 302
    assert Comment.objects.filter(author_name="Sam").count() == 2


def test_a_stock_change_made_without_signals_shows_once_the_copy_is_old(client, site, clock):
    url = site.get_absolute_url()
    assert "In stock (100 available)" in html(client.get(url))

    # As an order allocates stock: an UPDATE, no save(), no signal to invalidate anything.
    StockRecord.objects.filter(product=site).update(num_allocated=F("num_in_stock"))
    assert "In stock (100 available)" in html(client.get(url))  # the cached copy
    clock.time += 10

    page = html(client.get(url))
    assert "In stock" not in page
    assert "Unavailable" in page


def test_a_slow_render_is_served_from_the_cache_for_its_full_time(client, site, clock):
    """A render that takes 9 s of the copy's 10 (a loaded machine)."""

    def slow(sender, template, **kwargs):
        if template.name == "shop/home.html":
            clock.time += 9

    template_rendered.connect(slow)
    try:
        client.get("/")
    finally:
        template_rendered.disconnect(slow)
    clock.time += 4

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert len(queries) == 0


def test_visitors_with_a_basket_see_their_own_pages(client, site):
    assert "badge" not in html(client.get("/"))  # cached for visitors without a basket
    client.post(reverse("basket:add", kwargs={"pk": site.pk}), {"quantity": 2})

    assert '<span class="badge badge-light">2</span>' in html(client.get("/"))
    assert '<span class="badge badge-light">2</span>' in html(client.get(ARTICLE))


@pytest.mark.parametrize("query", ["?utm_source=newsletter", "?replytocom=1", "?page=1&x=<b>"])
def test_other_query_strings_reach_the_view(client, site, query):
    client.get(ARTICLE + query)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ARTICLE + query).status_code == 200
    assert len(queries) > 0


def site_article():
    from blog.models import Post

    return Post.objects.get(slug=ARTICLE_SLUG)


def test_placeholders_written_in_a_comment_stay_text_with_a_public_secret_key(
    client, site, settings
):
    """make run's SECRET_KEY is public: what a placeholder was made of then is known."""
    settings.SECRET_KEY = "dev-only-insecure-key-never-used-with-debug-off"
    old_secret = salted_hmac("shop.pagecache", "placeholder").hexdigest()[:16]
    forged = [
        f"[placeholder-{old_secret}:comment_form_token:x]",
        f"[placeholder-{old_secret}:csrf_token:]",
        "[placeholder-0123456789abcdef:csp_nonce:]",
        "[placeholder-:nope:]",
    ]
    Comment.objects.create(
        post=site_article(),
        author_name="Robot",
        email="robot@example.com",
        body=" ".join(forged),
        status=Comment.Status.APPROVED,
    )
    for _ in range(2):  # rendered, then from the cache
        page = html(client.get(ARTICLE))
        assert all(text in page for text in forged)


def test_a_page_from_the_flatpage_fallback_under_a_cached_url_gets_real_tokens(client, site):
    flatpage = FlatPage.objects.create(url="/blog/privacy/", title="Privacy", content="<p>Ours</p>")
    flatpage.sites.add(Site.objects.get_current())

    # /blog/<slug>/ is a cached view: it answers 404, then the fallback renders the page.
    response = client.get("/blog/privacy/")

    assert "<p>Ours</p>" in html(response)
    assert "[placeholder-" not in html(response)
    nonce = found(r'<script nonce="([^"]+)"', response)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
