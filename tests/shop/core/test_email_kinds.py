"""Every kind of email the site sends, rendered as it goes out: one branded layout,
text and HTML, the site's words (Cart, Coupon), absolute links; and SpamAssassin's
offline score of each below 2."""

import re
import subprocess
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from oscar.apps.address.models import Country
from oscar.apps.basket.models import Basket
from oscar.apps.offer.applicator import Applicator
from oscar.apps.order.models import ShippingAddress
from oscar.apps.partner.strategy import Selector
from oscar.test.factories import create_order

from blog.models import Comment
from newsletter.models import NewsletterIssue, Subscriber
from newsletter.services import welcome_voucher_create
from shop.core.outbox import messages
from shop.core.outbox.models import Email
from shop.core.privacy.models import PrivacyRequest
from shop.shipping.methods import Standard
from tests.blog.factories import CommentFactory
from tests.conftest import SPAMASSASSIN
from tests.shop.factories import ten_percent_voucher

pytestmark = pytest.mark.django_db


def _comment_held():
    comment = CommentFactory(status=Comment.Status.PENDING, email="reader@example.net")
    return {"comment": comment.pk}, "staff@example.com"


def _order_with_coupon(wrap):
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy()
    basket.add_product(wrap)
    basket.vouchers.add(ten_percent_voucher("V4XF-9KQM-2PRT"))
    Applicator().apply(basket, AnonymousUser())
    country, _ = Country.objects.get_or_create(iso_3166_1_a2="US", defaults={"name": "USA"})
    address = ShippingAddress.objects.create(
        first_name="Jo", last_name="Runner", line1="1 Main Street", line4="Boulder",
        state="CO", postcode="80301", country=country,
    )  # fmt: skip
    order = create_order(
        basket=basket,
        shipping_method=Standard(),
        shipping_address=address,
        user=AnonymousUser(),
        guest_email="jo@example.com",
    )
    return {"order": order.pk}, "jo@example.com"


def _user(active: bool):
    return get_user_model().objects.create_user(
        username=f"jo{active}", email="jo@example.com", password="x" * 20, is_active=active
    )


def _activate():
    user = _user(active=False)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return {"user": user.pk, "uid": uid, "token": default_token_generator.make_token(user)}, (
        user.email
    )


def _subscriber(status: str, *, with_code: bool = False) -> Subscriber:
    subscriber = Subscriber.objects.create(email="reader@example.org", status=status)
    if with_code:
        subscriber.voucher = welcome_voucher_create()
        subscriber.save()
    return subscriber


def _newsletter(status: str, *, with_code: bool = False, issue: bool = False):
    subscriber = _subscriber(status, with_code=with_code)
    context = {"subscriber": subscriber.pk}
    if issue:
        context["issue"] = _issue().pk
    return context, subscriber.email


def _issue() -> NewsletterIssue:
    return NewsletterIssue.objects.create(
        subject="Five stretches for runners' hips",
        body="Hello runners,\n\nOur [ice gel wrap](/catalogue/) helps after a long run.\n\n"
        "1. Hip flexor stretch\n2. Pigeon pose\n\n**Stay well!**",
    )


KINDS = {
    "blog.comment_held": lambda wrap: _comment_held(),
    "checkout.order_confirmation": _order_with_coupon,
    "customer.activate": lambda wrap: _activate(),
    "customer.already_registered": lambda wrap: ({}, "jo@example.com"),
    "customer.password_reset": lambda wrap: ({"user": _user(active=True).pk}, "jo@example.com"),
    "customer.password_changed": lambda wrap: ({}, "jo@example.com"),
    "customer.email_changed": lambda wrap: ({"new_email": "jo.new@example.com"}, "jo@example.com"),
    "newsletter.confirm": lambda wrap: _newsletter("pending"),
    "newsletter.coupon": lambda wrap: _newsletter("confirmed", with_code=True),
    "newsletter.already_subscribed": lambda wrap: _newsletter("confirmed", with_code=True),
    "newsletter.issue": lambda wrap: _newsletter("confirmed", issue=True),
    "newsletter.issue_test": lambda wrap: ({"issue": _issue().pk}, "staff@example.com"),
    "privacy.request_link": lambda wrap: (
        {
            "request": PrivacyRequest.objects.create(
                kind="erase", email="jo@example.com", mailbox_key="k"
            ).pk
        },
        "jo@example.com",
    ),
}
# What the site calls these, where the kind speaks of them.
SITE_WORDS = {
    "checkout.order_confirmation": ["Cart subtotal", "Coupon V4XF-9KQM-2PRT"],
    "newsletter.coupon": ["coupon code", "cart"],
    "newsletter.already_subscribed": ["cart"],
}


def rendered(kind: str, wrap):
    context, to = KINDS[kind](wrap)
    message = messages.build(Email.objects.create(kind=kind, to=to, context=context))
    assert message is not None, f"{kind} built nothing"
    return message


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.tags, self.text = [], set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.links += [value for name, value in attrs if name in ("href", "src")]

    def handle_data(self, data):
        self.text.append(data)


def test_every_kind_the_site_sends_is_in_this_test():
    assert set(messages._builders) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_is_text_and_html_in_the_branded_layout_with_absolute_links(kind, wrap, settings):
    settings.SITE_DOMAIN = "shop.example.com"
    message = rendered(kind, wrap)
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    page = _Links()
    page.feed(html)
    words = " ".join(" ".join(page.text).split())

    # One layout: the brand header, the storefront's font and colours, the footer that
    # says who writes and why; inline styles only (mail clients drop <style>).
    assert "style" not in page.tags and "link" not in page.tags and "script" not in page.tags
    assert 'href="https://shop.example.com/"' in html and "SimplyJnJ" in words
    assert "system-ui" in html and "#0a4f5a" in html
    assert "hello@simplyjnj.com" in words and "You get this" in words
    assert message.body.startswith("SimplyJnJ: Health products for a speedy recovery")
    assert "You get this" in message.body and "hello@simplyjnj.com" in message.body

    # Links on the one public host, in both parts.
    for link in page.links:
        assert link.startswith(("https://shop.example.com/", "mailto:")), link
    for link in re.findall(r"[a-z]+://[^\s)>]+", message.body):
        assert link.startswith("https://shop.example.com/"), link
    assert not re.search(r"(^|[\s(<])/\w", message.body, re.M), "a relative link"

    # The site's words: Cart and Coupon, never Oscar's basket and voucher.
    for text in (message.subject, message.body, words):
        without_links = re.sub(r"https?://\S+", "", text)
        assert not re.search(r"basket|voucher", without_links, re.I), text
    for word in SITE_WORDS.get(kind, []):
        assert word in words and word in message.body, word


def test_the_order_email_shows_the_coupon_discount_shipping_and_total(wrap):
    message = rendered("checkout.order_confirmation", wrap)
    # $34.00, 10% off with the coupon, $5.95 shipping.
    assert re.search(r"Cart subtotal: \$34\.00\nCoupon V4XF-9KQM-2PRT: -\$3\.40\n", message.body)
    assert "Standard shipping (3-5 business days): $5.95" in message.body
    assert "Total paid: $36.55" in message.body
    html = message.alternatives[0].content
    for amount in ("$34.00", "&minus;$3.40", "$5.95", "$36.55"):
        assert amount in html


def test_the_newsletter_issue_s_relative_links_are_absolute_in_both_parts(wrap, settings):
    settings.SITE_DOMAIN = "shop.example.com"
    message = rendered("newsletter.issue", wrap)
    link = '<a href="https://shop.example.com/catalogue/" style="color: #0b5f6c;">ice gel wrap</a>'
    assert link in message.alternatives[0].content
    assert "[ice gel wrap](https://shop.example.com/catalogue/)" in message.body


@pytest.mark.spamassassin
def test_spamassassin_offline_scores_every_kind_below_2(wrap, tmp_path, settings):
    """SpamAssassin's local rules only (-L: no DNS or network tests), one run over an
    mbox of every kind."""
    settings.DEBUG = False  # links as production writes them (https)
    settings.SITE_DOMAIN = "simplyjnj.com"
    mbox = tmp_path / "kinds.mbox"
    with mbox.open("wb") as out:
        for kind in sorted(KINDS):
            Subscriber.objects.all().delete()
            out.write(b"From sender@simplyjnj.com Thu Jan  1 00:00:00 2025\n")
            out.write(rendered(kind, wrap).message().as_bytes().replace(b"\nFrom ", b"\n>From "))
            out.write(b"\n")
    result = subprocess.run(
        # No Bayes: a fixed score, and nothing learnt into a home directory.
        [SPAMASSASSIN, "-L", "-t", "--cf=use_bayes 0", "--cf=bayes_auto_learn 0", "--mbox", mbox],
        capture_output=True,
        check=True,
        timeout=120,
    )
    reports = re.findall(
        rb"^X-Spam-Status: \w+, score=(-?[\d.]+) .*?tests=([^\n]*(?:\n\t[^\n]*)*)",
        result.stdout,
        re.M,
    )
    assert len(reports) == len(KINDS)
    scores = {
        kind: (float(score), b" ".join(tests.split()).decode())
        for kind, (score, tests) in zip(sorted(KINDS), reports, strict=True)
    }
    assert all(score < 2 for score, _ in scores.values()), scores
