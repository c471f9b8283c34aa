"""The subscriber's workflows: signup, confirmation with its welcome voucher,
unsubscribing, and sending every email exactly once."""

import logging
import secrets
import smtplib
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from decimal import Decimal
from functools import cache, partial
from itertools import islice

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone
from kombu.exceptions import OperationalError
from oscar.apps.offer.models import Benefit, Condition, ConditionalOffer, Range
from oscar.apps.voucher.models import Voucher

from newsletter import tokens
from newsletter.emails import IssueMail, build
from newsletter.models import (
    CONSENT_TEXT,
    CONSENT_VERSION,
    Consent,
    Delivery,
    NewsletterIssue,
    Subscriber,
)
from shop.core.mailbox import mailbox
from shop.core.privacy.identity import erased_address

logger = logging.getLogger(__name__)

WELCOME_OFFER_NAME = "Newsletter welcome: 10% off"
WELCOME_RANGE_NAME = "Newsletter welcome: all products"
WELCOME_VOUCHER_DAYS = 30
# No 0/O, 1/I/L, 2/Z, 5/S or 8/B: a code read aloud or retyped survives.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
# A confirm or coupon email is sent again on a new signup at most this often per hour.
RESENDS_PER_HOUR = 3
BATCH_SIZE = 500
# Newsletter deliveries locked, sent and marked per transaction (see deliveries_send_batch).
SEND_CHUNK = 50
# A delivery queued longer ago than this and still unsent is handed to the queue again.
REQUEUE_AFTER = timedelta(minutes=15)


class TemporaryDeliveryError(Exception):
    """The mail server said "try later" (4xx): the task retries with back-off."""


class AlreadyConfirmed(tokens.TokenError):
    status = 409
    message = "This link has already been used: your subscription is confirmed."


class NotPending(tokens.TokenError):
    status = 409
    message = "You have unsubscribed since this link was sent. Sign up again to rejoin."


# --- Signup, confirmation, unsubscribing ------------------------------------------


@transaction.atomic
def subscriber_signup(*, email: str, ip_address: str | None, source: str) -> Subscriber:
    """Record the signup and its consent; send what the address's state calls for.

    The caller answers the same whatever happens here, so nobody can learn
    whether an address is subscribed.
    """
    box = mailbox(email)
    erased = Subscriber.objects.select_for_update().filter(email_normalised=erased_address(box))
    if subscriber := erased.first():
        # Back after erasing their data: the same row, with its (revoked or used)
        # welcome code, so confirming again issues no second one.
        subscriber.email = email
        subscriber.save(update_fields=["email", "email_normalised"])
    else:
        subscriber, _ = Subscriber.objects.select_for_update().get_or_create(
            email_normalised=box, defaults={"email": email}
        )
    Consent.objects.create(
        subscriber=subscriber,
        text=CONSENT_TEXT,
        version=CONSENT_VERSION,
        ip_address=ip_address,
        source=source,
    )
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        subscriber.resubscribe()
        subscriber.save(update_fields=["status"])

    if subscriber.status == Subscriber.Status.PENDING:
        kind = Delivery.Kind.CONFIRM
    elif subscriber.voucher_id and subscriber.voucher.is_active():
        kind = Delivery.Kind.COUPON  # the same code again, never a second voucher
    else:
        return subscriber
    recent = subscriber.deliveries.filter(kind=kind).since(timezone.now() - timedelta(hours=1))
    if recent.count() < RESENDS_PER_HOUR:
        delivery_queue(subscriber=subscriber, kind=kind)
    return subscriber


@transaction.atomic
def subscriber_confirm(*, token: str) -> Subscriber:
    """Confirm the address; the first confirmation also issues the welcome voucher."""
    subscriber = _subscriber_from(tokens.read_confirm_token(token))
    if subscriber.status == Subscriber.Status.CONFIRMED:
        raise AlreadyConfirmed
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        raise NotPending
    subscriber.confirm()
    issue_coupon = subscriber.voucher_id is None and subscriber.may_have_coupon
    if issue_coupon:
        subscriber.voucher = welcome_voucher_create()
    subscriber.save()
    if issue_coupon:
        delivery_queue(subscriber=subscriber, kind=Delivery.Kind.COUPON)
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, token: str) -> Subscriber:
    subscriber = _subscriber_from(tokens.read_unsubscribe_token(token))
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        subscriber.unsubscribe()
        subscriber.save(update_fields=["status", "unsubscribed"])
    return subscriber


def _subscriber_from(subscriber_id: int) -> Subscriber:
    try:
        return Subscriber.objects.select_for_update().get(pk=subscriber_id)
    except Subscriber.DoesNotExist as exc:
        raise tokens.TokenError from exc


# --- The welcome voucher -------------------------------------------------------------


def welcome_offer() -> ConditionalOffer:
    """The one offer every welcome voucher belongs to: 10% off anything. Idempotent."""
    offer = ConditionalOffer.objects.filter(name=WELCOME_OFFER_NAME).first()
    if offer:
        return offer
    every_product, _ = Range.objects.get_or_create(
        name=WELCOME_RANGE_NAME, defaults={"includes_all_products": True}
    )
    return ConditionalOffer.objects.create(
        name=WELCOME_OFFER_NAME,
        description="10% off for confirming your newsletter subscription.",
        offer_type=ConditionalOffer.VOUCHER,
        condition=Condition.objects.create(
            range=every_product, type=Condition.COUNT, value=Decimal(1)
        ),
        benefit=Benefit.objects.create(
            range=every_product, type=Benefit.PERCENTAGE, value=Decimal(10)
        ),
    )


def new_code() -> str:
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(3))


def welcome_voucher_create() -> Voucher:
    offer = welcome_offer()
    now = timezone.now()
    while True:
        code = new_code()
        try:
            with transaction.atomic():
                voucher = Voucher.objects.create(
                    name=f"Newsletter welcome {code}",
                    code=code,
                    usage=Voucher.SINGLE_USE,
                    start_datetime=now,
                    end_datetime=now + timedelta(days=WELCOME_VOUCHER_DAYS),
                )
        except IntegrityError:  # 25^12 codes: a clash is astronomically rare, but possible
            continue
        voucher.offers.add(offer)
        return voucher


# --- Sending --------------------------------------------------------------------------


def delivery_queue(*, subscriber: Subscriber, kind: str, issue=None) -> Delivery:
    """Record an email to send; it is handed to the queue once the transaction commits."""
    delivery = Delivery.objects.create(subscriber=subscriber, kind=kind, issue=issue)
    transaction.on_commit(partial(_queue, "send_delivery", delivery.pk))
    return delivery


def _queue(task_name: str, *args) -> None:
    """Hand a task to the broker. If the broker is down the work stays recorded as
    unsent, and deliveries_requeue hands it over later."""
    from newsletter import tasks

    try:
        getattr(tasks, task_name).delay(*args)
    except OperationalError:
        logger.warning("Broker unavailable: %s%r waits for the requeue", task_name, args)


def delivery_send(*, delivery_id: int, connection=None) -> Delivery:
    """Send one email unless it was sent already.

    The delivery row stays locked while the message goes out, so two workers
    never both send it. A temporary refusal raises TemporaryDeliveryError (after
    recording the attempt) for the task to retry; a permanent one fails the
    delivery, and marks the address undeliverable if it was the address refused.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("subscriber__voucher", "issue")
            .get(pk=delivery_id)
        )
        if delivery.status != Delivery.Status.QUEUED:
            return delivery
        failure = _attempt(delivery, partial(_send_built, connection=connection))
        delivery.save()
        if delivery.subscriber.undeliverable:
            delivery.subscriber.save(update_fields=["undeliverable"])
    if failure:
        raise failure
    return delivery


def _send_built(delivery: Delivery, connection) -> str:
    message = build(delivery)
    message.connection = connection
    message.send()
    return message.extra_headers["Message-ID"]


def _attempt(delivery: Delivery, send: Callable[[Delivery], str]) -> TemporaryDeliveryError | None:
    """Send a queued delivery with `send` (which returns the Message-ID) and record the
    outcome on it (not saved). Returns the temporary refusal to retry, if any; a broken
    connection raises, recording nothing."""
    if not delivery.still_wanted:
        delivery.status = Delivery.Status.SKIPPED
        return None
    try:
        message_id = send(delivery)
    except smtplib.SMTPException as exc:
        code = _smtp_code(exc)
        if code is None:
            raise  # the connection broke: the task retries, nothing was recorded
        delivery.attempts += 1
        delivery.last_error = f"{code} {exc}"[:500]
        if code < 500 and delivery.attempts < Delivery.MAX_ATTEMPTS:
            delivery.queued = timezone.now()
            return TemporaryDeliveryError(delivery.last_error)
        delivery.status = Delivery.Status.FAILED
        if code >= 500 and _bad_address(exc):
            delivery.subscriber.undeliverable = True
        return None
    delivery.attempts += 1
    delivery.status = Delivery.Status.SENT
    delivery.sent = timezone.now()
    delivery.message_id = message_id
    return None


def _bad_address(exc: smtplib.SMTPException) -> bool:
    """The server refused the address itself (RCPT refused, or an RFC 3463 "5.1.x"
    addressing status), not this message (5.7.x policy, spam): only then is the
    subscriber undeliverable."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    text = getattr(exc, "smtp_error", b"")
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return text.lstrip().startswith("5.1.")


def _smtp_code(exc: smtplib.SMTPException) -> int | None:
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        return next(iter(exc.recipients.values()))[0]
    return None


def deliveries_send_batch(*, delivery_ids: list[int]) -> None:
    """Send a batch of newsletter emails over one SMTP connection, a chunk at a time:
    a chunk's deliveries are locked, sent, and marked in one transaction.

    A retried batch skips what was marked. A worker that dies mid-chunk leaves
    that chunk unmarked, so up to SEND_CHUNK recipients may get the email twice;
    a broken connection marks what was sent before it raises for the retry.
    """
    temporary = 0
    with get_connection() as connection:
        for chunk in _chunks(delivery_ids, SEND_CHUNK):
            failures, broken = _send_chunk(chunk, connection)
            if broken:
                raise broken
            temporary += failures
    if temporary:
        raise TemporaryDeliveryError(f"{temporary} of {len(delivery_ids)} refused for now")


@transaction.atomic
def _send_chunk(delivery_ids: list[int], connection) -> tuple[int, Exception | None]:
    deliveries = list(
        # Rows another worker holds are its to send.
        Delivery.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("subscriber__voucher", "issue")
        .filter(pk__in=delivery_ids, status=Delivery.Status.QUEUED)
        .order_by("pk")
    )
    # Batches are of one issue's deliveries: it is built and encoded once per chunk.
    mail_for = cache(partial(IssueMail, connection=connection))
    failures, broken, done = 0, None, []
    for delivery in deliveries:
        try:
            if _attempt(delivery, mail_for(delivery.issue).send):
                failures += 1
        except Exception as exc:  # a lost connection, a time limit: keep what went out
            broken = exc
            break
        done.append(delivery)
    # Mostly sent: one UPDATE marks those, a second stores their message ids.
    sent = [d for d in done if d.status == Delivery.Status.SENT]
    Delivery.objects.filter(pk__in=[d.pk for d in sent]).update(
        status=Delivery.Status.SENT, sent=Now(), attempts=F("attempts") + 1
    )
    Delivery.objects.bulk_update(sent, ["message_id"])
    others = [d for d in done if d.status != Delivery.Status.SENT]
    Delivery.objects.bulk_update(others, ["status", "attempts", "last_error", "queued"])
    if bounced := [d.subscriber_id for d in done if d.subscriber.undeliverable]:
        Subscriber.objects.filter(pk__in=bounced).update(undeliverable=True)
    return failures, broken


# --- Newsletter issues --------------------------------------------------------------------


@transaction.atomic
def issue_send(*, issue_id: int) -> bool:
    """Start sending an issue to every confirmed subscriber; False if it was started before."""
    issue = NewsletterIssue.objects.select_for_update().get(pk=issue_id)
    if issue.send_started:
        return False
    issue.send_started = timezone.now()
    issue.save(update_fields=["send_started"])
    transaction.on_commit(partial(_queue, "fan_out_issue", issue.pk))
    return True


def issue_fan_out(*, issue_id: int) -> None:
    """One delivery per confirmed subscriber, then one task per batch of them.

    Subscribers are streamed, never loaded at once; running this again creates
    no second delivery and queues only what is still unsent.
    """
    issue = NewsletterIssue.objects.get(pk=issue_id)
    recipients = (
        Subscriber.objects.receiving_newsletters()
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=2000)
    )
    for chunk in _chunks(recipients, BATCH_SIZE):
        Delivery.objects.bulk_create(
            [Delivery(kind=Delivery.Kind.ISSUE, issue=issue, subscriber_id=pk) for pk in chunk],
            ignore_conflicts=True,
        )
    _queue_batches(issue.deliveries.unsent())


def _queue_batches(deliveries) -> None:
    from newsletter.tasks import send_issue_batch

    ids = deliveries.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000)
    for chunk in _chunks(ids, BATCH_SIZE):
        send_issue_batch.delay(chunk)


def _chunks(items: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def deliveries_requeue(*, older_than: timedelta = REQUEUE_AFTER) -> int:
    """Hand what never left (the broker was down, a worker vanished) to the queue
    again: issues never fanned out, and unsent deliveries. Sending is idempotent, so
    something queued twice is still sent once."""
    from newsletter.tasks import fan_out_issue, send_delivery

    cutoff = timezone.now() - older_than
    for issue_id in NewsletterIssue.objects.filter(
        send_started__lte=cutoff, deliveries__isnull=True
    ).values_list("pk", flat=True):
        fan_out_issue.delay(issue_id)

    stale = Delivery.objects.unsent().filter(queued__lte=cutoff)
    count = 0
    issue_ids = stale.filter(issue__isnull=False).order_by().values_list("issue", flat=True)
    for issue_id in issue_ids.distinct():
        issue_stale = stale.filter(issue_id=issue_id)
        count += issue_stale.count()
        _queue_batches(issue_stale)
    for delivery_id in stale.filter(issue__isnull=True).values_list("pk", flat=True).iterator():
        send_delivery.delay(delivery_id)
        count += 1
    stale.update(queued=timezone.now())
    return count
