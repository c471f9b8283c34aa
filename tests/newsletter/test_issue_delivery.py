"""Delivering a batch of an issue's emails over SMTP: each reader reached once,
whatever the mail server answers or however often the batch runs; each email the
reader's own; readers gone since the fan-out skipped."""

import re
import smtplib

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from newsletter import services, tokens
from newsletter.models import Subscriber
from shop.core.outbox import messages
from shop.core.outbox import services as outbox
from shop.core.outbox.models import Undeliverable
from tests.newsletter.conftest import statuses
from tests.newsletter.factories import (
    NewsletterIssueFactory,
    SubscriberFactory,
    confirmed_subscribers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_settings(settings, smtp_sink):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_sink.port
    return smtp_sink


def sent_issue(readers: list[Subscriber], **fields):
    """An issue sent (its emails written, one per reader); the emails' ids in order."""
    issue = NewsletterIssueFactory(**fields)
    services.issue_send(issue_id=issue.pk)
    ids = list(issue.emails().order_by("pk").values_list("pk", flat=True))
    assert len(ids) == len(readers)
    return issue, ids


def reached_once_each(sink, readers: list[Subscriber]) -> bool:
    return sorted(str(m["To"]) for m in sink.messages) == sorted(r.email for r in readers)


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
