import smtplib
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from newsletter import services
from newsletter.emails import build
from newsletter.models import Delivery, NewsletterIssue, Subscriber
from tests.newsletter.conftest import NewsletterIssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_settings(settings, smtp_sink):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_sink.port
    return smtp_sink


def confirmed_subscribers(count: int) -> list[Subscriber]:
    return [SubscriberFactory(status="confirmed") for _ in range(count)]


def queued_issue(readers: list[Subscriber]) -> tuple[NewsletterIssue, list[int]]:
    """An issue with a queued delivery to each reader; the deliveries' ids, in order."""
    issue = NewsletterIssueFactory()
    ids = [
        Delivery.objects.create(kind="issue", issue=issue, subscriber=reader).pk
        for reader in readers
    ]
    return issue, ids


def reached_once_each(sink, readers: list[Subscriber]) -> bool:
    return sorted(str(m["To"]) for m in sink.messages) == sorted(r.email for r in readers)


def test_fan_out_creates_one_delivery_per_confirmed_subscriber_once(
    django_capture_on_commit_callbacks, monkeypatch
):
    readers = confirmed_subscribers(3)
    SubscriberFactory(status="pending")
    SubscriberFactory(status="unsubscribed")
    SubscriberFactory(status="confirmed", undeliverable=True)
    issue = NewsletterIssueFactory()
    queued = []
    monkeypatch.setattr("newsletter.tasks.send_issue_batch.delay", queued.append)

    services.issue_fan_out(issue_id=issue.pk)
    services.issue_fan_out(issue_id=issue.pk)  # a retried fan-out

    assert sorted(issue.deliveries.values_list("subscriber", flat=True)) == sorted(
        r.pk for r in readers
    )
    assert queued[0] == queued[1] == sorted(issue.deliveries.values_list("pk", flat=True))


def test_fan_out_queues_batches_of_500(monkeypatch):
    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"r{n}@example.com", email_normalised=f"r{n}@example.com", status="confirmed"
        )
        for n in range(1001)
    )
    queued = []
    monkeypatch.setattr("newsletter.tasks.send_issue_batch.delay", queued.append)
    services.issue_fan_out(issue_id=NewsletterIssueFactory().pk)
    assert [len(batch) for batch in queued] == [500, 500, 1]


def test_a_retried_batch_reaches_each_recipient_once_over_one_connection(smtp_settings):
    sink = smtp_settings
    readers = confirmed_subscribers(5)
    issue, ids = queued_issue(readers)
    sink.replies = ["451 4.3.0 try later"]  # the first recipient must wait

    with pytest.raises(services.TemporaryDeliveryError):
        services.deliveries_send_batch(delivery_ids=ids)
    assert len(sink.messages) == 4
    assert sink.connections == 1

    services.deliveries_send_batch(delivery_ids=ids)  # the task's retry
    services.deliveries_send_batch(delivery_ids=ids)  # and a duplicate run
    assert reached_once_each(sink, readers)
    assert set(issue.deliveries.values_list("status", flat=True)) == {"sent"}


def test_a_connection_lost_mid_batch_keeps_what_was_sent_marked(smtp_settings):
    sink = smtp_settings
    readers = confirmed_subscribers(4)
    issue, ids = queued_issue(readers)
    sink.replies = ["250 ok", "250 ok", "disconnect"]

    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.deliveries_send_batch(delivery_ids=ids)
    statuses = dict(issue.deliveries.values_list("subscriber__email", "status"))
    assert [statuses[r.email] for r in readers] == ["sent", "sent", "queued", "queued"]

    services.deliveries_send_batch(delivery_ids=ids)  # the task's retry
    assert reached_once_each(sink, readers)
    assert set(issue.deliveries.values_list("status", flat=True)) == {"sent"}


def test_a_time_limit_hit_mid_batch_keeps_what_was_sent_marked(smtp_settings, monkeypatch):
    sink = smtp_settings
    readers = confirmed_subscribers(4)
    _, ids = queued_issue(readers)
    built = []

    def build_until_the_time_limit(delivery):
        if len(built) == 2:
            raise SoftTimeLimitExceeded()
        built.append(delivery)
        return build(delivery)

    monkeypatch.setattr(services, "build", build_until_the_time_limit)
    with pytest.raises(SoftTimeLimitExceeded):
        services.deliveries_send_batch(delivery_ids=ids)
    monkeypatch.setattr(services, "build", build)
    services.deliveries_send_batch(delivery_ids=ids)  # the batch runs again

    assert reached_once_each(sink, readers)


def test_a_message_refused_as_spam_fails_without_marking_readers_undeliverable(smtp_settings):
    sink = smtp_settings
    readers = confirmed_subscribers(2)
    issue, ids = queued_issue(readers)
    sink.replies = ["554 5.7.1 message rejected as spam", "550 5.1.1 no such user"]

    services.deliveries_send_batch(delivery_ids=ids)

    assert set(issue.deliveries.values_list("status", flat=True)) == {"failed"}
    undeliverable = dict(Subscriber.objects.values_list("email", "undeliverable"))
    assert [undeliverable[r.email] for r in readers] == [False, True]


def test_issue_emails_are_branded_html_and_text_with_one_click_unsubscribe(smtp_settings):
    sink = smtp_settings
    [reader] = confirmed_subscribers(1)
    issue = NewsletterIssueFactory(body="Hello runners,\n\n**Ice for 15 minutes.** <b>x</b>")
    delivery = Delivery.objects.create(kind="issue", issue=issue, subscriber=reader)

    services.delivery_send(delivery_id=delivery.pk)

    [message] = sink.messages
    assert message["Subject"] == issue.subject
    assert "<strong>Ice for 15 minutes.</strong>" in message.get_body(("html",)).get_content()
    assert "SimplyJnJ" in message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "**Ice for 15 minutes.**" in text and "/newsletter/unsubscribe/" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_unsubscribed_reader_is_skipped_even_if_queued_before(mailoutbox):
    [reader] = confirmed_subscribers(1)
    delivery = Delivery.objects.create(
        kind="issue", issue=NewsletterIssueFactory(), subscriber=reader
    )
    Subscriber.objects.filter(pk=reader.pk).update(status="unsubscribed")
    services.delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "skipped"
    assert mailoutbox == []


def test_staff_send_an_issue_from_the_admin_and_see_its_progress(
    admin_client, django_capture_on_commit_callbacks, monkeypatch
):
    issue = NewsletterIssueFactory()
    fanned_out = []
    monkeypatch.setattr("newsletter.tasks.fan_out_issue.delay", fanned_out.append)
    changelist = reverse("admin:newsletter_newsletterissue_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            changelist, {"action": "send", "_selected_action": [issue.pk]}, follow=True
        )
    assert "Sending" in response.content.decode()
    assert fanned_out == [issue.pk]
    response = admin_client.post(
        changelist, {"action": "send", "_selected_action": [issue.pk]}, follow=True
    )
    assert "was sent before; not sent again" in response.content.decode()
    assert fanned_out == [issue.pk]

    readers = confirmed_subscribers(3)
    for reader, status in zip(readers, ["sent", "sent", "failed"], strict=True):
        Delivery.objects.create(kind="issue", issue=issue, subscriber=reader, status=status)
    html = admin_client.get(changelist).content.decode()
    assert '<td class="field-sent">2</td>' in html
    assert '<td class="field-failed">1</td>' in html
    assert '<td class="field-total">3</td>' in html
    assert (
        admin_client.get(
            reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])
        ).status_code
        == 200
    )


def test_the_requeue_command_queues_what_never_left_and_only_that(monkeypatch):
    queued = []
    monkeypatch.setattr("newsletter.tasks.send_delivery.delay", queued.append)
    stale, fresh, sent = (
        Delivery.objects.create(kind="confirm", subscriber=SubscriberFactory()) for _ in range(3)
    )
    Delivery.objects.filter(pk__in=[stale.pk, sent.pk]).update(
        queued=timezone.now() - timedelta(minutes=30)
    )
    Delivery.objects.filter(pk=sent.pk).update(status="sent")

    call_command("newsletter_requeue")
    assert queued == [stale.pk]
    call_command("newsletter_requeue")  # it was just queued again: not yet stale
    assert queued == [stale.pk]
    assert NewsletterIssue.objects.count() == 0 and fresh.status == "queued"


def test_an_issue_sent_while_the_broker_is_down_is_fanned_out_by_the_requeue(
    admin_client, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    issue = NewsletterIssueFactory()
    monkeypatch.setattr("newsletter.tasks.fan_out_issue.delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:newsletter_newsletterissue_changelist"),
            {"action": "send", "_selected_action": [issue.pk]},
        )
    assert response.status_code == 302  # staff see the usual answer, not an error

    fanned_out, batches = [], []
    monkeypatch.setattr("newsletter.tasks.fan_out_issue.delay", fanned_out.append)
    monkeypatch.setattr("newsletter.tasks.send_issue_batch.delay", batches.append)
    services.deliveries_requeue(older_than=timedelta(0))
    assert fanned_out == [issue.pk]

    # A fan-out that got its deliveries made but its batches lost: requeued in batches.
    readers = confirmed_subscribers(2)
    ids = [Delivery.objects.create(kind="issue", issue=issue, subscriber=r).pk for r in readers]
    Delivery.objects.update(queued=timezone.now() - timedelta(hours=1))
    assert services.deliveries_requeue() == 2
    assert batches == [sorted(ids)]
    assert fanned_out == [issue.pk]  # it has deliveries now: not fanned out again
