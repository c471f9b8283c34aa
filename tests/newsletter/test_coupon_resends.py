"""What a signup or a confirmation says and sends about the one welcome code, in each
state the code can be in: the email tells the truth, the shared answer promises nothing
it cannot keep."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.apps.voucher.models import Voucher

from newsletter import services, tokens
from newsletter.models import Subscriber
from shop.core.outbox import services as outbox
from shop.core.outbox.models import Email
from tests.newsletter.conftest import signup_data
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
SIGNUP = reverse("newsletter:signup")
PER_REQUEST = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')


def confirmed(email: str = "reader@example.com", code: str = "unused") -> Subscriber:
    """A confirmed subscriber whose welcome code is unused, used on an order, or expired."""
    subscriber = SubscriberFactory(email=email)
    services.subscriber_confirm(token=tokens.confirm_token(subscriber.pk))
    voucher = Subscriber.objects.get(pk=subscriber.pk).voucher
    if code == "used":
        voucher.num_orders = 1
    elif code == "expired":
        voucher.end_datetime = timezone.now() - timedelta(days=1)
    voucher.save()
    Email.objects.all().delete()  # the coupon email of the first confirmation
    return Subscriber.objects.get(pk=subscriber.pk)


def sent(mailoutbox, kind: str):
    """Send the one email of `kind` in the outbox; the message as it went out."""
    email = Email.objects.get(kind=kind)
    outbox.send(email_id=email.pk)
    return mailoutbox[-1]


def test_signing_up_again_with_an_unused_code_sends_that_code_again(mailoutbox):
    subscriber = confirmed()
    services.subscriber_signup(email=subscriber.email, ip_address=None, source="/")

    message = sent(mailoutbox, "newsletter.already_subscribed")
    assert "already subscribed" in message.subject
    assert subscriber.voucher.code in message.body
    assert f"/newsletter/apply/{subscriber.voucher.code}/" in message.body
    assert Voucher.objects.count() == 1


@pytest.mark.parametrize(
    "code, says",
    [("used", "You have already used your 10%-off code"), ("expired", "expired on")],
)
def test_signing_up_again_with_a_used_or_expired_code_says_so_and_offers_no_code(
    mailoutbox, code, says
):
    subscriber = confirmed(code=code)
    services.subscriber_signup(email=subscriber.email, ip_address=None, source="/")

    message = sent(mailoutbox, "newsletter.already_subscribed")
    html = message.alternatives[0].content
    for part in (message.body, html):
        assert says in part and "no new code" in part
        assert "/newsletter/apply/" not in part and "Apply my coupon" not in part
    assert not Email.objects.filter(kind="newsletter.coupon").exists()
    assert Voucher.objects.count() == 1


def back_after_unsubscribing(client, mailoutbox, subscriber: Subscriber):
    """Unsubscribe, sign up again, press the confirm email's button: that email and
    the page they see."""
    services.subscriber_unsubscribe(token=tokens.unsubscribe_token(subscriber.pk))
    services.subscriber_signup(email=subscriber.email, ip_address=None, source="/")
    confirm = sent(mailoutbox, "newsletter.confirm")
    response = client.post(link_path(confirm))
    assert response.status_code == 200
    return confirm, response.content.decode()


def test_back_after_unsubscribing_the_unused_code_that_the_page_promises_comes(client, mailoutbox):
    subscriber = confirmed()
    confirm, page = back_after_unsubscribing(client, mailoutbox, subscriber)

    assert "Once you confirm, we email you your 10%-off coupon code again" in confirm.body
    assert "Your 10%-off code is on its way to your inbox" in page
    message = sent(mailoutbox, "newsletter.coupon")
    assert subscriber.voucher.code in message.body
    assert Voucher.objects.count() == 1


def test_back_after_unsubscribing_with_a_used_code_nothing_promises_a_code(client, mailoutbox):
    subscriber = confirmed(code="used")
    confirm, page = back_after_unsubscribing(client, mailoutbox, subscriber)

    assert "on its way" not in page
    assert "already used your 10%-off code" in page and "no new code is coming" in page
    assert not Email.objects.filter(kind="newsletter.coupon").exists()
    assert "already used your 10%-off code" in confirm.body
    assert "no new code comes after you confirm" in confirm.body


def test_a_disposable_address_is_promised_no_code_anywhere(client, mailoutbox):
    answer = client.post(SIGNUP, signup_data("grab@mailinator.com")).content.decode()
    assert "code" not in answer.split("Check your inbox")[1].split("</")[0]

    message = sent(mailoutbox, "newsletter.confirm")
    assert "We do not send coupon codes to disposable email addresses" in message.body
    assert "Once you confirm, we email you" not in message.body
    page = client.post(link_path(message)).content.decode()
    assert "You are subscribed" in page and "on its way" not in page
    assert not Email.objects.filter(kind="newsletter.coupon").exists()


def test_a_new_address_is_told_in_its_confirm_email_that_the_code_follows(client, mailoutbox):
    client.post(SIGNUP, signup_data("new@example.com"))
    message = sent(mailoutbox, "newsletter.confirm")
    assert "Once you confirm, we email you a coupon code for 10% off" in message.body


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/newsletter/confirm/\S+/)", message.body).group(1)


def test_the_shared_answer_is_the_same_and_promises_no_code_whatever_the_state(client):
    SubscriberFactory(email="pending@example.com")
    SubscriberFactory(email="gone@example.com", status="unsubscribed")
    for state in ("unused", "used", "expired"):
        confirmed(email=f"{state}@example.com", code=state)
    client.get(reverse("home"))
    bodies = set()
    for email in [
        "new@example.com", "pending@example.com", "gone@example.com", "unused@example.com",
        "used@example.com", "expired@example.com", "grab@mailinator.com",
    ]:  # fmt: skip
        response = client.post(SIGNUP, signup_data(email))
        assert response.status_code == 200
        bodies.add(PER_REQUEST.sub(b"", response.content))
    assert len(bodies) == 1, "the answers differ between address states"
    answer = client.post(SIGNUP, signup_data("x@example.com"), HTTP_ACCEPT="application/json")
    assert "code" not in answer.json()["message"]
