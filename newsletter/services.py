"""The subscriber's workflows: signup, confirmation with its welcome voucher,
unsubscribing, and writing their emails into the outbox."""

import logging
import secrets
from datetime import timedelta
from decimal import Decimal
from itertools import islice

from django.db import IntegrityError, transaction
from django.utils import timezone
from oscar.apps.offer.models import Benefit, Condition, ConditionalOffer, Range
from oscar.apps.voucher.models import Voucher

from newsletter import emails, tokens
from newsletter.models import CONSENT_TEXT, CONSENT_VERSION, Consent, NewsletterIssue, Subscriber
from shop.core.mailbox import mailbox
from shop.core.outbox import services as outbox
from shop.core.outbox.models import Email
from shop.core.privacy.identity import erased_address

logger = logging.getLogger(__name__)

WELCOME_OFFER_NAME = "Newsletter welcome: 10% off"
WELCOME_RANGE_NAME = "Newsletter welcome: all products"
WELCOME_VOUCHER_DAYS = 30
# No 0/O, 1/I/L, 2/Z, 5/S or 8/B: a code read aloud or retyped survives.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
# A confirm or "already subscribed" email is sent on a new signup at most this often per hour.
RESENDS_PER_HOUR = 3


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

    # A confirmed subscriber hears they are subscribed, with their code if it is still
    # good and what became of it if not: never a second code.
    pending = subscriber.status == Subscriber.Status.PENDING
    kind = emails.CONFIRM if pending else emails.ALREADY_SUBSCRIBED
    if sent_recently(subscriber, kind) < RESENDS_PER_HOUR:
        email_queue(subscriber=subscriber, kind=kind)
    return subscriber


@transaction.atomic
def subscriber_confirm(*, token: str) -> Subscriber:
    """Confirm the address; the first confirmation also issues the welcome voucher,
    a later one sends it again while it is unused."""
    subscriber = _subscriber_from(tokens.read_confirm_token(token))
    if subscriber.status == Subscriber.Status.CONFIRMED:
        raise AlreadyConfirmed
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        raise NotPending
    subscriber.confirm()
    if subscriber.coupon_state == Subscriber.Coupon.TO_ISSUE:
        subscriber.voucher = welcome_voucher_create()
    subscriber.save()
    # A new code, or the unused one from before they unsubscribed; a used or expired
    # one is not sent again (the confirm email and page say so).
    if subscriber.coupon_state == Subscriber.Coupon.UNUSED:
        email_queue(subscriber=subscriber, kind=emails.COUPON)
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


# --- Sending (through the outbox: shop/core/outbox) -----------------------------------


def email_queue(*, subscriber: Subscriber, kind: str) -> Email:
    """Record the email in this transaction; a worker sends it after the commit."""
    return outbox.enqueue(kind=kind, to=subscriber.email, context={"subscriber": subscriber.pk})


def sent_recently(subscriber: Subscriber, kind: str) -> int:
    since = timezone.now() - timedelta(hours=1)
    return Email.objects.filter(
        kind=kind, context__subscriber=subscriber.pk, created__gte=since
    ).count()


@transaction.atomic
def issue_send(*, issue_id: int) -> bool:
    """Write the issue's email to every subscriber receiving newsletters, in this
    transaction; workers send them in batches after the commit. False if the issue
    was sent before."""
    issue = NewsletterIssue.objects.select_for_update().get(pk=issue_id)
    if issue.send_started:
        return False
    issue.send_started = timezone.now()
    issue.save(update_fields=["send_started"])
    readers = (
        Subscriber.objects.receiving_newsletters()
        .order_by("pk")
        .values_list("pk", "email", "email_normalised")
        .iterator(chunk_size=2000)
    )
    while chunk := list(islice(readers, 2000)):
        Email.objects.bulk_create(
            Email(
                kind=emails.ISSUE,
                to=email,
                mailbox=box,
                context={"subscriber": pk, "issue": issue.pk},
                key=f"issue:{issue.pk}:{pk}",
                bulk=True,
            )
            for pk, email, box in chunk
        )
    transaction.on_commit(
        lambda: outbox.hand_over(
            list(issue.emails().pending().order_by("pk").values_list("pk", flat=True)), bulk=True
        )
    )
    return True


@transaction.atomic
def issue_send_test(*, issue_id: int, to: str) -> Email:
    """The issue to one staff member, as a reader gets it and marked "[Test]"; it
    does not count as sent."""
    return outbox.enqueue(kind=emails.ISSUE_TEST, to=to, context={"issue": issue_id})
