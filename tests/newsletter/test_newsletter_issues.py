import re
import smtplib
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.mail import get_connection
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from kombu.exceptions import OperationalError

from newsletter import services, tokens
from newsletter.emails import IssueMail, build
from newsletter.models import Delivery, NewsletterIssue, Subscriber
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory

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
    sent = []
    send = IssueMail.send

    def send_until_the_time_limit(self, delivery):
        if len(sent) == 2:
            raise SoftTimeLimitExceeded()
        sent.append(delivery)
        return send(self, delivery)

    monkeypatch.setattr(IssueMail, "send", send_until_the_time_limit)
    with pytest.raises(SoftTimeLimitExceeded):
        services.deliveries_send_batch(delivery_ids=ids)
    monkeypatch.setattr(IssueMail, "send", send)
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


def smtp_backend():
    return get_connection("django.core.mail.backends.smtp.EmailBackend")


def test_a_readers_copy_of_an_issue_is_the_message_built_for_them():
    """A batch encodes the issue once and stamps each reader's copy: the message
    building the reader's own gives, but for header folding, the boundary and the Date.
    The reader has everything a template could show set, so an issue template that
    starts showing more of the reader than the stamping puts in fails here."""
    reader = SubscriberFactory(
        email="ada.runs+hips@example.co.uk",
        status="confirmed",
        confirmed=timezone.now(),
        voucher=services.welcome_voucher_create(),
    )
    issue = NewsletterIssueFactory(body="Hello **runners**, café ☕\n\n" + "Ice. " * 30)
    delivery = Delivery.objects.create(kind="issue", issue=issue, subscriber=reader)
    mail = IssueMail(issue, smtp_backend())
    assert mail.encoded, "the issue should be encoded once for stamping"

    message_id = "<1.2.3@simplyjnj.com>"
    copy = mail.copy_for(delivery, message_id)
    built = build(delivery, message_id=message_id).message().as_bytes(linesep="\r\n")
    assert what_it_says(copy) == what_it_says(built)
    assert max(len(line) for line in copy.split(b"\r\n")) <= 998


def what_it_says(data: bytes) -> tuple:
    """A message's headers (unfolded; not the Date or the boundary) and decoded parts."""
    message = message_from_bytes(data, policy=policy.default)
    headers = [
        (name, " ".join(str(value).split()))
        for name, value in message.items()
        if name not in ("Date", "Content-Type")
    ]
    parts = [
        (p.get_content_type(), p.get_content()) for p in message.walk() if not p.is_multipart()
    ]
    return headers, parts


def test_only_djangos_smtp_backend_is_sent_stamped_copies():
    """Another backend, or one that extends Django's (to sign or log each message),
    gets each message built and sent through it."""
    from django.core.mail.backends import locmem, smtp

    class SigningBackend(smtp.EmailBackend):
        pass

    issue = NewsletterIssueFactory()
    assert IssueMail(issue, smtp_backend()).encoded
    assert not IssueMail(issue, locmem.EmailBackend()).encoded
    assert not IssueMail(issue, SigningBackend()).encoded


@pytest.mark.parametrize(
    ("body", "stamped"),
    [
        ("Hello runners,\n\n**Stay well!**", ["ada@example.com"]),
        # A line over 998 characters is sent quoted-printable: every message built whole.
        ("A paragraph on one line. " * 60, []),
    ],
    ids=["short lines", "a line too long for 8-bit"],
)
def test_each_reader_of_a_batch_gets_their_own_address_links_and_message_id(
    smtp_settings, body, stamped, client, monkeypatch
):
    sink = smtp_settings
    copies, copy_for = [], IssueMail.copy_for

    def counted_copy_for(self, delivery, message_id):
        copies.append(delivery.subscriber.email)
        return copy_for(self, delivery, message_id)

    monkeypatch.setattr(IssueMail, "copy_for", counted_copy_for)
    readers = [
        SubscriberFactory(status="confirmed", email=email)
        for email in [
            "ada@example.com",
            "tom=jones@example.com",
            "o'neil@example.com",
            "ben&jerry@example.com",
        ]
    ]
    issue, ids = queued_issue(readers)
    issue.body = body
    issue.save()

    services.deliveries_send_batch(delivery_ids=ids)

    assert sink.connections == 1
    assert copies == stamped  # the others' addresses need encoding or escaping
    sent = {d.subscriber_id: d for d in issue.deliveries.all()}
    by_message_id = {str(m["Message-ID"]).strip(): m for m in sink.messages}
    links = {}
    for reader in readers:
        message = by_message_id[sent[reader.pk].message_id]
        assert message["To"].addresses[0].username == reader.email.split("@")[0]
        text = message.get_body(("plain",)).get_content()
        assert f"because {reader.email} signed up" in text
        token = re.search(r"/newsletter/unsubscribe/([^/\s]+)/", text).group(1)
        assert tokens.read_unsubscribe_token(token) == reader.pk
        html = message.get_body(("html",)).get_content()
        assert f"/newsletter/unsubscribe/{token}/" in html
        assert f"because {escape(reader.email)} signed up" in html
        url, mailto = message["List-Unsubscribe"].split(", ")
        assert url.endswith(f"/newsletter/unsubscribe/{token}/>")
        assert mailto.endswith(f"?subject=unsubscribe%20{token.replace(':', '%3A')}>")
        links[reader.email] = reverse("newsletter:unsubscribe", args=[token])
    # A reader's link unsubscribes that reader and no one else.
    assert client.post(links["tom=jones@example.com"]).status_code == 200
    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert [statuses[r.email] for r in readers] == [
        "confirmed", "unsubscribed", "confirmed", "confirmed"
    ]  # fmt: skip


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
