from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import cached_property
from oscar.apps.voucher.models import Voucher

from shop.core.mailbox import is_disposable, mailbox
from shop.core.outbox.models import Email, Undeliverable

# The consent the signup box asks for. Change the version whenever the text changes:
# each consent record keeps the exact text the subscriber agreed to.
CONSENT_VERSION = "2025-01"
CONSENT_TEXT = (
    "Yes, email me the SimplyJnJ newsletter (pain management, health & fitness) and my "
    "10%-off coupon. I can unsubscribe at any time with one click."
)


class SubscriberQuerySet(models.QuerySet):
    def receiving_newsletters(self):
        return self.filter(status=Subscriber.Status.CONFIRMED).exclude(
            Exists(Undeliverable.objects.filter(address=OuterRef("email_normalised")))
        )


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    class Coupon(models.TextChoices):
        """Where the subscriber's one welcome code stands."""

        TO_ISSUE = "to_issue", "Issued when they confirm"
        NONE = "none", "None (a disposable address)"
        UNUSED = "unused", "Unused"
        USED = "used", "Used"
        EXPIRED = "expired", "Expired or revoked, unused"

    email = models.EmailField("email as given", max_length=254)
    email_normalised = models.CharField(max_length=254, unique=True, editable=False)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    voucher = models.OneToOneField(
        Voucher,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="newsletter_subscriber",
        help_text="The welcome code; one per subscriber, ever.",
    )
    created = models.DateTimeField(auto_now_add=True)
    confirmed = models.DateTimeField(null=True, blank=True)
    unsubscribed = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email_normalised = mailbox(self.email)
        super().save(*args, **kwargs)

    @property
    def may_have_coupon(self) -> bool:
        """Throwaway mailboxes get the newsletter but never a coupon."""
        return not is_disposable(self.email_normalised)

    @property
    def coupon_state(self) -> "Subscriber.Coupon":
        voucher = self.voucher
        if voucher is None:
            return self.Coupon.TO_ISSUE if self.may_have_coupon else self.Coupon.NONE
        if voucher.num_orders:
            return self.Coupon.USED
        if voucher.end_datetime <= timezone.now():
            return self.Coupon.EXPIRED
        return self.Coupon.UNUSED

    def confirm(self) -> None:
        self.status = self.Status.CONFIRMED
        self.confirmed = timezone.now()

    def unsubscribe(self) -> None:
        self.status = self.Status.UNSUBSCRIBED
        self.unsubscribed = timezone.now()

    def resubscribe(self) -> None:
        """Signing up again after unsubscribing needs a fresh confirmation."""
        self.status = self.Status.PENDING


class Consent(models.Model):
    """What a subscriber agreed to, when, from where: one record per signup."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    text = models.TextField()
    version = models.CharField(max_length=32)
    created = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    source = models.CharField("source page", max_length=200, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.subscriber} agreed to version {self.version} on {self.created:%Y-%m-%d}"


class NewsletterIssue(models.Model):
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    created = models.DateTimeField(auto_now_add=True)
    send_started = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.subject

    def emails(self):
        """Its emails in the outbox, one per reader."""
        return Email.objects.filter(kind="newsletter.issue", context__issue=self.pk)

    @cached_property
    def progress(self) -> dict[str, int]:
        """How many of its emails were sent, failed (or skipped), and in all."""
        return self.emails().aggregate(
            sent=Count("pk", filter=Q(status=Email.Status.SENT)),
            failed=Count("pk", filter=Q(status__in=[Email.Status.FAILED, Email.Status.SKIPPED])),
            total=Count("pk"),
        )
