"""Writing emails into the outbox, handing them to the broker, sending each once."""

import logging
import smtplib
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from itertools import islice

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from shop.core.outbox import messages
from shop.core.outbox.answers import Verdict, classify, describe
from shop.core.outbox.models import Email, Undeliverable

logger = logging.getLogger(__name__)

# A temporary refusal (4xx) is tried again until this many attempts, then given up.
MAX_ATTEMPTS = 8
BATCH_SIZE = 500
# What sending an email changes on its row.
OUTCOME_FIELDS = ["status", "attempts", "next_attempt_at", "last_error", "sent_at", "message_id"]


class TryLater(Exception):
    """The mail server said "try later" (4xx) or did not answer: retry in `countdown`
    seconds; `broken`: the connection is lost, not just this message refused."""

    def __init__(self, countdown: float, broken: bool):
        super().__init__(countdown)
        self.countdown, self.broken = countdown, broken


def enqueue(*, kind: str, to: str, context: dict, key: str | None = None) -> Email:
    """Record an email in the caller's transaction; it goes to the broker after the
    commit. A transactional email is never written twice for one `key`."""
    if key is not None and (email := Email.objects.filter(key=key).first()):
        return email
    email = Email.objects.create(kind=kind, to=to, context=context, key=key)
    transaction.on_commit(partial(hand_over, [email.pk]))
    return email


def hand_over(email_ids: list[int], *, bulk: bool = False) -> None:
    """Give emails to the broker. If the broker is down they stay pending, and
    `requeue_overdue` hands them over once it is back: never an error for the caller."""
    from shop.core.outbox import tasks

    try:
        if bulk:
            for chunk in _chunks(email_ids, BATCH_SIZE):
                tasks.send_batch.apply_async((chunk,), queue=settings.OUTBOX_BULK_QUEUE)
        else:
            for email_id in email_ids:
                tasks.send_email.apply_async((email_id,), queue=settings.OUTBOX_MAIL_QUEUE)
    except (BrokerError, RedisError, OSError) as exc:
        logger.warning(
            "Broker unavailable (%s): %d email(s) wait for the requeue", exc, len(email_ids)
        )


@dataclass
class Batch:
    """What a batch's emails share, loaded once: the mailboxes refused for good
    among them and each kind's prefetched data (messages.prefetch)."""

    refused: set[str]
    shared: dict

    @classmethod
    def of(cls, emails: list[Email]) -> "Batch":
        mailboxes = {email.mailbox for email in emails}
        refused = Undeliverable.objects.filter(address__in=mailboxes)
        return cls(set(refused.values_list("address", flat=True)), messages.prefetch(emails))


def send(*, email_id: int, connection=None, batch: Batch | None = None) -> Email | None:
    """Send one email unless it was sent, given up or is being sent by another worker.

    The row stays locked while the message goes out, so two workers never both
    send it. Raises TryLater after recording a temporary failure.
    """
    with transaction.atomic():
        email = (
            Email.objects.select_for_update(skip_locked=True).pending().filter(pk=email_id).first()
        )
        if email is None:
            return None
        retry = _attempt(email, connection, batch)
        email.save(update_fields=OUTCOME_FIELDS)
    if retry:
        countdown = (email.next_attempt_at - timezone.now()).total_seconds()
        broken = not isinstance(retry, smtplib.SMTPException) or isinstance(
            retry, smtplib.SMTPServerDisconnected
        )
        raise TryLater(countdown, broken)
    return email


def _attempt(email: Email, connection, batch: Batch | None) -> OSError | None:
    """Send `email` and record the outcome on it (not saved); returns the error to
    try again after, if any."""
    if batch is None:
        batch = Batch(set(), {})
        if Undeliverable.objects.of(email.to).exists():
            batch.refused.add(email.mailbox)
    if email.mailbox in batch.refused:
        email.status, email.last_error = Email.Status.SKIPPED, "undeliverable address"
        return None
    message = messages.build(email, batch.shared)
    if message is None:
        email.status = Email.Status.SKIPPED
        return None
    message.connection = connection
    email.attempts += 1
    try:
        message.send()
    except OSError as exc:  # smtplib's errors, refused or dropped connections
        email.last_error = describe(exc)
        verdict = classify(exc)
        if verdict is Verdict.RETRY and email.attempts < MAX_ATTEMPTS:
            email.next_attempt_at = timezone.now() + backoff(email.attempts)
            return exc
        email.status = Email.Status.FAILED
        if verdict is Verdict.UNDELIVERABLE:
            Undeliverable.record(email.to, email.last_error)
        logger.warning("Email %s to %s failed for good: %s", email.pk, email.to, email.last_error)
        return None
    email.status, email.sent_at = Email.Status.SENT, timezone.now()
    email.message_id = message.extra_headers.get("Message-ID", "")
    return None


def backoff(attempts: int) -> timedelta:
    """Exponential: the base (OUTBOX_RETRY_BACKOFF seconds), doubled per attempt, at most 15 min."""
    return timedelta(seconds=min(15 * 60, settings.OUTBOX_RETRY_BACKOFF * 2 ** (attempts - 1)))


def send_batch(*, email_ids: list[int]) -> None:
    """Send many emails over one SMTP connection (newsletters), what they share
    loaded once. What the server asks to try later is left pending for the requeue;
    a lost connection is opened again."""
    pending = list(Email.objects.pending().filter(pk__in=email_ids).order_by("pk"))
    batch = Batch.of(pending)
    with get_connection() as connection:
        for email_id in [email.pk for email in pending]:
            try:
                send(email_id=email_id, connection=connection, batch=batch)
            except TryLater as later:
                if later.broken:
                    connection.close()
                    with suppress(OSError):
                        connection.open()


def requeue_overdue(*, older_than: timedelta | None = None) -> int:
    """Hand over again what is pending and was due more than `older_than` ago
    (default OUTBOX_REQUEUE_SECONDS). Sending is idempotent: an email handed over
    twice is still sent once."""
    if older_than is None:
        older_than = timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS)
    overdue = Email.objects.overdue(by=older_than)
    count = 0
    for bulk in (False, True):
        ids = list(overdue.filter(bulk=bulk).order_by("pk").values_list("pk", flat=True))
        if ids:
            # Not again before another interval has passed, whatever the broker does.
            Email.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
            hand_over(ids, bulk=bulk)
            count += len(ids)
    return count


def _chunks(items: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
