"""Once a card is charged the shopper sees their order, whatever fails after it:
the broker, a hook run after the order, the session. What is left undone is
finished later, and nothing is charged twice."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from oscar.apps.checkout.signals import post_checkout
from oscar.apps.order.models import Order
from oscar.apps.order.signals import order_placed

from shop.checkout.models import CardPayment
from shop.checkout.services import settle_payment
from shop.checkout.tasks import settle_unsettled_payments
from tests.shop.conftest import CARD_3DS, charged_intents
from tests.shop.test_checkout import authenticate_3ds
from tests.shop.test_webhook import post_event


def thank_you(client, response) -> str:
    """The page the shopper lands on after `response`: the thank-you page."""
    assert response.status_code == 302, response.content.decode()[:500]
    assert response.url.startswith(reverse("checkout:thank-you")), response.url
    page = client.get(response.url)
    assert page.status_code == 200
    return page.content.decode()


def paid_once(stripe_api, order) -> None:
    assert order.status == "Paid"
    assert order.card_payment.status == CardPayment.Status.PAID
    charged = charged_intents(stripe_api, order.basket_id)
    assert [i.id for i in charged] == [order.card_payment.intent_id]
    assert charged[0].amount == int(order.total_incl_tax * 100)


@pytest.mark.django_db(transaction=True)
def test_broker_down_when_the_order_commits_the_shopper_sees_it(checkout, wrap, broker):
    checkout.up_to_payment(wrap)
    checkout.review()
    broker.stop()

    response = checkout.press_place_order()

    order = Order.objects.get()
    assert order.number in thank_you(checkout.client, response)
    paid_once(checkout.stripe, order)
    # Pressed again (the page seemed slow): the same order, nothing charged twice.
    assert order.number in thank_you(checkout.client, checkout.press_place_order())
    assert Order.objects.count() == 1
    paid_once(checkout.stripe, order)


@pytest.mark.django_db(transaction=True)
def test_broker_down_at_the_3d_secure_return_the_shopper_sees_their_order(
    checkout, wrap, broker, settings
):
    checkout.up_to_payment(wrap, number=CARD_3DS)
    assert checkout.place_order().url == reverse("checkout:payment-authentication")
    payment = CardPayment.objects.get()
    authenticate_3ds(checkout.stripe, settings, payment.intent_id)
    broker.stop()

    back = checkout.client.post(reverse("checkout:payment-authentication"))

    order = Order.objects.get()
    assert order.number in thank_you(checkout.client, back)
    paid_once(checkout.stripe, order)


@pytest.mark.django_db(transaction=True)
def test_broker_down_when_the_webhook_places_the_order_of_a_shopper_who_left(
    client, checkout, wrap, broker, settings
):
    checkout.up_to_payment(wrap, number=CARD_3DS)
    checkout.place_order()
    payment = CardPayment.objects.get()
    authenticate_3ds(checkout.stripe, settings, payment.intent_id)  # then the tab is closed
    broker.stop()

    intent = checkout.stripe.v1.payment_intents.retrieve(payment.intent_id)
    assert post_event(client, settings, intent).status_code == 200

    order = Order.objects.get()
    paid_once(checkout.stripe, order)
    # The shopper comes back to the site later: their order, not a second charge.
    back = checkout.client.post(reverse("checkout:payment-authentication"))
    assert order.number in thank_you(checkout.client, back)
    paid_once(checkout.stripe, order)


@pytest.mark.django_db
def test_a_failing_post_checkout_receiver_does_not_fail_the_order(checkout, wrap):
    def analytics_down(sender, **kwargs):
        raise ConnectionError("the analytics service is down")

    checkout.up_to_payment(wrap)
    post_checkout.connect(analytics_down)
    try:
        response = checkout.place_order()
    finally:
        post_checkout.disconnect(analytics_down)

    order = Order.objects.get()
    assert order.number in thank_you(checkout.client, response)
    paid_once(checkout.stripe, order)


@pytest.mark.django_db
def test_a_session_that_cannot_be_saved_still_leads_to_the_order(checkout, wrap, monkeypatch):
    checkout.up_to_payment(wrap)
    checkout.review()

    def session_store_down(self, must_create=False):
        raise DatabaseError("the session table is unavailable")

    monkeypatch.setattr(SessionStore, "save", session_store_down)
    response = checkout.press_place_order()
    monkeypatch.undo()

    order = Order.objects.get()
    # The link itself says which order: it shows even in a browser with no session.
    assert order.number in thank_you(Client(), response)
    paid_once(checkout.stripe, order)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_an_order_whose_placing_failed_after_the_charge_is_placed_by_the_worker(
    checkout, wrap, celery_worker_factory, localstripe_url
):
    """A hook run inside the order's transaction fails (here: the first time only,
    in the web process): the charge stands, the shopper is told their order is
    being confirmed, and the periodic task places it."""

    def hook_fails(sender, **kwargs):
        raise RuntimeError("a hook failed")

    checkout.up_to_payment(wrap)
    checkout.review()
    order_placed.connect(hook_fails)
    try:
        response = checkout.press_place_order()
    finally:
        order_placed.disconnect(hook_fails)

    payment = CardPayment.objects.get()
    page = thank_you(checkout.client, response)
    assert payment.order_number in page
    assert "being confirmed" in page
    assert not Order.objects.exists()
    assert payment.status == CardPayment.Status.PENDING
    assert [i.id for i in charged_intents(checkout.stripe, payment.basket_id)] == [
        payment.intent_id
    ]

    worker = celery_worker_factory(STRIPE_API_BASE=localstripe_url)
    settle_unsettled_payments.delay(older_than_seconds=0)
    [run] = worker.wait_for_finished(settle_unsettled_payments.name)
    assert run["state"] == "SUCCESS"

    order = Order.objects.get()
    assert order.number == payment.order_number
    paid_once(checkout.stripe, order)
    reloaded = checkout.client.get(reverse("checkout:thank-you"))
    assert order.number in reloaded.content.decode()
    assert "being confirmed" not in reloaded.content.decode()
    # "Place order" pressed again meanwhile: that order, nothing charged twice.
    assert order.number in thank_you(checkout.client, checkout.press_place_order())
    assert Order.objects.count() == 1
    paid_once(checkout.stripe, order)


@pytest.mark.django_db
def test_a_second_purchase_being_confirmed_shows_its_own_number(checkout, wrap):
    checkout.up_to_payment(wrap)
    checkout.place_order()
    first = Order.objects.get()

    def hook_fails(sender, **kwargs):
        raise RuntimeError("a hook failed")

    checkout.up_to_payment(wrap)
    checkout.review()
    order_placed.connect(hook_fails)
    try:
        page = thank_you(checkout.client, checkout.press_place_order())
    finally:
        order_placed.disconnect(hook_fails)

    pending = CardPayment.objects.get(order=None)
    assert pending.order_number in page
    assert first.number not in page


@pytest.mark.django_db
def test_a_bug_after_the_charge_keeps_the_charge_for_the_order(checkout, wrap, caplog):
    """Only an order that cannot be placed (sold out, a voucher used up) is refunded.
    A bug (here a ValueError in a hook inside the order's transaction) is logged; the
    shopper is told their order is being confirmed, and it is placed once fixed."""

    def hook_has_a_bug(sender, **kwargs):
        raise ValueError("a bug")

    checkout.up_to_payment(wrap)
    checkout.review()
    order_placed.connect(hook_has_a_bug)
    try:
        page = thank_you(checkout.client, checkout.press_place_order())
    finally:
        order_placed.disconnect(hook_has_a_bug)

    payment = CardPayment.objects.get()
    assert payment.order_number in page
    assert "being confirmed" in page
    assert payment.status == CardPayment.Status.PENDING
    assert not Order.objects.exists()
    refunds = checkout.stripe.v1.refunds.list().data
    assert not [r for r in refunds if r.payment_intent == payment.intent_id]
    assert any(
        r.levelname == "ERROR" and r.exc_info and r.exc_info[0] is ValueError
        for r in caplog.records
    )

    settle_payment(payment_id=payment.pk)
    order = Order.objects.get()
    assert order.number == payment.order_number
    paid_once(checkout.stripe, order)
