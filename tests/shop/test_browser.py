"""A shopper buys the wrap in Chromium, paying through localstripe's real Stripe.js card form."""

import pytest
from oscar.apps.order.models import Order

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]


def test_a_shopper_buys_the_wrap_with_the_test_card(page, wrap, stripe_api):
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(wrap.get_absolute_url())
    page.get_by_role("button", name="Add to cart").click()
    page.goto("/checkout/")
    page.get_by_label("My email address is").fill("browser@example.com")
    page.get_by_label("I am a new customer and want to checkout as a guest").check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Runner")
    page.get_by_label("Street address").fill("12 Trail Road")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("State").select_option("OR")
    page.get_by_label("ZIP code").fill("97201")
    page.get_by_role("button", name="Continue").click()

    # One shipping method applies to a single wrap, so Oscar skips the choice.
    card = page.locator("#card-element")
    card.get_by_placeholder("number").fill("4242 4242 4242 4242")  # as printed on the card
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("34")  # two digits, as on the card
    card.get_by_placeholder("cvc").fill("123")
    card.get_by_placeholder("postal_code").fill("97201")
    page.get_by_role("button", name="Continue to review your order").click()

    page.wait_for_url("**/checkout/preview/")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/checkout/thank-you/")

    order = Order.objects.get()
    assert order.number in page.content()
    assert "Paid $39.95 by Visa card ending 4242." in page.content()
    assert order.status == "Paid"
    assert order.guest_email == "browser@example.com"
    assert not errors
