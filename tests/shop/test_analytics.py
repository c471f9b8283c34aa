"""Oscar's product analytics under concurrent shoppers, on PostgreSQL with real threads."""

import pytest
from django.test import Client
from django.urls import reverse
from oscar.apps.basket.models import Basket, Line

from shop.analytics.models import ProductRecord
from tests.shop.test_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SHOPPERS = 10


def test_shoppers_adding_a_never_viewed_product_at_once_all_get_it(wrap):
    """The product's first analytics record is created by several requests at once:
    every shopper gets the product in their basket, and every addition is counted."""
    assert not ProductRecord.objects.filter(product=wrap).exists()
    url = reverse("basket:add", kwargs={"pk": wrap.pk})

    def add_to_basket():
        response = Client(raise_request_exception=False).post(url, {"quantity": 1})
        return response.status_code

    assert at_once([add_to_basket] * SHOPPERS) == [302] * SHOPPERS
    assert Line.objects.filter(product=wrap, basket__status=Basket.OPEN).count() == SHOPPERS
    assert ProductRecord.objects.get(product=wrap).num_basket_additions == SHOPPERS


def test_a_placed_order_counts_in_the_products_sales_once_committed(checkout, wrap):
    checkout.up_to_payment(wrap, quantity=2)
    checkout.place_order()

    record = ProductRecord.objects.get(product=wrap)
    assert (record.num_basket_additions, record.num_purchases) == (1, 2)
