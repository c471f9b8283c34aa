import re
import smtplib

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from kombu.exceptions import OperationalError

from newsletter import services, tokens
from newsletter.models import Subscriber
from shop.core.outbox import messages
from shop.core.outbox import services as outbox
from shop.core.outbox.models import Undeliverable
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
SEND_BATCH = "shop.core.outbox.tasks.send_batch.apply_async"


@pytest.fixture
def smtp_settings(settings, smtp_sink):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_sink.port
    return smtp_sink


@pytest.fixture
def batches(monkeypatch):
    """The batches handed to the broker (their ids), instead of a broker."""
    handed = []
    monkeypatch.setattr(SEND_BATCH, lambda args, **options: handed.append(args[0]))
    return handed


def confirmed_subscribers(count: int) -> list[Subscriber]:
    return [SubscriberFactory(status="confirmed") for _ in range(count)]


def sent_issue(readers: list[Subscriber], **fields):
    """An issue sent (its emails written, one per reader); the emails' ids in order."""
    issue = NewsletterIssueFactory(**fields)
    services.issue_send(issue_id=issue.pk)
    ids = list(issue.emails().order_by("pk").values_list("pk", flat=True))
    assert len(ids) == len(readers)
    return issue, ids


def reached_once_each(sink, readers: list[Subscriber]) -> bool:
    return sorted(str(m["To"]) for m in sink.messages) == sorted(r.email for r in readers)


def statuses(issue, readers) -> list[str]:
    by_address = dict(issue.emails().values_list("to", "status"))
    return [by_address[r.email] for r in readers]


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
    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"r{n}@example.com", email_normalised=f"r{n}@example.com", status="confirmed"
        )
        for n in range(1001)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_send(issue_id=NewsletterIssueFactory().pk)
    assert [len(batch) for batch in batches] == [500, 500, 1]


def test_a_batch_run_again_reaches_each_reader_once_over_one_connection(smtp_settings):
    sink = smtp_settings
    readers = confirmed_subscribers(5)
    issue, ids = sent_issue(readers)
    sink.replies = ["451 4.3.0 try later"]  # the first reader must wait

    outbox.send_batch(email_ids=ids)
    assert len(sink.messages) == 4
    assert sink.connections == 1
    assert statuses(issue, readers)[0] == "pending"

    outbox.send_batch(email_ids=ids)  # the requeue
    outbox.send_batch(email_ids=ids)  # and a duplicate run
    assert reached_once_each(sink, readers)
    assert set(statuses(issue, readers)) == {"sent"}


def test_a_connection_lost_mid_batch_is_opened_again(smtp_settings):
    sink = smtp_settings
    readers = confirmed_subscribers(4)
    issue, ids = sent_issue(readers)
    sink.replies = ["250 ok", "250 ok", "disconnect"]

    outbox.send_batch(email_ids=ids)
    assert statuses(issue, readers) == ["sent", "sent", "pending", "sent"]
    assert sink.connections == 2

    outbox.send_batch(email_ids=ids)  # the requeue
    assert reached_once_each(sink, readers)
    assert set(statuses(issue, readers)) == {"sent"}


def test_a_time_limit_hit_mid_batch_keeps_what_was_sent_marked(smtp_settings, monkeypatch):
    sink = smtp_settings
    readers = confirmed_subscribers(4)
    issue, ids = sent_issue(readers)
    built, build = [], messages.build

    def build_until_the_time_limit(email, shared=None):
        if len(built) == 2:
            raise SoftTimeLimitExceeded()
        built.append(email)
        return build(email, shared)

    monkeypatch.setattr(messages, "build", build_until_the_time_limit)
    with pytest.raises(SoftTimeLimitExceeded):
        outbox.send_batch(email_ids=ids)
    assert statuses(issue, readers) == ["sent", "sent", "pending", "pending"]
    monkeypatch.setattr(messages, "build", build)
    outbox.send_batch(email_ids=ids)  # the batch runs again

    assert reached_once_each(sink, readers)


def test_a_message_refused_as_spam_fails_without_marking_the_reader_undeliverable(
    smtp_settings,
):
    sink = smtp_settings
    readers = confirmed_subscribers(2)
    issue, ids = sent_issue(readers)
    sink.replies = ["554 5.7.1 message rejected as spam", "550 5.1.1 no such user"]

    outbox.send_batch(email_ids=ids)

    assert statuses(issue, readers) == ["failed", "failed"]
    assert [Undeliverable.objects.of(r.email).exists() for r in readers] == [False, True]
    assert list(Subscriber.objects.receiving_newsletters()) == [readers[0]]


def test_issue_emails_are_branded_html_and_text_with_one_click_unsubscribe(smtp_settings):
    sink = smtp_settings
    readers = confirmed_subscribers(1)
    issue, [email_id] = sent_issue(
        readers, body="Hello runners,\n\n**Ice for 15 minutes.** <b>x</b>"
    )

    outbox.send(email_id=email_id)

    [message] = sink.messages
    assert message["Subject"] == issue.subject
    assert "<strong>Ice for 15 minutes.</strong>" in message.get_body(("html",)).get_content()
    assert "SimplyJnJ" in message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "**Ice for 15 minutes.**" in text and "/newsletter/unsubscribe/" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_each_reader_of_a_batch_gets_their_own_address_links_and_message_id(smtp_settings, client):
    sink = smtp_settings
    readers = [
        SubscriberFactory(status="confirmed", email=email)
        for email in [
            "ada@example.com",
            "tom=jones@example.com",
            "o'neil@example.com",
            "ben&jerry@example.com",
        ]
    ]
    issue, ids = sent_issue(readers)

    outbox.send_batch(email_ids=ids)

    assert sink.connections == 1
    sent = {e.to: e for e in issue.emails()}
    by_message_id = {str(m["Message-ID"]).strip(): m for m in sink.messages}
    links = {}
    for reader in readers:
        message = by_message_id[sent[reader.email].message_id]
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
    by_email = dict(Subscriber.objects.values_list("email", "status"))
    assert [by_email[r.email] for r in readers] == [
        "confirmed", "unsubscribed", "confirmed", "confirmed"
    ]  # fmt: skip


def test_an_unsubscribed_reader_is_skipped_even_if_written_before(mailoutbox):
    readers = confirmed_subscribers(1)
    issue, [email_id] = sent_issue(readers)
    Subscriber.objects.update(status="unsubscribed")
    outbox.send(email_id=email_id)
    assert statuses(issue, readers) == ["skipped"]
    assert mailoutbox == []


def test_a_batch_skips_readers_gone_since_the_fan_out(smtp_settings):
    sink = smtp_settings
    readers = confirmed_subscribers(4)
    issue, ids = sent_issue(readers)
    Subscriber.objects.filter(pk=readers[1].pk).update(status="unsubscribed")
    Undeliverable.record(readers[2].email, "550 5.1.1 no such user")

    outbox.send_batch(email_ids=ids)

    assert reached_once_each(sink, [readers[0], readers[3]])
    assert statuses(issue, readers) == ["sent", "skipped", "skipped", "sent"]


def test_a_batch_loads_what_its_readers_share_once(smtp_settings):
    """Per reader only the row's own lock and mark; the readers, the issue and the
    refused addresses are loaded once per batch, however many readers it has."""

    readers = []

    def queries(added: int) -> int:
        readers.extend(confirmed_subscribers(added))
        _, ids = sent_issue(readers)
        with CaptureQueriesContext(connection) as captured:
            outbox.send_batch(email_ids=ids)
        return len(captured)

    few, many = queries(2), queries(4)  # 2 readers, then 6
    # In a test each reader's transaction is a savepoint: savepoint, lock, mark, release.
    assert many - few <= 4 * 4


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


def test_smtp_answers_are_read_the_same_for_every_kind():
    from shop.core.outbox.answers import Verdict, classify

    def answer(code: int, text: str):
        return smtplib.SMTPDataError(code, text.encode())

    assert classify(answer(451, "4.3.0 try later")) is Verdict.RETRY
    assert classify(smtplib.SMTPServerDisconnected("lost")) is Verdict.RETRY
    assert classify(ConnectionRefusedError()) is Verdict.RETRY
    assert classify(answer(550, "5.1.1 no such user")) is Verdict.UNDELIVERABLE
    refused = smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no such user")})
    assert classify(refused) is Verdict.UNDELIVERABLE
    assert classify(answer(554, "5.7.1 spam")) is Verdict.FAILED
