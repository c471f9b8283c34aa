import re
from decimal import Decimal

import pytest
from django.urls import reverse

from newsletter import services, tokens
from shop.core.outbox import services as outbox
from shop.core.outbox.models import Email
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def code():
    subscriber = SubscriberFactory()
    return services.subscriber_confirm(token=tokens.confirm_token(subscriber.pk)).voucher.code


def add_to_basket(client, product):
    response = client.post(reverse("basket:add", args=[product.pk]), {"quantity": 1})
    assert response.status_code == 302


def basket_discount(client) -> Decimal:
    basket = client.get(reverse("basket:summary")).context["basket"]
    return basket.total_excl_tax_excl_discounts - basket.total_excl_tax


def test_the_coupon_email_carries_the_code_an_apply_link_and_one_click_unsubscribe(mailoutbox):
    subscriber = SubscriberFactory()
    services.subscriber_confirm(token=tokens.confirm_token(subscriber.pk))
    coupon = Email.objects.get(kind="newsletter.coupon")

    outbox.send(email_id=coupon.pk)

    [email] = mailoutbox
    code = subscriber.__class__.objects.get().voucher.code
    assert code in email.body
    assert f"/newsletter/apply/{code}/" in email.body
    html = email.alternatives[0].content
    assert code in html and "Unsubscribe</a>" in html
    unsubscribe = email.extra_headers["List-Unsubscribe"]
    # The token is signed with the time: read it back rather than sign another.
    token = re.search(r"/newsletter/unsubscribe/([^/]+)/>", unsubscribe)[1]
    assert tokens.read_unsubscribe_token(token) == subscriber.pk
    assert "<mailto:hello@simplyjnj.com?subject=unsubscribe" in unsubscribe
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    coupon.refresh_from_db()
    assert coupon.status == "sent" and coupon.message_id == email.extra_headers["Message-ID"]


def test_the_coupon_email_names_what_the_cart_shows(client, wrap, mailoutbox):
    subscriber = SubscriberFactory()
    services.subscriber_confirm(token=tokens.confirm_token(subscriber.pk))
    outbox.send(email_id=Email.objects.get(kind="newsletter.coupon").pk)
    add_to_basket(client, wrap)
    cart = client.get(reverse("basket:summary")).content.decode()

    [email] = mailoutbox
    quoted = re.findall(r'"([^"]+)"', email.body)
    assert quoted and all(words in cart for words in quoted), quoted


def test_the_apply_link_takes_exactly_ten_percent_off_the_basket(client, wrap, code):
    wrap.stockrecords.update(price=Decimal("24.99"))  # a sale price, as staff may set
    add_to_basket(client, wrap)
    response = client.get(reverse("newsletter:apply", args=[code.lower()]))
    assert response.status_code == 302 and response.url == reverse("basket:summary")
    assert basket_discount(client) == Decimal("2.50")  # 10% of 24.99, as Oscar rounds


def test_a_code_opened_with_an_empty_basket_applies_with_the_first_product(client, wrap, code):
    response = client.get(reverse("newsletter:apply", args=[code]), follow=True)
    assert f"Your code {code} will be applied" in response.content.decode()
    add_to_basket(client, wrap)
    assert basket_discount(client) == Decimal("3.40")  # 10% of 34.00


def test_an_unknown_code_is_refused_with_oscars_message(client, wrap):
    add_to_basket(client, wrap)
    response = client.get(reverse("newsletter:apply", args=["AAAA-AAAA-AAAA"]), follow=True)
    assert "No coupon has the code" in response.content.decode()
    assert basket_discount(client) == 0


def test_voucher_attempts_are_limited_per_session_and_ip(client, wrap, code):
    add_to_basket(client, wrap)
    for n in range(10):
        response = client.post(reverse("basket:vouchers-add"), {"code": f"GUESS-{n:04}"})
        assert response.status_code == 302
    response = client.post(reverse("basket:vouchers-add"), {"code": code})
    assert response.status_code == 429
    assert "Too many voucher codes tried" in response.content.decode()
    assert client.get(reverse("newsletter:apply", args=[code])).status_code == 429
    assert basket_discount(client) == 0
