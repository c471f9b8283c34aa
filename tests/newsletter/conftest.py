"""Helpers for the newsletter's tests; its factories are in factories.py."""

import re

import pytest

from tests.newsletter.factories import (  # noqa: F401 (importable from here as before)
    NewsletterIssueFactory,
    SubscriberFactory,
    bulk_confirmed,
)
from tests.support.redis import RedisServer
from tests.support.workers import celery_conf


def signup_data(email: str, **extra) -> dict:
    return {"email": email, "consent": "on", "website": "", "source": "/", **extra}


def link_in(message, path_prefix: str) -> str:
    """The path of the first link to `path_prefix` in an email's text part."""
    text = message.get_body(("plain",)).get_content()
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", text)
    assert match, f"no {path_prefix} link in:\n{text}"
    return match.group(1)


def statuses(issue, readers) -> list[str]:
    """The status of each reader's email of `issue`, in the readers' order."""
    by_address = dict(issue.emails().values_list("to", "status"))
    return [by_address[r.email] for r in readers]


# Older names, kept for tests written before `redis_server` and `broker`
# (tests/support/workers.py), which new tests use.


@pytest.fixture
def private_redis():
    """A private Redis, not yet started; `.url` is a property."""

    class PrivateRedis(RedisServer):
        @property
        def url(self):
            return f"redis://127.0.0.1:{self.port}/0"

    server = PrivateRedis()
    yield server
    server.stop()


@pytest.fixture
def app_broker():
    """`use(url)` points this process's Celery app at another broker; restored afterwards."""
    from shop.celery import app

    original = app.conf.broker_url

    def use(url: str):
        celery_conf(broker_url=url)
        app._pool = None
        app.amqp._producer_pool = None

    yield use
    use(original)
