"""Real threads, each with its own PostgreSQL connection, placing orders at once."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from oscar.apps.basket.models import Basket
from oscar.apps.order.models import Order
from oscar.apps.voucher.models import Voucher

from shop.checkout.models import CardPayment
from tests.shop.factories import ten_percent_voucher
from tests.support.payments import Checkout

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


def intents_of(stripe_api, basket_ids) -> list:
    """The PaymentIntents localstripe holds for these baskets: every charge tried for them."""
    basket_ids = {str(pk) for pk in basket_ids}
    return [
        intent
        for intent in stripe_api.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
        if intent.metadata.to_dict().get("basket") in basket_ids
    ]


def refunds_of(stripe_api, intent_ids) -> dict:
    """What localstripe refunded for these PaymentIntents: {intent id: amount}."""
    return {
        refund.payment_intent: refund.amount
        for refund in stripe_api.v1.refunds.list(params={"limit": 100}).auto_paging_iter()
        if refund.payment_intent in intent_ids
    }


def test_twenty_shoppers_and_five_in_stock_make_exactly_five_orders(stripe_api, wrap):
    stock = wrap.stockrecords.get()
    stock.num_in_stock = 5
    stock.save()
    shoppers = [Checkout(Client(), stripe_api) for _ in range(20)]

    for shopper in shoppers:
        shopper.up_to_payment(wrap)
        shopper.review()

    responses = at_once([shopper.press_place_order for shopper in shoppers])

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
    assert charged <= set(refunds_of(stripe_api, charged))


def test_twenty_shoppers_with_one_single_use_code_make_one_discounted_order(stripe_api, wrap):
    """Invariant 3, through the site's checkout: the code is redeemed once; every other
    shopper is told, and is either never charged or refunded in full."""
    voucher = ten_percent_voucher("HIPS-ONCE-2026", usage=Voucher.SINGLE_USE)
    # Twenty people (addresses of their own, so no per-address limit is shared).
    shoppers = [Checkout(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), stripe_api) for n in range(20)]

    for n, shopper in enumerate(shoppers):
        shopper.add(wrap)
        shopper.apply_code(voucher.code)
        shopper.as_guest(f"shopper{n}@example.com")
        shopper.ship()
        shopper.enter_card()
        assert "-$3.40" in shopper.review().content.decode()  # 10% of $34.00, on every basket
    baskets = list(Basket.objects.values_list("pk", flat=True))
    assert len(baskets) == 20

    responses = at_once([shopper.press_place_order for shopper in shoppers])

    [order] = Order.objects.all()
    assert order.total_discount_incl_tax == Decimal("3.40")
    assert order.basket_total_excl_tax == Decimal("30.60")
    assert list(voucher.applications.values_list("order", flat=True)) == [order.pk]
    voucher.refresh_from_db()
    assert voucher.num_orders == 1
    assert wrap.stockrecords.get().num_allocated == 1
    thanked = [r for r in responses if r.url == reverse("checkout:thank-you")]
    assert len(thanked) == 1
    # Every other shopper is told the code is used, on the page they are sent to.
    for shopper, response in zip(shoppers, responses, strict=True):
        if response not in thanked:
            told = [str(m) for m in shopper.client.get(response.url).context["messages"]]
            assert any("already been used" in m for m in told), (response.url, told)
    # localstripe: one charge kept, for the discounted total; every other one refunded in full.
    intents = [i for i in intents_of(stripe_api, baskets) if i.status == "succeeded"]
    refunds = refunds_of(stripe_api, {i.id for i in intents})
    kept = [i for i in intents if i.id not in refunds]
    assert [(i.id, i.amount) for i in kept] == [
        (order.card_payment.intent_id, int(order.total_incl_tax * 100))
    ]
    assert all(refunds[i.id] == i.amount for i in intents if i.id in refunds)


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
