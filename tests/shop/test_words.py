"""The shop says Cart and Coupon wherever a shopper reads it (pages and messages),
and the cart names a coupon by its code and what it takes off."""

import re

import html5lib
import pytest
from django.urls import reverse
from django.utils.html import strip_tags

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


def said(response) -> list[str]:
    """The messages a page shows, as text."""
    return [" ".join(strip_tags(str(message)).split()) for message in response.context["messages"]]


def test_oscars_own_messages_say_cart_and_coupon(client, wrap):
    from tests.shop.factories import ten_percent_voucher

    ten_percent_voucher("RUN10")
    ten_percent_voucher("OLD10", expired=True)
    basket_url = reverse("basket:summary")
    empty = client.get(basket_url)
    not_yet = client.get(reverse("checkout:index"), follow=True)
    too_many = client.post(
        reverse("basket:add", kwargs={"pk": wrap.pk}), {"quantity": 101}, follow=True
    )
    added = client.post(reverse("basket:add", kwargs={"pk": wrap.pk}), {"quantity": 1}, follow=True)

    def enter(code):
        return client.post(reverse("basket:vouchers-add"), {"code": code}, follow=True)

    applied, again, unknown, expired, blank = (
        enter(code) for code in ("RUN10", "RUN10", "NOPE10", "OLD10", "")
    )
    voucher = client.get(basket_url).context["basket"].vouchers.get()
    removed = client.post(reverse("basket:vouchers-remove", kwargs={"pk": voucher.pk}), follow=True)

    assert "Your cart is empty." in visible_text(empty)
    assert said(not_yet) == ["Your cart is empty: add something to it before you check out."]
    assert said(too_many) == ["we have only 100 in stock"]
    assert f"{wrap.get_title()} has been added to your cart." in said(added)
    assert said(applied) == ["Coupon 'RUN10' applied to your cart."]
    assert said(again) == ["The coupon 'RUN10' is already applied to your cart."]
    assert said(unknown) == ["No coupon has the code 'NOPE10'. Please check it and try again."]
    assert said(expired) == ["The coupon 'OLD10' has expired."]
    assert said(blank) == ["Please enter a coupon code."]
    assert said(removed) == ["Coupon 'RUN10' removed from your cart."]
    for response in (empty, not_yet, too_many, added, applied, unknown, expired, removed):
        text = " ".join([visible_text(response), *said(response)])
        found = re.findall(r"\w*(?:basket|voucher)\w*", text, flags=re.IGNORECASE)
        assert not found, f"{response.request['PATH_INFO']} says {found}"


def test_the_compiled_words_are_those_of_the_po_file():
    """The .mo Django reads is committed; it must say what the .po says (`make messages`)."""
    import gettext
    from pathlib import Path

    from babel.messages.pofile import read_po
    from django.conf import settings

    folder = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
    with open(folder / "django.po", "rb") as po:
        written = {m.id: m.string for m in read_po(po) if m.id}
    with open(folder / "django.mo", "rb") as mo:
        compiled = {k: v for k, v in gettext.GNUTranslations(mo)._catalog.items() if k}
    assert compiled == written, "run `make messages` and commit locale/en/LC_MESSAGES/django.mo"
