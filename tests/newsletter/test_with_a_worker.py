"""The subscriber's journey on the real parts: PostgreSQL, Redis, a Celery worker
process and an SMTP server (the sink)."""

import os
import signal
import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from oscar.apps.basket.models import Basket
from oscar.apps.checkout.calculators import OrderTotalCalculator
from oscar.apps.offer.applicator import Applicator
from oscar.apps.order.utils import OrderCreator
from oscar.apps.partner.strategy import Selector
from oscar.apps.shipping.methods import Free
from oscar.apps.voucher.models import Voucher

from newsletter import services, tokens
from newsletter.models import Delivery, NewsletterIssue, Subscriber
from newsletter.tasks import send_delivery
from tests.newsletter.conftest import (
    NewsletterIssueFactory,
    SubscriberFactory,
    bulk_confirmed,
    link_in,
    signup_data,
)
from tests.newsletter.test_coupon_and_basket import add_to_basket

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
SIGNUP = reverse("newsletter:signup")


def place_order(basket_id: int):
    """Place an order for a basket the way Oscar's checkout does."""
    basket = Basket.objects.get(pk=basket_id)
    guest = AnonymousUser()
    basket.strategy = Selector().strategy()
    Applicator().apply(basket, guest)
    shipping = Free()
    charge = shipping.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    basket.freeze()
    order = OrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=shipping,
        shipping_charge=charge,
        user=guest,
        guest_email="runner@example.com",
    )
    basket.submit()
    return order


def wait_until(condition, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def test_signup_confirm_and_a_coupon_that_takes_ten_percent_off_once(
    client, celery_worker, smtp_sink, gel_wrap
):
    response = client.post(SIGNUP, signup_data("Runner.One+hips@gmail.com"))
    assert "Check your inbox to confirm" in response.content.decode()

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

    add_to_basket(client, gel_wrap)
    client.get(link_in(coupon_email, "/newsletter/apply/"))
    basket = client.get(reverse("basket:summary")).context["basket"]
    assert basket.total_excl_tax_excl_discounts == Decimal("24.99")
    assert basket.total_excl_tax == Decimal("22.49")  # exactly 10% off: 2.50, as Oscar rounds

    order = place_order(basket.pk)
    assert order.total_incl_tax == Decimal("22.49")
    voucher = Voucher.objects.get(code=code)
    assert voucher.applications.count() == 1

    another_shopper = Client()
    add_to_basket(another_shopper, gel_wrap)
    response = another_shopper.post(reverse("basket:vouchers-add"), {"code": code}, follow=True)
    assert "This coupon has already been used" in response.content.decode()
    basket = response.context["basket"]
    assert basket.total_excl_tax == Decimal("24.99")
    assert not basket.vouchers.exists()


def test_a_coupon_task_run_twice_or_killed_mid_send_sends_one_email(celery_worker, smtp_sink):
    subscriber = SubscriberFactory(email="once@example.com")
    smtp_sink.hold.set()  # the worker's SMTP connection hangs in the greeting
    services.subscriber_confirm(token=tokens.confirm_token(subscriber.pk))

    wait_until(lambda: smtp_sink.connections >= 1)
    [pool_child] = celery_worker.pool_children()
    os.kill(pool_child, signal.SIGKILL)
    smtp_sink.hold.clear()
    celery_worker.wait_for_line("succeeded")  # the task came back to a new pool child

    delivery = Delivery.objects.get(kind="coupon")
    send_delivery.delay(delivery.pk)
    send_delivery.delay(delivery.pk)
    celery_worker.wait_for_line("succeeded")
    celery_worker.wait_for_line("succeeded")

    assert len(smtp_sink.to("once@example.com")) == 1
    assert Voucher.objects.count() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert any("SIGKILL" in line for line in celery_worker.log)


def test_with_the_broker_down_a_signup_is_saved_and_its_email_sent_once_it_is_back(
    client, celery_worker_factory, smtp_sink, private_redis, app_broker
):
    private_redis.start()
    app_broker(private_redis.url)
    worker = celery_worker_factory(CELERY_BROKER_URL=private_redis.url)
    client.post(SIGNUP, signup_data("before@example.com"))
    smtp_sink.wait_for(1)

    private_redis.stop()
    started = time.monotonic()
    response = client.post(SIGNUP, signup_data("during@example.com"))
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    assert "Check your inbox to confirm" in response.content.decode()
    delivery = Delivery.objects.get(subscriber__email="during@example.com")
    assert delivery.status == "queued"

    private_redis.start()
    worker.wait_for_line("Connected to redis", timeout=60)
    call_command("newsletter_requeue", older_than=0)
    smtp_sink.wait_for(2)
    worker.wait_for_line("succeeded")
    call_command("newsletter_requeue", older_than=0)  # nothing is left to queue
    assert len(smtp_sink.to("during@example.com")) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"


def test_a_mail_server_saying_try_later_twice_gets_one_delivery_after_retries(
    client, celery_worker_factory, smtp_sink
):
    smtp_sink.replies = ["451 4.3.0 try later", "451 4.3.0 try later"]
    worker = celery_worker_factory(NEWSLETTER_RETRY_BACKOFF="1")
    client.post(SIGNUP, signup_data("later@example.com"))

    smtp_sink.wait_for(1)
    worker.wait_for_line("succeeded")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    assert sum("retry" in line.lower() for line in worker.log) == 2
    assert len(smtp_sink.messages) == 1


def test_a_mail_server_refusing_for_good_is_not_retried_and_marks_the_address(
    client, celery_worker, smtp_sink
):
    smtp_sink.replies = ["550 5.1.1 no such user"]
    client.post(SIGNUP, signup_data("nobody@example.com"))

    celery_worker.wait_for_line("succeeded")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error.startswith("550")
    assert Subscriber.objects.get().undeliverable
    assert not any("retry" in line.lower() for line in celery_worker.log)
    assert smtp_sink.messages == []


def test_a_newsletter_reaches_2000_subscribers_once_each_one_connection_per_batch(
    admin_client, celery_worker, smtp_sink
):
    bulk_confirmed(2000)
    SubscriberFactory(email="not-yet@example.com")
    issue = NewsletterIssueFactory()

    admin_client.post(
        reverse("admin:newsletter_newsletterissue_changelist"),
        {"action": "send", "_selected_action": [issue.pk]},
    )

    messages = smtp_sink.wait_for(2000, timeout=150)
    wait_until(lambda: NewsletterIssue.objects.with_progress().get().sent == 2000)
    assert len({str(m["To"]) for m in messages}) == 2000
    assert not smtp_sink.to("not-yet@example.com")
    assert smtp_sink.connections == 4  # 2,000 in batches of 500
    assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in messages)
    html = admin_client.get(reverse("admin:newsletter_newsletterissue_changelist")).content
    assert b'<td class="field-sent">2000</td>' in html
    assert b'<td class="field-total">2000</td>' in html
