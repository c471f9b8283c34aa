from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.apps.basket.models import Basket
from oscar.apps.order.models import Order

from shop.checkout.models import CardPayment
from tests.shop.conftest import CARD_3DS, CARD_DECLINED

pytestmark = pytest.mark.django_db


def test_a_guest_pays_by_card_and_gets_a_paid_order(checkout, wrap, django_capture_on_commit_callbacks):
    checkout.up_to_payment(wrap, quantity=2, method="free-over-threshold")
    with django_capture_on_commit_callbacks() as callbacks:
        response = checkout.place_order()

    assert response.status_code == 302
    assert response.url == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.status == "Paid"
    assert order.guest_email == "jo@example.com"
    # Two wraps at $34.00 reach the free-shipping threshold.
    assert order.total_incl_tax == Decimal("68.00")
    assert order.shipping_code == "free-over-threshold"
    intent = checkout.stripe.v1.payment_intents.retrieve(order.card_payment.intent_id)
    assert (intent.status, intent.amount, intent.currency) == ("succeeded", 6800, "usd")
    assert len(callbacks) == 1
    thanks = checkout.client.get(response.url)
    assert order.number in thanks.content.decode()
