"""Page query counts stay fixed as the catalogue grows."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.content import ARTICLE_SLUG
from blog.content import load as load_blog
from tests.shop.factories import WrapLikeProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

PRODUCT_PAGE_CEILING = 15
BASKET_PAGE_CEILING = 20


def queries_for(client, url) -> int:
    client.get(url)  # warm the session, basket and site caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def page_counts(wrap) -> tuple[int, int]:
    """The product page for a visitor arriving from the article, the basket page with the wrap."""
    product = queries_for(Client(), wrap.get_absolute_url())
    shopper = Client()
    shopper.post(reverse("basket:add", kwargs={"pk": wrap.pk}), {"quantity": 1})
    return product, queries_for(shopper, reverse("basket:summary"))


def test_product_and_basket_pages_cost_the_same_with_1_or_200_products(wrap):
    small = page_counts(wrap)

    WrapLikeProductFactory.create_batch(199)
    large = page_counts(wrap)

    assert small == large
    product, basket = large
    assert product <= PRODUCT_PAGE_CEILING
    assert basket <= BASKET_PAGE_CEILING


ARTICLE_PAGE_CEILING = 10


def shopper_counts(lines) -> dict[str, int]:
    """Each page's queries for a shopper with a session and `lines` in the basket."""
    shopper = Client()
    for product in lines:
        shopper.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    session = shopper.session
    session["checkout_started"] = True
    session.save()
    shopper.cookies["sessionid"] = session.session_key
    pages = {
        "home": "/",
        "blog index": reverse("blog:post_list"),
        "article": reverse("blog:post_detail", kwargs={"slug": ARTICLE_SLUG}),
        "product": lines[0].get_absolute_url(),
        "basket": reverse("basket:summary"),
    }
    return {name: queries_for(shopper, url) for name, url in pages.items()}


def test_pages_but_the_basket_cost_a_shopper_the_same_with_1_or_3_lines(wrap):
    load_blog()
    one = shopper_counts([wrap])
    three = shopper_counts([wrap, *WrapLikeProductFactory.create_batch(2)])

    # The basket page itself lists every line (Oscar's basket view: three queries a line).
    assert {k: v for k, v in one.items() if k != "basket"} == {
        k: v for k, v in three.items() if k != "basket"
    }
    assert one["article"] <= ARTICLE_PAGE_CEILING
    assert one["product"] <= PRODUCT_PAGE_CEILING
    assert one["basket"] <= BASKET_PAGE_CEILING
    # The header's basket costs one query, not loading the basket and its offers.
    assert one["home"] <= ARTICLE_PAGE_CEILING
    assert one["blog index"] <= 6
