"""Real threads, each with its own PostgreSQL connection, placing orders at once."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from oscar.apps.order.models import Order

from shop.checkout.models import CardPayment
from tests.shop.conftest import Checkout

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(functions):
    """Run the functions in threads released together; return their results in order."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(i, function):
        try:
            barrier.wait()
            results[i] = function()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not [r for r in results if isinstance(r, Exception)], results
    return results


def intents_of(stripe_api, basket_ids):
    basket_ids = {str(pk) for pk in basket_ids}
    return [
        intent
        for intent in stripe_api.v1.payment_intents.list(params={"limit": 100}).data
        if intent.metadata.to_dict().get("basket") in basket_ids
    ]


def test_twenty_shoppers_and_five_in_stock_make_exactly_five_orders(stripe_api, wrap):
    stock = wrap.stockrecords.get()
    stock.num_in_stock = 5
    stock.save()
    shoppers = [Checkout(Client(), stripe_api) for _ in range(20)]
    for shopper in shoppers:
        shopper.up_to_payment(wrap)

    responses = at_once([shopper.place_order for shopper in shoppers])

    assert Order.objects.count() == 5
    stock.refresh_from_db()
    assert (stock.num_in_stock, stock.num_allocated) == (5, 5)
    thanked = [r for r in responses if r.url == reverse("checkout:thank-you")]
    assert len(thanked) == 5
    # The others are told why, and any charge they made is refunded.
    for shopper, response in zip(shoppers, responses, strict=True):
        if response in thanked:
            continue
        page = shopper.client.get(response.url)
        assert any(
            "sold out" in str(m) or "no longer available" in str(m)
            for m in page.context["messages"]
        )
    charged = {p.intent_id for p in CardPayment.objects.filter(order=None)}
    refunded = {r.payment_intent for r in stripe_api.v1.refunds.list(params={"limit": 100}).data}
    assert charged <= refunded


def test_two_place_order_clicks_make_one_order_and_one_charge(stripe_api, wrap):
    shopper = Checkout(Client(), stripe_api)
    shopper.up_to_payment(wrap)
    basket_id = shopper.client.get(reverse("basket:summary")).context["basket"].pk

    responses = at_once([shopper.place_order, shopper.place_order])

    assert Order.objects.count() == 1
    assert len(intents_of(stripe_api, [basket_id])) == 1
    assert {r.status_code for r in responses} == {302}
    assert reverse("checkout:thank-you") in {r.url for r in responses}
    assert shopper.client.get(reverse("checkout:thank-you")).context["order"] == Order.objects.get()
