from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from shop.core.mailbox import mailbox


def suppression_key(address: str) -> str:
    """The mailbox an address reaches (one identity rule), or the address as it is."""
    try:
        return mailbox(address)
    except ValidationError:
        return address.strip().lower()


class EmailQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Email.Status.PENDING)

    def overdue(self, *, by):
        """Pending and due more than `by` ago: nobody is on it (the broker was down,
        a worker vanished, a retry was lost)."""
        return self.pending().filter(next_attempt_at__lte=timezone.now() - by)


class Email(models.Model):
    """One email to one address. `kind` names the builder that renders it at send
    time from `context` (ids, never whole objects); `key` makes it unique per
    whatever it is about (an order, an issue and its reader)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (no longer wanted, or undeliverable)"

    kind = models.CharField(max_length=64)
    to = models.EmailField(max_length=254)
    # The mailbox `to` reaches (suppression_key): what privacy requests find it by.
    mailbox = models.CharField(max_length=254, db_index=True, editable=False)
    context = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    bulk = models.BooleanField(default=False, help_text="Sent in batches on the bulk queue.")
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=500, blank=True)
    message_id = models.CharField("message id", max_length=255, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.kind} to {self.to}"

    def save(self, *args, **kwargs):
        self.mailbox = suppression_key(self.to)
        super().save(*args, **kwargs)


class UndeliverableQuerySet(models.QuerySet):
    def of(self, address: str):
        return self.filter(address=suppression_key(address))


class Undeliverable(models.Model):
    """An address the mail server refused for good (5.1.x): nothing more is sent to it."""

    address = models.CharField(max_length=254, unique=True)
    reason = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = UndeliverableQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.address

    @classmethod
    def record(cls, address: str, reason: str) -> None:
        cls.objects.get_or_create(address=suppression_key(address), defaults={"reason": reason})
