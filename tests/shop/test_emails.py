import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from oscar.apps.communication.models import CommunicationEventType
from oscar.apps.order.models import Order

from shop.core.outbox.models import Email
from shop.core.outbox.tasks import send_email

pytestmark = pytest.mark.django_db


def test_the_order_email_is_written_with_the_order_and_sent_once_however_often_it_runs(
    checkout, wrap, celery_eager, django_capture_on_commit_callbacks, settings
):
    checkout.up_to_payment(wrap)
    with django_capture_on_commit_callbacks(execute=True):
        checkout.place_order()

    order = Order.objects.get()
    email = Email.objects.get(kind="checkout.order_confirmation")
    assert email.context == {"order": order.pk} and email.status == Email.Status.SENT
    send_email.delay(email.pk)  # delivered again (a worker crash, the requeue)
    send_email.delay(email.pk)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jo@example.com"]
    assert order.number in message.subject
    assert message.alternatives[0][1] == "text/html"
    assert "<script" not in message.alternatives[0][0]
    assert f"://{settings.SITE_DOMAIN}/" in message.body  # the one source of links
    # Oscar's communication events are not used for it.
    assert not CommunicationEventType.objects.exists()


def see_your_order(message) -> str:
    """The path of the email's "See your order" link."""
    return urlsplit(re.search(r"See your order: (\S+)", message.body)[1]).path


def test_a_guests_order_email_asks_for_the_address_then_shows_the_order(
    checkout, wrap, celery_eager, django_capture_on_commit_callbacks
):
    checkout.up_to_payment(wrap, email="guest@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        checkout.place_order()
    link = see_your_order(mail.outbox[0])

    reader = Client()  # the email opened in another browser
    form = reader.get(link, follow=True)
    assert form.redirect_chain, "the order was shown before the address was asked for"
    page = reader.post(form.request["PATH_INFO"], {"email": "guest@example.com"}, follow=True)
    assert page.context["order"] == Order.objects.get()


def test_a_customers_order_email_opens_the_order_in_their_account(
    checkout, wrap, celery_eager, django_capture_on_commit_callbacks
):
    """Oscar's guest lookup finds no order placed signed in: the link goes to the account."""
    user = get_user_model().objects.create_user("maya", "maya@example.com", "a-Long-pass-42")
    checkout.client.force_login(user)
    checkout.add(wrap)
    checkout.ship()
    checkout.enter_card()
    with django_capture_on_commit_callbacks(execute=True):
        checkout.place_order()
    order = Order.objects.get(user=user)
    link = see_your_order(mail.outbox[0])

    assert checkout.client.get(link).context["order"] == order
    checkout.client.logout()  # signed out, the link asks to sign in first
    response = checkout.client.get(link)
    assert response.status_code == 302
    assert response.url.startswith(reverse("customer:login"))
