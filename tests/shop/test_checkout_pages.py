"""What a shopper reads on the checkout's pages: the steps, the order summary
beside them, a US address form, and how the order was paid."""

import html5lib
import pytest
from django.urls import reverse

from tests.support.payments import ADDRESS

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200, response.status_code
    return html5lib.parse(response.content, namespaceHTMLElements=False)


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def steps(document) -> list[tuple[str, str]]:
    """The step bar as (label, state) pairs."""
    found = []
    for item in document.findall(".//nav[@class='checkout-steps']//li"):
        classes = item.get("class")
        state = (
            "current" if "--current" in classes else "done" if "--done" in classes else "to come"
        )
        found.append((text(item).replace(" (done)", ""), state))
    return found


def test_one_shipping_method_is_not_shown_as_a_step_done(checkout, wrap):
    checkout.add(wrap)
    checkout.as_guest()
    checkout.ship()
    document = parse(checkout.client.get(reverse("checkout:payment-details")))
    assert steps(document) == [
        ("Address", "done"),
        ("Payment", "current"),
        ("Review", "to come"),
        ("Done", "to come"),
    ]


def test_a_choice_of_shipping_methods_is_a_step(checkout, wrap):
    checkout.add(wrap, quantity=2)  # $68.00: free shipping is offered beside standard
    checkout.as_guest()
    document = parse(checkout.client.get(reverse("checkout:shipping-address")))
    assert [label for label, _ in steps(document)] == [
        "Address",
        "Shipping",
        "Payment",
        "Review",
        "Done",
    ]


def test_every_step_has_the_order_summary_beside_it(checkout, wrap):
    checkout.add(wrap)
    checkout.as_guest()
    for name in ("checkout:shipping-address",):
        summary = parse(checkout.client.get(reverse(name))).find(".//aside")
        assert "Order summary" in text(summary)
        assert wrap.get_title() in text(summary)
        assert "$39.95" in text(summary)  # $34.00 and standard shipping
        assert "Secure payment" in text(summary)
    checkout.ship()
    summary = parse(checkout.client.get(reverse("checkout:payment-details"))).find(".//aside")
    assert "$39.95" in text(summary)


def test_the_address_form_is_a_us_address(checkout, wrap):
    checkout.add(wrap)
    checkout.as_guest()
    document = parse(checkout.client.get(reverse("checkout:shipping-address")))
    state = document.find(".//select[@name='state']")
    assert state is not None and state.get("required") is not None
    assert "Oregon" in [option.text for option in state.iter("option")]
    assert document.find(".//input[@name='line3']") is None
    labels = [text(label) for label in document.iter("label")]
    assert any(label.startswith("ZIP code") for label in labels)
    assert not any("Post/Zip-code" in label or "State/County" in label for label in labels)

    url = reverse("checkout:shipping-address")
    bad_zip = checkout.client.post(url, {**ADDRESS, "postcode": "9720"})
    assert bad_zip.status_code == 200
    assert "Enter a zip code in the format XXXXX or XXXXX-XXXX." in bad_zip.content.decode()
    no_state = checkout.client.post(url, {**ADDRESS, "state": ""})
    assert no_state.status_code == 200
    assert "This field is required." in no_state.content.decode()
    assert checkout.client.post(url, {**ADDRESS, "postcode": "97201-1234"}).status_code == 302


def test_a_card_number_typed_with_spaces_pays_and_the_card_is_named(checkout, wrap):
    checkout.up_to_payment(wrap, number="4242 4242 4242 4242")
    preview = checkout.review()
    assert "By Visa card ending 4242." in preview.content.decode()
    response = checkout.press_place_order()
    thank_you = checkout.client.get(response.url).content.decode()

    assert "Paid $39.95 by Visa card ending 4242." in thank_you
    assert "Allocation of" not in thank_you
    assert "pi_" not in thank_you
