from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from oscar.apps.voucher.models import Voucher

from shop.core.mailbox import is_disposable, mailbox

# The consent the signup box asks for. Change the version whenever the text changes:
# each consent record keeps the exact text the subscriber agreed to.
CONSENT_VERSION = "2025-01"
CONSENT_TEXT = (
    "Yes, email me the SimplyJnJ newsletter (pain management, health & fitness) and my "
    "10%-off coupon. I can unsubscribe at any time with one click."
)


class SubscriberQuerySet(models.QuerySet):
    def receiving_newsletters(self):
        return self.filter(status=Subscriber.Status.CONFIRMED, undeliverable=False)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField("email as given", max_length=254)
    email_normalised = models.CharField(max_length=254, unique=True, editable=False)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    undeliverable = models.BooleanField(
        default=False, help_text="The mail server refused this address permanently."
    )
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


class NewsletterIssueQuerySet(models.QuerySet):
    def with_progress(self):
        sent, failed = Delivery.Status.SENT, Delivery.Status.FAILED
        return self.annotate(
            total=Count("deliveries"),
            sent=Count("deliveries", filter=Q(deliveries__status=sent)),
            failed=Count("deliveries", filter=Q(deliveries__status=failed)),
        )


class NewsletterIssue(models.Model):
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    created = models.DateTimeField(auto_now_add=True)
    send_started = models.DateTimeField(null=True, blank=True, editable=False)

    objects = NewsletterIssueQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.subject


class DeliveryQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(status=Delivery.Status.QUEUED)

    def since(self, moment):
        return self.filter(created__gte=moment)


class Delivery(models.Model):
    """One email to one subscriber. Sending checks and marks it, so a task run twice
    sends once."""

    # A temporary refusal (4xx) is retried until this many attempts, then given up.
    MAX_ATTEMPTS = 8

    class Kind(models.TextChoices):
        CONFIRM = "confirm", "Confirm your address"
        COUPON = "coupon", "Welcome coupon"
        ISSUE = "issue", "Newsletter issue"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    kind = models.CharField(max_length=16, choices=Kind)
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    issue = models.ForeignKey(
        NewsletterIssue, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    message_id = models.CharField("message id", max_length=255, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    queued = models.DateTimeField(default=timezone.now, help_text="Last handed to the queue.")
    sent = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"],
                condition=Q(issue__isnull=False),
                name="newsletter_one_delivery_per_issue_and_subscriber",
            )
        ]
        indexes = [models.Index(fields=["status", "queued"])]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.subscriber}"

    @property
    def still_wanted(self) -> bool:
        """An email queued earlier may no longer make sense when its turn comes."""
        status = self.subscriber.status
        if self.kind == self.Kind.CONFIRM:
            return status == Subscriber.Status.PENDING
        return status == Subscriber.Status.CONFIRMED
