"""Email faults on real services: a private Redis as the broker that the test stops
and starts, a worker process (with beat where the requeue is needed), the SMTP
sink answering 451 or 550. An outage delays email; it never loses one, repeats
one or fails a request."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.apps.order.models import Order

from newsletter.models import Subscriber
from shop.core.outbox.models import Email, Undeliverable
from shop.core.outbox.tasks import requeue_overdue
from tests.newsletter.conftest import signup_data
from tests.reliability.test_checkout_faults import paid_once, thank_you
from tests.support.services import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
SIGNUP = reverse("newsletter:signup")
REQUEUE = requeue_overdue.name


@pytest.fixture
def worker_on(celery_worker_factory):
    """A worker on the test's private broker; the requeue runs every second."""

    def start(broker, **env):
        return celery_worker_factory(
            beat=True, CELERY_BROKER_URL=broker.url(), OUTBOX_REQUEUE_SECONDS="1", **env
        )

    return start


def signed_up(client, address: str) -> None:
    response = client.post(SIGNUP, signup_data(address))
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()


def no_more_after_requeues(worker, sink, count: int) -> None:
    """Two more requeue runs after the last email arrived: still `count` emails."""
    runs = len(worker.finished(REQUEUE))
    worker.wait_for_finished(REQUEUE, count=runs + 2)
    assert len(sink.messages) == count, [m["To"] for m in sink.messages]


def test_broker_down_when_an_order_is_placed_one_email_once_it_is_back(
    checkout, wrap, broker, worker_on, smtp_sink
):
    checkout.up_to_payment(wrap)
    checkout.review()
    broker.stop()

    response = checkout.press_place_order()

    order = Order.objects.get()
    assert order.number in thank_you(checkout.client, response)
    paid_once(checkout.stripe, order)
    assert Email.objects.get().status == Email.Status.PENDING  # written with the order

    broker.start()
    worker = worker_on(broker)
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "jo@example.com"
    assert order.number in message["Subject"]
    no_more_after_requeues(worker, smtp_sink, 1)


def test_a_signup_while_the_broker_is_down_is_confirmed_by_email_once_it_is_back(
    client, broker, worker_on, smtp_sink
):
    broker.stop()
    signed_up(client, "runner@example.com")
    assert Subscriber.objects.get().status == "pending"

    broker.start()
    worker = worker_on(broker)
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "runner@example.com"
    assert "/newsletter/confirm/" in message.get_body(("plain",)).get_content()
    no_more_after_requeues(worker, smtp_sink, 1)


def test_try_later_then_accepted_sends_exactly_one_email(client, broker, worker_on, smtp_sink):
    smtp_sink.replies = ["451 4.3.0 try later"]
    worker = worker_on(broker, OUTBOX_RETRY_BACKOFF="1")

    signed_up(client, "runner@example.com")

    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "runner@example.com"
    assert smtp_sink.answered == 2
    wait_until(lambda: Email.objects.get().status == Email.Status.SENT, what="the row marked")
    email = Email.objects.get()
    assert (email.status, email.attempts) == (Email.Status.SENT, 2)
    assert email.last_error.startswith("451")
    no_more_after_requeues(worker, smtp_sink, 1)


def test_a_refused_address_is_not_retried_and_gets_no_further_confirm_email(
    client, broker, worker_on, smtp_sink
):
    smtp_sink.replies = ["550 5.1.1 no such user"]
    worker = worker_on(broker, OUTBOX_RETRY_BACKOFF="1")

    signed_up(client, "Nobody.Here@gmail.com")
    smtp_sink.wait_for_answers(1)
    wait_until(lambda: Email.objects.get().status == Email.Status.FAILED, what="the failure")
    email = Email.objects.get()
    assert email.attempts == 1 and email.last_error.startswith("550 5.1.1")
    assert Undeliverable.objects.of("nobodyhere@gmail.com").exists()  # the mailbox is marked

    signed_up(client, "nobody.here@gmail.com")  # again, as another spelling

    wait_until(
        lambda: Email.objects.filter(status=Email.Status.SKIPPED).exists(),
        what="the second confirm email to be skipped",
    )
    no_more_after_requeues(worker, smtp_sink, 0)
    assert smtp_sink.answered == 1


def test_a_worker_holding_a_retry_survives_the_broker_going_away_and_coming_back(
    client, broker, worker_on, smtp_sink
):
    """The worker holds the email's retry (a countdown, after a 451) when Redis goes
    down; the retry falls due during the outage; Redis comes back."""
    smtp_sink.replies = ["451 4.3.0 try later"]
    worker = worker_on(broker, OUTBOX_RETRY_BACKOFF="5")
    signed_up(client, "first@example.com")
    smtp_sink.wait_for_answers(1)
    wait_until(lambda: Email.objects.get().attempts == 1, what="the 451 to be recorded")
    due = Email.objects.get().next_attempt_at

    broker.stop()
    wait_until(lambda: timezone.now() > due + timedelta(seconds=2), what="the retry's due time")
    broker.start()

    signed_up(client, "second@example.com")  # the worker takes new work again
    messages = worker.wait_until(lambda: len(smtp_sink.messages) >= 2 and smtp_sink.messages)
    assert sorted(str(m["To"]) for m in messages) == ["first@example.com", "second@example.com"]
    assert worker.proc.poll() is None, "the worker exited:\n" + "".join(worker.log)
    no_more_after_requeues(worker, smtp_sink, 2)
    assert worker.proc.poll() is None
