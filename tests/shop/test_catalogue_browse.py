"""The shop's listings: every product for sale, and a category's products."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.test.factories import create_product

from tests.blog.conftest import parse
from tests.shop.factories import WrapLikeProductFactory

pytestmark = pytest.mark.django_db


def listed_titles(response) -> list[str]:
    """The titles of the listed products, as shown in full."""
    return [
        "".join(link.itertext()).strip()
        for heading in parse(response).iter("h2")
        if "product_pod__title" in heading.get("class", "")
        for link in heading.iter("a")
    ]


def test_the_shop_lists_every_product_for_sale(client, wrap):
    WrapLikeProductFactory(title="Knee Ice Sleeve")
    create_product(title="Hidden draft", is_public=False)

    response = client.get(reverse("catalogue:index"))

    assert response.status_code == 200
    titles = listed_titles(response)
    assert "SimplyJnJ Cold Therapy Ice Gel Wrap" in titles
    assert "Knee Ice Sleeve" in titles
    assert "Hidden draft" not in titles
    assert "No products found" not in response.content.decode()


def test_a_category_lists_its_own_products(client, wrap):
    WrapLikeProductFactory(title="Knee Ice Sleeve")  # in Cold Therapy too
    create_product(title="Ankle Brace")  # in no category
    cold_therapy = wrap.categories.get()

    titles = listed_titles(client.get(cold_therapy.get_absolute_url()))

    assert sorted(titles) == ["Knee Ice Sleeve", "SimplyJnJ Cold Therapy Ice Gel Wrap"]


def test_a_category_with_an_old_slug_redirects_and_an_unknown_one_is_404(client, wrap):
    cold_therapy = wrap.categories.get()
    old = reverse("catalogue:category", kwargs={"category_slug": "old-name", "pk": cold_therapy.pk})
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == cold_therapy.get_absolute_url()
    missing = reverse("catalogue:category", kwargs={"category_slug": "x", "pk": 99999})
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "999", "-1"])
def test_a_page_number_that_does_not_exist_is_404(client, wrap, page):
    assert client.get(reverse("catalogue:index"), {"page": page}).status_code == 404


@pytest.mark.usefixtures("no_page_cache")
def test_the_listing_costs_the_same_queries_for_2_or_20_products(client, wrap):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("catalogue:index")).status_code == 200
        return len(ctx)

    # Each count is taken once the listed pictures' thumbnails exist (made on a first view).
    WrapLikeProductFactory()
    queries()
    small = queries()
    WrapLikeProductFactory.create_batch(18)
    queries()
    assert queries() == small
