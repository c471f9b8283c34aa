from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.apps.basket.models import Basket
from oscar.apps.order.models import Order

from shop.checkout.models import CardPayment
from tests.shop.conftest import CARD_3DS, CARD_DECLINED, charged_intents
from tests.support.payments import ADDRESS

pytestmark = pytest.mark.django_db


def test_a_guest_pays_by_card_and_gets_a_paid_order(
    checkout, wrap, django_capture_on_commit_callbacks
):
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
    assert len(callbacks) == 2  # the confirmation email, the product's sales count
    thanks = checkout.client.get(response.url)
    assert order.number in thanks.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_declined_card_places_no_order_and_keeps_the_basket(checkout, wrap):
    checkout.up_to_payment(wrap, quantity=2, number=CARD_DECLINED)

    response = checkout.place_order()

    assert response.status_code == 302
    assert response.url == reverse("checkout:payment-details")
    page = checkout.client.get(response.url)
    assert "Your card was declined." in messages_of(page)
    assert not Order.objects.exists()
    basket = Basket.objects.get()
    assert basket.status == Basket.OPEN
    assert basket.num_items == 2
    wrap.stockrecords.get().refresh_from_db()
    assert wrap.stockrecords.get().num_allocated in (None, 0)


def test_a_second_place_order_after_the_first_charges_nothing_and_shows_the_order(checkout, wrap):
    checkout.up_to_payment(wrap)
    first = checkout.place_order()
    again = checkout.press_place_order()  # the back button, or a second click

    assert first.url == reverse("checkout:thank-you")
    assert again.status_code == 302
    assert again.url == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.number in checkout.client.get(again.url).content.decode()
    assert CardPayment.objects.count() == 1
    charged = charged_intents(checkout.stripe, order.basket_id)
    assert [i.id for i in charged] == [order.card_payment.intent_id]


def authenticate_3ds(stripe_api, settings, intent_id: str, success: bool = True) -> None:
    """What the shopper does in the 3-D Secure dialog of Stripe.js."""
    import requests

    intent = stripe_api.v1.payment_intents.retrieve(intent_id)
    response = requests.post(
        f"{settings.STRIPE_API_BASE}/v1/payment_intents/{intent_id}/_authenticate",
        data={
            "key": settings.STRIPE_PUBLISHABLE_KEY,
            "client_secret": intent.client_secret,
            "success": "true" if success else "false",
        },
        timeout=10,
    )
    response.raise_for_status()


def test_3d_secure_is_confirmed_in_the_browser_then_the_order_is_placed(checkout, wrap, settings):
    checkout.up_to_payment(wrap, number=CARD_3DS)

    response = checkout.place_order()

    assert response.url == reverse("checkout:payment-authentication")
    page = checkout.client.get(response.url)
    payment = CardPayment.objects.get()
    assert f'data-client-secret="{payment.intent_id}_secret_' in page.content.decode()
    assert not Order.objects.exists()

    authenticate_3ds(checkout.stripe, settings, payment.intent_id)
    back = checkout.client.post(reverse("checkout:payment-authentication"))

    assert back.url == reverse("checkout:thank-you")
    assert Order.objects.get().status == "Paid"


def test_failed_3d_secure_places_no_order(checkout, wrap, settings):
    checkout.up_to_payment(wrap, number=CARD_3DS)
    checkout.place_order()
    payment = CardPayment.objects.get()

    authenticate_3ds(checkout.stripe, settings, payment.intent_id, success=False)
    back = checkout.client.post(reverse("checkout:payment-authentication"), follow=True)

    assert back.redirect_chain[-1][0] == reverse("checkout:payment-details")
    assert "failed authentication" in " ".join(messages_of(back))
    assert not Order.objects.exists()
    assert Basket.objects.get(pk=payment.basket_id).status == Basket.OPEN


def test_an_amount_that_no_longer_matches_the_order_is_refunded(checkout, wrap, settings):
    checkout.up_to_payment(wrap, number=CARD_3DS)
    checkout.place_order()
    payment = CardPayment.objects.get()
    # The price changes while the shopper is with their bank.
    wrap.stockrecords.update(price=Decimal("40.00"))
    authenticate_3ds(checkout.stripe, settings, payment.intent_id)

    back = checkout.client.post(reverse("checkout:payment-authentication"), follow=True)

    assert not Order.objects.exists()
    assert any("does not match your order total" in m for m in messages_of(back))
    refunds = checkout.stripe.v1.refunds.list().data
    assert [r.amount for r in refunds if r.payment_intent == payment.intent_id] == [3995]


@pytest.mark.parametrize(
    ("payment_method", "status"),
    [("", 400), ("tok_visa", 400), ("pm_" + "x" * 300, 400), ("pm_<script>", 400)],
)
def test_malformed_payment_method_ids_are_refused(checkout, wrap, payment_method, status):
    checkout.add(wrap)
    checkout.as_guest()
    checkout.ship()

    response = checkout.client.post(reverse("checkout:preview"), {"payment_method": payment_method})

    assert response.status_code == status
    assert "card details" in response.content.decode()
    assert checkout.client.get(reverse("checkout:preview")).url == reverse(
        "checkout:payment-details"
    )


def test_an_unknown_payment_method_places_no_order(checkout, wrap):
    checkout.add(wrap)
    checkout.as_guest()
    checkout.ship()
    refused = checkout.client.post(reverse("checkout:preview"), {"payment_method": "pm_madeUp123"})
    assert refused.status_code == 400

    response = checkout.place_order()

    assert response.url == reverse("checkout:payment-details")
    assert not Order.objects.exists()
    assert Basket.objects.get().status == Basket.OPEN


def test_placing_an_order_without_card_details_asks_for_them(checkout, wrap):
    checkout.add(wrap)
    checkout.as_guest()
    checkout.ship()

    response = checkout.place_order()

    assert response.url == reverse("checkout:payment-details")
    assert not Order.objects.exists()


def test_the_whole_shipping_address_reaches_the_order(checkout, wrap):
    checkout.add(wrap)
    checkout.as_guest()
    checkout.ship(address={**ADDRESS, "phone_number": "+1 503 555 0100", "notes": "Side door"})
    checkout.enter_card()
    checkout.place_order()

    address = Order.objects.get().shipping_address
    assert (address.line1, address.country_id) == ("12 Trail Road", "US")
    assert str(address.phone_number) == "+15035550100"
    assert address.notes == "Side door"
