import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse
from oscar.apps.order.models import Order

from shop.checkout.models import CardPayment
from tests.shop.conftest import CARD_3DS
from tests.shop.test_checkout import authenticate_3ds

pytestmark = pytest.mark.django_db


def signed(payload: str, secret: str) -> str:
    timestamp = int(time.time())
    signature = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={signature}"


def post_event(client, settings, intent, secret=None):
    payload = json.dumps(
        {
            "id": "evt_test",
            "object": "event",
            "type": "payment_intent.succeeded",
            "data": {"object": intent.to_dict()},
        }
    )
    return client.post(
        reverse("checkout:stripe-webhook"),
        payload,
        content_type="application/json",
        headers={"stripe-signature": signed(payload, secret or settings.STRIPE_WEBHOOK_SECRET)},
    )


@pytest.fixture
def abandoned_3ds(checkout, wrap, settings):
    """The shopper confirmed 3-D Secure, then closed the tab before coming back."""
    checkout.up_to_payment(wrap, number=CARD_3DS)
    checkout.place_order()
    payment = CardPayment.objects.get()
    authenticate_3ds(checkout.stripe, settings, payment.intent_id)
    return checkout.stripe.v1.payment_intents.retrieve(payment.intent_id)


def test_the_webhook_places_the_paid_order_when_the_browser_never_came_back(
    client, settings, abandoned_3ds
):
    response = post_event(client, settings, abandoned_3ds)

    assert response.status_code == 200
    order = Order.objects.get()
    assert order.status == "Paid"
    assert order.card_payment.intent_id == abandoned_3ds.id
    # Stripe may deliver an event more than once.
    assert post_event(client, settings, abandoned_3ds).status_code == 200
    assert Order.objects.count() == 1


def test_the_browser_coming_back_after_the_webhook_finds_the_order(
    checkout, settings, abandoned_3ds
):
    post_event(checkout.client, settings, abandoned_3ds)

    back = checkout.client.post(reverse("checkout:payment-authentication"))

    assert back.status_code == 302
    assert back.url == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.number in checkout.client.get(back.url).content.decode()


@pytest.mark.parametrize("secret", ["whsec_wrong", "whsec_"])
def test_an_event_with_a_bad_signature_is_refused(client, settings, abandoned_3ds, secret):
    response = post_event(client, settings, abandoned_3ds, secret=secret)
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_garbage_and_get_requests_are_refused(client):
    url = reverse("checkout:stripe-webhook")
    assert client.get(url).status_code == 405
    assert client.post(url, "not json", content_type="application/json").status_code == 400
