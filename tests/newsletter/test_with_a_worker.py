"""The subscriber's journey on the real parts: PostgreSQL, Redis, a Celery worker
process, an SMTP server (the sink) and localstripe."""

import os
import signal
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.test import Client
from django.urls import reverse
from oscar.apps.order.models import Order
from oscar.apps.voucher.models import Voucher

from newsletter import services, tokens
from newsletter.models import NewsletterIssue, Subscriber
from shop.core.outbox import services as outbox
from shop.core.outbox.models import Email, Undeliverable
from shop.core.outbox.tasks import send_email
from tests.celery_probe import rename_site
from tests.newsletter.conftest import link_in, signup_data
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory, bulk_confirmed
from tests.support.payments import Checkout
from tests.support.services import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
SIGNUP = reverse("newsletter:signup")
SEND = send_email.name


def test_signup_confirm_and_a_coupon_that_takes_ten_percent_off_once(
    client, celery_worker, smtp_sink, wrap, stripe_api
):
    response = client.post(SIGNUP, signup_data("Runner.One+hips@gmail.com"))
    assert "Check your inbox" in response.content.decode()

    [confirm_email] = smtp_sink.wait_for(1)
    assert confirm_email["To"] == "Runner.One+hips@gmail.com"
    confirm = link_in(confirm_email, "/newsletter/confirm/")
    assert "Confirm my subscription" in client.get(confirm).content.decode()
    assert Subscriber.objects.get().status == "pending"  # opening the link is not enough
    assert client.post(confirm).status_code == 200

    coupon_email = smtp_sink.wait_for(2)[1]
    code = Subscriber.objects.get(status="confirmed").voucher.code
    assert code in coupon_email.get_body(("plain",)).get_content()
    assert code in coupon_email.get_body(("html",)).get_content()
    assert coupon_email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/newsletter/unsubscribe/" in coupon_email["List-Unsubscribe"]
    assert "mailto:" in coupon_email["List-Unsubscribe"]

    # The subscriber follows the email's link and pays through the site's checkout.
    shopper = Checkout(client, stripe_api)
    shopper.add(wrap)
    client.get(link_in(coupon_email, "/newsletter/apply/"))
    basket = shopper.basket()
    assert basket.total_excl_tax_excl_discounts == Decimal("34.00")
    assert basket.total_excl_tax == Decimal("30.60")  # exactly 10% off
    shopper.as_guest("runner.one@example.com")
    shopper.ship()
    shopper.enter_card()
    response = shopper.place_order()
    assert response.url == reverse("checkout:thank-you")

    order = Order.objects.get()
    assert order.basket_total_excl_tax == Decimal("30.60")
    assert order.total_discount_incl_tax == Decimal("3.40")
    intent = stripe_api.v1.payment_intents.retrieve(order.card_payment.intent_id)
    assert (intent.status, intent.amount) == ("succeeded", int(order.total_incl_tax * 100))
    assert Voucher.objects.get(code=code).applications.count() == 1
    # The order confirmation comes through the same worker and sink.
    confirmation = smtp_sink.wait_for(3)[2]
    assert confirmation["To"] == "runner.one@example.com"
    assert order.number in confirmation["Subject"]

    # Once used, the code takes nothing off another basket.
    another = Checkout(Client(), stripe_api)
    another.add(wrap)
    response = another.client.post(reverse("basket:vouchers-add"), {"code": code}, follow=True)
    assert "This coupon has already been used" in response.content.decode()
    basket = response.context["basket"]
    assert basket.total_excl_tax == Decimal("34.00")
    assert not basket.vouchers.exists()


def test_a_coupon_task_run_twice_or_killed_mid_send_sends_one_email(
    celery_worker_factory, smtp_sink
):
    celery_worker = celery_worker_factory()  # of its own: its pool process is killed
    subscriber = SubscriberFactory(email="once@example.com")
    smtp_sink.hold.set()  # the worker's SMTP connection hangs in the greeting
    services.subscriber_confirm(token=tokens.confirm_token(subscriber.pk))

    wait_until(lambda: smtp_sink.connections >= 1, what="the worker to connect to the sink")
    [pool_child] = celery_worker.pool_children()
    os.kill(pool_child, signal.SIGKILL)
    # The worker replaces its killed pool process; the task comes back to the new one.
    wait_until(lambda: celery_worker.pool_children() not in ([], [pool_child]), what="a new pool")
    smtp_sink.hold.clear()
    smtp_sink.wait_for(1)
    coupon = Email.objects.get(kind="newsletter.coupon")
    wait_until(lambda: Email.objects.get(pk=coupon.pk).status == "sent", what="sent")

    send_email.apply_async((coupon.pk,), queue=settings.OUTBOX_MAIL_QUEUE)
    send_email.apply_async((coupon.pk,), queue=settings.OUTBOX_MAIL_QUEUE)
    celery_worker.wait_for_finished(SEND, count=3)  # the one that came back, then these two

    assert len(smtp_sink.to("once@example.com")) == 1
    assert Voucher.objects.count() == 1
    coupon.refresh_from_db()
    assert (coupon.status, coupon.attempts) == ("sent", 1)


def test_with_the_broker_down_a_signup_is_saved_and_its_email_sent_once_it_is_back(
    client, celery_worker_factory, smtp_sink, broker
):
    worker = celery_worker_factory(CELERY_BROKER_URL=broker.url())
    client.post(SIGNUP, signup_data("before@example.com"))
    smtp_sink.wait_for(1)

    broker.stop()
    response = client.post(SIGNUP, signup_data("during@example.com"))
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    email = Email.objects.get(to="during@example.com")
    assert email.status == "pending"

    broker.start()
    outbox.requeue_overdue(older_than=timedelta(0))
    smtp_sink.wait_for(2, timeout=120)  # once the worker has reconnected
    wait_until(lambda: Email.objects.get(pk=email.pk).status == "sent", what="sent")
    assert outbox.requeue_overdue(older_than=timedelta(0)) == 0  # nothing is left to queue
    rename_site.delay(Site.objects.get_current().pk, "after the requeue")
    worker.wait_for_finished(rename_site.name)  # so anything queued before it has run too
    assert len(smtp_sink.to("during@example.com")) == 1


def test_a_mail_server_saying_try_later_twice_gets_one_delivery_after_retries(
    client, celery_worker_factory, smtp_sink
):
    smtp_sink.replies = ["451 4.3.0 try later", "451 4.3.0 try later"]
    worker = celery_worker_factory(OUTBOX_RETRY_BACKOFF="1")
    client.post(SIGNUP, signup_data("later@example.com"))

    smtp_sink.wait_for(1)
    runs = worker.wait_for_finished(SEND, count=3)
    assert [run["state"] for run in runs] == ["RETRY", "RETRY", "SUCCESS"]
    assert smtp_sink.answered == 3 and len(smtp_sink.messages) == 1
    wait_until(lambda: Email.objects.get().status == "sent", what="the row marked")
    assert Email.objects.get().attempts == 3


def test_a_mail_server_refusing_for_good_is_not_retried_and_marks_the_address(
    client, celery_worker, smtp_sink
):
    smtp_sink.replies = ["550 5.1.1 no such user"]
    client.post(SIGNUP, signup_data("nobody@example.com"))

    [run] = celery_worker.wait_for_finished(SEND)
    assert run["state"] == "SUCCESS"  # a retry would end this run in "RETRY"
    email = Email.objects.get()
    assert (email.status, email.attempts) == ("failed", 1)
    assert email.last_error.startswith("550")
    assert Undeliverable.objects.of("nobody@example.com").exists()
    assert not Subscriber.objects.receiving_newsletters().exists()
    assert smtp_sink.answered == 1 and smtp_sink.messages == []


def test_a_newsletter_reaches_every_subscriber_once_each_one_connection_per_batch(
    admin_client, celery_worker, smtp_sink
):
    # Two full batches and one of a single reader: every batch boundary is crossed.
    total = 2 * outbox.BATCH_SIZE + 1
    bulk_confirmed(total)
    SubscriberFactory(email="not-yet@example.com")
    issue = NewsletterIssueFactory()

    admin_client.post(
        reverse("admin:newsletter_newsletterissue_changelist"),
        {"action": "send", "_selected_action": [issue.pk], "post": "yes"},
    )

    messages = smtp_sink.wait_for(total, timeout=150)
    wait_until(lambda: NewsletterIssue.objects.get().progress["sent"] == total)
    assert len({str(m["To"]) for m in messages}) == total
    assert not smtp_sink.to("not-yet@example.com")
    assert smtp_sink.connections == 3  # one per batch
    assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in messages)
    html = admin_client.get(reverse("admin:newsletter_newsletterissue_changelist")).content
    assert f'<td class="field-sent">{total}</td>'.encode() in html
    assert f'<td class="field-total">{total}</td>'.encode() in html
