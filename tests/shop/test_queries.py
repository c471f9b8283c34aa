"""Page query counts stay fixed as the catalogue grows."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
