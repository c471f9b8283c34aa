from django.conf import settings
from django.db import models

from shop.core.privacy.identity import mailbox_key


class PrivacyRequestQuerySet(models.QuerySet):
    def for_mailbox(self, box: str):
        return self.filter(mailbox_key=mailbox_key(box))


class PrivacyRequest(models.Model):
    """One request to export or erase what the shop keeps about an address, and its
    outcome. The log of an erasure says what was done, never what was erased: the
    address is kept only until the link is sent and used, then only its key."""

    class Kind(models.TextChoices):
        EXPORT = "export", "Export (a copy of the data)"
        ERASE = "erase", "Erase"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Link sent, waiting for confirmation"
        DONE = "done", "Done"

    kind = models.CharField(max_length=8, choices=Kind)
    status = models.CharField(max_length=12, choices=Status, default=Status.REQUESTED)
    email = models.EmailField(
        "email as given",
        blank=True,
        help_text="Kept until the request is done or its link expires, then cleared.",
    )
    mailbox_key = models.CharField(
        max_length=64, db_index=True, editable=False, help_text="A one-way key of the address."
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    completed = models.DateTimeField(null=True, blank=True)
    requested_by_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Staff who ran it for a person who asked by other means.",
    )
    outcome = models.TextField(blank=True, help_text="What was done, without the data.")

    objects = PrivacyRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.get_kind_display()} request of {self.created:%Y-%m-%d %H:%M}"
