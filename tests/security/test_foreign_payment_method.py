"""Only a card set up in this checkout is charged: a PaymentMethod id from another
shopper's checkout (or made anywhere else) is refused before anything is charged."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from oscar.apps.order.models import Order

from shop.checkout.models import CardPayment
from tests.shop.conftest import Checkout, card_payment_method, confirm_card_setup

pytestmark = pytest.mark.django_db


def payment_methods_charged(stripe_api) -> set[str]:
    return {i.payment_method for i in stripe_api.v1.payment_intents.list(params={"limit": 100})}


@pytest.fixture
def victims_card(stripe_api, wrap) -> str:
    """Another shopper entered their card: its PaymentMethod id, as a leak would give it."""
    victim = Checkout(Client(), stripe_api)
    victim.add(wrap)
    victim.as_guest("victim@example.com")
    victim.ship()
    page = victim.client.get(reverse("checkout:payment-details")).content.decode()
    return confirm_card_setup(re.search(r'data-setup-secret="(seti_\w+)"', page)[1])


@pytest.fixture
def attacker(checkout, wrap):
    checkout.add(wrap)
    checkout.as_guest("attacker@example.com")
    checkout.ship()
    checkout.client.get(reverse("checkout:payment-details"))  # their own SetupIntent
    return checkout


@pytest.mark.parametrize("source", ["another shopper's checkout", "made on a server"])
def test_a_payment_method_not_set_up_in_this_checkout_is_refused(
    attacker, victims_card, stripe_api, source
):
    payment_method = (
        victims_card if source == "another shopper's checkout" else card_payment_method(stripe_api)
    )

    response = attacker.client.post(reverse("checkout:preview"), {"payment_method": payment_method})

    assert response.status_code == 400
    assert "We could not use that card. Please enter your card details again." in (
        response.content.decode()
    )
    # Nothing was kept to pay with: "Place order" asks for card details, charges nothing.
    placed = attacker.place_order()
    assert placed.url == reverse("checkout:payment-details")
    assert not Order.objects.exists()
    assert not CardPayment.objects.exists()
    assert payment_method not in payment_methods_charged(stripe_api)
