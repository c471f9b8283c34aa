"""The outbox's own rules: one email per key, and a requeue that hands over only
what nobody is sending."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shop.core.outbox import services as outbox
from shop.core.outbox.models import Email

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed(monkeypatch):
    """The ids handed to the broker for sending one by one, instead of a broker."""
    ids = []
    monkeypatch.setattr(
        "shop.core.outbox.tasks.send_email.apply_async", lambda args, **options: ids.append(args[0])
    )
    return ids


def test_one_email_per_key_however_often_it_is_written(handed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox.enqueue(kind="k", to="jo@example.com", context={}, key="order:1")
        again = outbox.enqueue(kind="k", to="jo@example.com", context={}, key="order:1")
    assert first == again and Email.objects.count() == 1
    assert handed == [first.pk]


def test_the_requeue_hands_over_what_is_overdue_and_only_that(handed, settings):
    settings.OUTBOX_REQUEUE_SECONDS = 60
    overdue, due_now, sent = (Email.objects.create(kind="k", to="jo@example.com") for _ in range(3))
    a_while_ago = timezone.now() - timedelta(minutes=5)
    Email.objects.filter(pk__in=[overdue.pk, sent.pk]).update(next_attempt_at=a_while_ago)
    Email.objects.filter(pk=sent.pk).update(status=Email.Status.SENT)

    assert outbox.requeue_overdue() == 1
    assert handed == [overdue.pk]
    assert outbox.requeue_overdue() == 0  # just handed over: not before another interval
    assert handed == [overdue.pk] and Email.objects.get(pk=due_now.pk).status == "pending"
