"""The shop says Cart and Coupon wherever a shopper reads it (pages and messages),
and the cart names a coupon by its code and what it takes off."""

import re

import html5lib
import pytest
from django.urls import reverse

from newsletter import services, tokens
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def visible_text(response) -> str:
    document = html5lib.parse(response.content, namespaceHTMLElements=False)
    for hidden in document.iter():
        if hidden.tag in ("script", "style", "template"):
            hidden.text = ""
    body = document.find("body")
    words = " ".join(" ".join(body.itertext()).split())
    # What buttons and inputs say counts as well.
    values = [el.get("value") or "" for el in body.iter("input") if el.get("type") == "submit"]
    return " ".join([words, *values])


def test_a_shopper_reads_cart_and_coupon_not_basket_and_voucher(client, wrap, checkout):
    code = services.subscriber_confirm(
        token=tokens.confirm_token(SubscriberFactory().pk)
    ).voucher.code
    checkout.add(wrap)
    added = client.get(reverse("basket:summary"))
    applied = client.post(reverse("basket:vouchers-add"), {"code": code}, follow=True)
    checkout.as_guest()
    checkout.ship()
    pages = {
        "product": client.get(wrap.get_absolute_url()),
        "cart": added,
        "cart with the coupon": applied,
        "address": client.get(reverse("checkout:shipping-address")),
        "payment": client.get(reverse("checkout:payment-details")),
        "home": client.get(reverse("home")),
    }
    for name, response in pages.items():
        text = visible_text(response)
        found = re.findall(r"\w*(?:basket|voucher)\w*", text, flags=re.IGNORECASE)
        assert not found, f"{name} says {found}"

    cart = visible_text(applied)
    assert f"Coupon {code} 10% off" in cart
    assert "Newsletter welcome" not in cart
    assert f"({code})" not in cart
