import asyncio
import re
import subprocess
import threading
from decimal import Decimal

import factory
import pytest
from oscar.test.factories import create_product

from newsletter.models import NewsletterIssue, Subscriber
from tests.conftest import SmtpSink, free_port, serving, wait_for_port


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.com")


class NewsletterIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterIssue

    subject = "Five stretches for runners' hips"
    body = "Hello runners,\n\n1. Hip flexor stretch\n2. Pigeon pose\n\n**Stay well!**"


def bulk_confirmed(count: int) -> None:
    """Many confirmed subscribers at once (bulk_create skips save(), so normalise here)."""
    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"r{n}@example.com", email_normalised=f"r{n}@example.com", status="confirmed"
        )
        for n in range(count)
    )


def signup_data(email: str, **extra) -> dict:
    return {"email": email, "consent": "on", "website": "", "source": "/", **extra}


def link_in(message, path_prefix: str) -> str:
    """The path of the first link to `path_prefix` in an email's text part."""
    text = message.get_body(("plain",)).get_content()
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", text)
    assert match, f"no {path_prefix} link in:\n{text}"
    return match.group(1)


class HoldingSmtpSink(SmtpSink):
    """The SMTP sink, able to hold new connections open (for killing a worker mid-send)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hold = threading.Event()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        responses = await super().handle_EHLO(server, session, envelope, hostname, responses)
        while self.hold.is_set():
            await asyncio.sleep(0.05)
        return responses


@pytest.fixture
def smtp_sink():
    """Overrides the shared sink (the worker fixtures use it) with one that can hold."""
    with serving(HoldingSmtpSink()) as sink:
        yield sink
        sink.hold.clear()


@pytest.fixture
def gel_wrap():
    return create_product(
        title="SimplyJnJ Cold Therapy Ice Gel Wrap",
        product_class="Cold therapy",
        price=Decimal("24.99"),
        num_in_stock=50,
    )


@pytest.fixture
def private_redis():
    """A Redis of this test's own on a free port, to stop and start at will.
    (The machine's shared Redis must never be stopped.)"""

    class PrivateRedis:
        port = free_port()
        proc = None

        @property
        def url(self):
            return f"redis://127.0.0.1:{self.port}/0"

        def start(self):
            self.proc = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
            wait_for_port(self.port)

        def stop(self):
            if self.proc and self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()

    server = PrivateRedis()
    yield server
    server.stop()


@pytest.fixture
def app_broker():
    """Point this process's Celery app at another broker URL; restored afterwards."""
    from shop.celery import app

    original = app.conf.broker_url

    def use(url: str):
        app.conf.broker_url = url
        # Drop the cached connection and producer pools so the next publish uses `url`.
        app._pool = None
        app.amqp._producer_pool = None

    yield use
    use(original)
