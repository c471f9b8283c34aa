"""The header's basket (mini basket, the "Basket" link's count) comes from the cache,
yet shows every change to the basket or its prices on the next page."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.shop.factories import WrapLikeProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def header(client) -> tuple[str, str]:
    """(the mini basket's total, the Basket link's count) on the home page."""
    html = client.get("/").content.decode()
    total = re.search(r"(?:Basket|Cart) total:</strong>\s*(\S+)", html).group(1)
    badge = re.search(r'(?:Basket|Cart) <span class="badge badge-light">(\d+)</span>', html)
    return total, badge.group(1) if badge else "0"


def add(client, product, quantity=1):
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    assert response.status_code == 302


def test_each_change_to_the_basket_shows_in_the_header_at_once(client, wrap):
    assert header(client) == ("$0.00", "0")
    add(client, wrap)
    assert header(client) == ("$34.00", "1")
    assert header(client) == ("$34.00", "1")  # from the cache now

    add(client, wrap, 2)
    assert header(client) == ("$102.00", "3")

    other = WrapLikeProductFactory()
    add(client, other)
    total, count = header(client)
    assert count == "4"
    assert total != "$102.00"

    basket = client.get(reverse("basket:summary")).context["basket"]
    basket.flush()
    assert header(client) == ("$0.00", "0")


def test_a_new_price_shows_in_the_header_at_once(client, wrap):
    add(client, wrap)
    assert header(client) == ("$34.00", "1")

    stockrecord = wrap.stockrecords.get()
    stockrecord.price = Decimal("29.50")
    stockrecord.save()

    assert header(client) == ("$29.50", "1")


def test_two_shoppers_never_see_each_others_basket(client, wrap):
    add(client, wrap, 2)
    from django.test import Client

    other = Client()
    add(other, wrap)
    assert header(client) == ("$68.00", "2")
    assert header(other) == ("$34.00", "1")
    assert header(Client()) == ("$0.00", "0")
