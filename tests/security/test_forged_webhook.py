"""A forged payment event places no order: it cannot be signed without the real
secret (production refuses to start with the public one), and a signed event is
only a hint to ask Stripe, never believed for what its body says."""

import json

import pytest
from django.urls import reverse
from oscar.apps.order.models import Order

from shop.checkout.models import CardPayment
from tests.shop.conftest import CARD_3DS
from tests.shop.test_checkout import authenticate_3ds
from tests.shop.test_webhook import signed

pytestmark = pytest.mark.django_db

PRODUCTION_SECRET = "whsec_production0webhook0secret"


@pytest.fixture
def awaiting_3ds(checkout, wrap, settings):
    """A shopper pressed "Place order"; their bank asks for 3-D Secure, not done yet.
    Its intent id is in the 3-D Secure page, as anyone in the middle would see it."""
    settings.STRIPE_WEBHOOK_SECRET = PRODUCTION_SECRET
    checkout.up_to_payment(wrap, number=CARD_3DS)
    checkout.place_order()
    return CardPayment.objects.get()


def forged_event(payment: CardPayment, **lies) -> str:
    intent = {
        "id": payment.intent_id,
        "object": "payment_intent",
        "status": "succeeded",
        "amount": int(payment.amount * 100),
        "currency": payment.currency.lower(),
        "metadata": {"basket": str(payment.basket_id), "order_number": payment.order_number},
        **lies,
    }
    return json.dumps(
        {
            "id": "evt_forged",
            "object": "event",
            "type": "payment_intent.succeeded",
            "data": {"object": intent},
        }
    )


def post(client, payload: str, secret: str):
    return client.post(
        reverse("checkout:stripe-webhook"),
        payload,
        content_type="application/json",
        headers={"stripe-signature": signed(payload, secret)},
    )


@pytest.mark.parametrize("secret", ["whsec_localstripe", "whsec_"])
def test_an_event_signed_with_a_public_secret_is_refused(client, awaiting_3ds, secret):
    response = post(client, forged_event(awaiting_3ds), secret)

    assert response.status_code == 400
    assert not Order.objects.exists()


def test_a_signed_event_whose_body_lies_about_the_intent_places_no_order(
    client, checkout, awaiting_3ds, settings
):
    """Even signed (a leaked secret, a replayed event), the body's "succeeded" is not
    believed: Stripe says the intent still waits for 3-D Secure."""
    response = post(client, forged_event(awaiting_3ds), PRODUCTION_SECRET)

    assert response.status_code == 200
    assert not Order.objects.exists()
    awaiting_3ds.refresh_from_db()
    assert awaiting_3ds.status == CardPayment.Status.PENDING
    # The real shopper is not harmed: they confirm with their bank and get their order.
    authenticate_3ds(checkout.stripe, settings, awaiting_3ds.intent_id)
    back = checkout.client.post(reverse("checkout:payment-authentication"))
    assert back.url == reverse("checkout:thank-you")
    assert Order.objects.get().status == "Paid"


def test_a_signed_event_about_an_intent_stripe_does_not_know_is_ignored(client, awaiting_3ds):
    payload = forged_event(awaiting_3ds, id="pi_madeUp000000")

    response = post(client, payload, PRODUCTION_SECRET)

    assert response.status_code == 200
    assert not Order.objects.exists()
