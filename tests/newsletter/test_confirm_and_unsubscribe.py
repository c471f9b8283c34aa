import time
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from oscar.apps.voucher.models import Voucher

from newsletter import services, tokens
from newsletter.models import Subscriber
from shop.core.outbox.models import Email
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def confirm_url(subscriber) -> str:
    return reverse("newsletter:confirm", args=[tokens.confirm_token(subscriber.pk)])


def unsubscribe_url(subscriber) -> str:
    return reverse("newsletter:unsubscribe", args=[tokens.unsubscribe_token(subscriber.pk)])


def test_opening_the_confirm_link_shows_a_button_and_confirms_nothing(client):
    subscriber = SubscriberFactory()
    response = client.get(confirm_url(subscriber))
    assert response.status_code == 200
    assert "Confirm my subscription" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"


def test_pressing_the_button_confirms_and_issues_one_welcome_voucher(client):
    subscriber = SubscriberFactory()
    response = client.post(confirm_url(subscriber))
    assert response.status_code == 200
    assert "Your 10%-off code is on its way" in response.content.decode()
    # No signup box offered again to someone who has just subscribed.
    assert "Save 10% Off Our Products" not in response.content.decode()

    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"
    assert subscriber.confirmed is not None
    voucher = subscriber.voucher
    assert voucher.usage == Voucher.SINGLE_USE
    assert len(voucher.code) == 14 and voucher.code.count("-") == 2
    assert not set(voucher.code) & set("O0I1LSZB58")
    assert voucher.end_datetime - voucher.start_datetime == timedelta(days=30)
    offer = voucher.offers.get()
    assert offer.name == "Newsletter welcome: 10% off"
    assert offer.benefit.type == "Percentage" and offer.benefit.value == 10
    assert offer.benefit.range.includes_all_products
    assert Email.objects.get(context__subscriber=subscriber.pk).kind == "newsletter.coupon"


def test_every_subscriber_gets_a_different_code_under_one_offer(client):
    first, second = SubscriberFactory(), SubscriberFactory()
    client.post(confirm_url(first))
    client.post(confirm_url(second))
    first.refresh_from_db(), second.refresh_from_db()
    assert first.voucher.code != second.voucher.code
    assert first.voucher.offers.get() == second.voucher.offers.get()


def test_a_replayed_confirm_link_gets_a_clear_409_and_no_second_voucher(client):
    subscriber = SubscriberFactory()
    client.post(confirm_url(subscriber))
    response = client.post(confirm_url(subscriber))
    assert response.status_code == 409
    assert "already been used" in response.content.decode()
    assert Voucher.objects.count() == 1


def test_a_tampered_link_gets_a_clear_400(client):
    subscriber = SubscriberFactory()
    token = tokens.confirm_token(subscriber.pk)
    for bad in [token[:-1] + ("A" if token[-1] != "A" else "B"), "garbage", "x" * 5000, "é:ü"]:
        for method in (client.get, client.post):
            response = method(reverse("newsletter:confirm", args=[bad]))
            assert response.status_code == 400
            assert "not valid" in response.content.decode()
    # A valid unsubscribe token is no confirm token.
    response = client.post(reverse("newsletter:confirm", args=[tokens.unsubscribe_token(1)]))
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"


def test_an_expired_link_gets_a_clear_410(client):
    subscriber = SubscriberFactory()
    with mock.patch("time.time", return_value=time.time() - 4 * 24 * 3600):
        url = confirm_url(subscriber)  # sent four days ago; links last three
    response = client.post(url)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"


def test_a_resignup_while_confirmed_writes_an_already_subscribed_email_and_no_new_code():
    subscriber = SubscriberFactory()
    services.subscriber_confirm(token=tokens.confirm_token(subscriber.pk))
    services.subscriber_signup(email=subscriber.email, ip_address=None, source="/")
    kinds = Email.objects.filter(context__subscriber=subscriber.pk).values_list("kind", flat=True)
    assert sorted(kinds) == ["newsletter.already_subscribed", "newsletter.coupon"]
    assert Voucher.objects.count() == 1


def test_unsubscribing_then_signing_up_again_gives_no_new_voucher():
    subscriber = SubscriberFactory()
    services.subscriber_confirm(token=tokens.confirm_token(subscriber.pk))
    code = Subscriber.objects.get().voucher.code
    services.subscriber_unsubscribe(token=tokens.unsubscribe_token(subscriber.pk))

    services.subscriber_signup(email=subscriber.email, ip_address=None, source="/")
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"
    services.subscriber_confirm(token=tokens.confirm_token(subscriber.pk))
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"
    assert subscriber.voucher.code == code
    assert Voucher.objects.count() == 1
    # The unused code is sent again, as the page after confirming says.
    assert Email.objects.filter(kind="newsletter.coupon").count() == 2


def test_aliases_of_one_gmail_mailbox_get_one_voucher_between_them(client):
    client.post(reverse("newsletter:signup"), {"email": "a.b+x@gmail.com", "consent": "on"})
    client.post(reverse("newsletter:signup"), {"email": "ab@googlemail.com", "consent": "on"})
    subscriber = Subscriber.objects.get()
    client.post(confirm_url(subscriber))
    client.post(confirm_url(subscriber))
    assert Voucher.objects.count() == 1


def test_a_disposable_domain_gets_the_newsletter_but_no_coupon(client):
    response = client.post(
        reverse("newsletter:signup"), {"email": "grab@mailinator.com", "consent": "on"}
    )
    assert "Check your inbox" in response.content.decode()
    subscriber = Subscriber.objects.get()
    response = client.post(confirm_url(subscriber))
    assert response.status_code == 200
    assert "code" not in response.content.decode().split("You are subscribed")[1].split("</p>")[0]
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"
    assert subscriber.voucher is None
    assert not Voucher.objects.exists()
    assert not Email.objects.filter(kind="newsletter.coupon").exists()


def test_one_click_unsubscribe_post_needs_no_session_or_csrf_token():
    subscriber = SubscriberFactory(status="confirmed")
    mail_provider = Client(enforce_csrf_checks=True)
    response = mail_provider.post(
        unsubscribe_url(subscriber),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    assert subscriber.unsubscribed is not None


def test_opening_the_unsubscribe_link_alone_does_not_unsubscribe(client):
    subscriber = SubscriberFactory(status="confirmed")
    response = client.get(unsubscribe_url(subscriber))
    assert response.status_code == 200
    assert "Unsubscribe" in response.content.decode()
    assert '<form method="post">' in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"


def test_a_tampered_unsubscribe_link_gets_a_400():
    subscriber = SubscriberFactory(status="confirmed")
    url = unsubscribe_url(subscriber)
    response = Client(enforce_csrf_checks=True).post(url[:-3] + "xx/")
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"


def test_other_newsletter_forms_still_need_a_csrf_token():
    subscriber = SubscriberFactory()
    response = Client(enforce_csrf_checks=True).post(confirm_url(subscriber))
    assert response.status_code == 403
    response = Client(enforce_csrf_checks=True).post(
        reverse("newsletter:signup"), {"email": "a@example.com", "consent": "on"}
    )
    assert response.status_code == 403
