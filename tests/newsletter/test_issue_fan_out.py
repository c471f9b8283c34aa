"""Sending an issue: its emails written once, one per confirmed reader, and handed
to the broker in batches; from the admin, and while the broker is down."""

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from newsletter import services
from shop.core.outbox import services as outbox
from shop.core.outbox.models import Undeliverable
from tests.newsletter.conftest import statuses
from tests.newsletter.factories import (
    NewsletterIssueFactory,
    SubscriberFactory,
    bulk_confirmed,
    confirmed_subscribers,
)

pytestmark = pytest.mark.django_db
SEND_BATCH = "shop.core.outbox.tasks.send_batch.apply_async"


@pytest.fixture
def batches(monkeypatch):
    """The batches handed to the broker (their ids), instead of a broker."""
    handed = []
    monkeypatch.setattr(SEND_BATCH, lambda args, **options: handed.append(args[0]))
    return handed


def test_sending_an_issue_writes_one_email_per_reader_once(
    batches, django_capture_on_commit_callbacks
):
    readers = confirmed_subscribers(3)
    SubscriberFactory(status="pending")
    SubscriberFactory(status="unsubscribed")
    refused = SubscriberFactory(status="confirmed")
    Undeliverable.record(refused.email, "550 5.1.1 no such user")
    issue = NewsletterIssueFactory()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.issue_send(issue_id=issue.pk) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert services.issue_send(issue_id=issue.pk) is False  # sent before

    assert sorted(issue.emails().values_list("to", flat=True)) == sorted(r.email for r in readers)
    assert batches == [sorted(issue.emails().values_list("pk", flat=True))]


def test_an_issue_is_handed_over_in_batches_of_500(batches, django_capture_on_commit_callbacks):
    bulk_confirmed(1001)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_send(issue_id=NewsletterIssueFactory().pk)
    assert [len(batch) for batch in batches] == [500, 500, 1]


def test_staff_send_an_issue_from_the_admin_and_see_its_progress(
    admin_client, batches, django_capture_on_commit_callbacks
):
    readers = confirmed_subscribers(3)
    issue = NewsletterIssueFactory()
    changelist = reverse("admin:newsletter_newsletterissue_changelist")

    send = {"action": "send", "_selected_action": [issue.pk]}
    # First a page that asks, naming how many will get it; nothing is sent yet.
    page = " ".join(admin_client.post(changelist, send).content.decode().split())
    assert "to <strong>3 confirmed subscribers</strong>?" in page
    assert 'value="Yes, send to 3 subscribers"' in page
    assert not issue.emails().exists() and batches == []

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(changelist, {**send, "post": "yes"}, follow=True)
    assert "Sending" in response.content.decode()
    assert len(batches) == 1
    response = admin_client.post(changelist, {**send, "post": "yes"}, follow=True)
    assert "was sent before; not sent again" in response.content.decode()
    assert len(batches) == 1

    for reader, status in zip(readers, ["sent", "sent", "failed"], strict=True):
        issue.emails().filter(to=reader.email).update(status=status)
    html = admin_client.get(changelist).content.decode()
    assert '<td class="field-sent">2</td>' in html
    assert '<td class="field-failed">1</td>' in html
    assert '<td class="field-total">3</td>' in html
    change = reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])
    assert admin_client.get(change).status_code == 200


def test_an_issue_sent_while_the_broker_is_down_is_handed_over_by_the_requeue(
    admin_client, django_capture_on_commit_callbacks, monkeypatch, settings
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    readers = confirmed_subscribers(2)
    issue = NewsletterIssueFactory()
    monkeypatch.setattr(SEND_BATCH, broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:newsletter_newsletterissue_changelist"),
            {"action": "send", "_selected_action": [issue.pk], "post": "yes"},
        )
    assert response.status_code == 302  # staff see the usual answer, not an error
    assert statuses(issue, readers) == ["pending", "pending"]

    handed = []
    monkeypatch.setattr(SEND_BATCH, lambda args, **options: handed.append(args[0]))
    settings.OUTBOX_REQUEUE_SECONDS = 0
    assert outbox.requeue_overdue() == 2
    assert handed == [sorted(issue.emails().values_list("pk", flat=True))]
