"""Which mailbox an email address reaches: the one identity rule for newsletter
signups (one welcome code per mailbox), vouchers and returning commenters.

Spellings that mail servers deliver to the same mailbox are one person: case,
quoted or backslash-escaped local parts (Django sends `"r\\unner"@gmail.com` to
`runner@gmail.com`), "+tags", and for Gmail the dots and googlemail.com.
Addresses we cannot reduce to one mailbox safely (domain literals such as
`x@[127.0.0.1]`, quoted local parts with spaces or other specials, letters from
other scripts, which make look-alikes) are refused with a message the visitor can act on.
"""

import re

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}
# RFC 5322 dot-atom: what a local part may be without quotes.
DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
DOMAIN = re.compile(r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")

PLAIN_LETTERS = _(
    "Please type the address with plain letters (a-z), digits and . _ + - only, "
    "like name@example.com."
)


def mailbox(email: str) -> str:
    """The one address a mailbox is known by. Raises ValidationError for an address
    that cannot be reduced to one safely."""
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or not domain:
        raise ValidationError(_("Please enter a valid email address, like name@example.com."))
    local, domain = _local_part(local), _domain(domain)
    local = local.lower().split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    if not local:
        raise ValidationError(PLAIN_LETTERS, code="unsafe_email")
    return f"{local}@{domain}"


def validate_mailbox(email: str) -> None:
    """A form field validator: the address is one we can tell the mailbox of."""
    mailbox(email)


class MailboxField(forms.EmailField):
    """An email field for an address we can tell the mailbox of, with one message:
    too long, else Django's, else what the identity rule says to fix."""

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except ValidationError as error:
            too_long = [e for e in error.error_list if e.code == "max_length"]
            raise ValidationError((too_long or error.error_list)[:1]) from None
        if value not in self.empty_values:
            validate_mailbox(value)


def own_address_field() -> MailboxField:
    """The field visitors give their own address in (the newsletter signup, the privacy
    request), with its label and messages in our words. The blog's comment form words
    its own field."""
    return MailboxField(
        label="Your email address",
        max_length=254,
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address, like name@example.com.",
            "max_length": "That address is too long: email addresses have at most 254 characters.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def same_mailbox(a: str, b: str) -> bool:
    try:
        return mailbox(a) == mailbox(b)
    except ValidationError:
        return False


def of_mailbox(queryset: QuerySet, field: str, box: str) -> list:
    """The rows of `queryset` whose address in `field` reaches the mailbox `box`
    (as mailbox() gives it), whatever its spelling. The database narrows by domain;
    the identity rule decides."""
    domain = box.rpartition("@")[2]
    candidates = Q()
    for name in GMAIL_DOMAINS if domain in GMAIL_DOMAINS else {domain}:
        candidates |= Q(**{f"{field}__iendswith": f"@{name}"})
        candidates |= Q(**{f"{field}__iendswith": f"@{name}."})
    rows = queryset.filter(candidates)
    return [row for row in rows if mailbox_or_none(getattr(row, field)) == box]


def mailbox_or_none(email: str) -> str | None:
    try:
        return mailbox(email)
    except ValidationError:
        return None


def is_disposable(email: str) -> bool:
    """A throwaway mailbox service, or any subdomain of one (x@sub.mailinator.com)."""
    labels = email.rpartition("@")[2].strip().rstrip(".").lower().split(".")
    return any(".".join(labels[i:]) in DISPOSABLE_DOMAINS for i in range(len(labels) - 1))


def _local_part(local: str) -> str:
    if len(local) >= 2 and local[0] == local[-1] == '"':
        # A quoted string means its content, backslash escapes undone.
        local = re.sub(r"\\(.)", r"\1", local[1:-1], flags=re.DOTALL)
        if not DOT_ATOM.fullmatch(local):
            raise ValidationError(
                _(
                    "Please type your address without quotation marks, spaces or special "
                    "characters before the @, like name@example.com."
                ),
                code="unsafe_email",
            )
    if not DOT_ATOM.fullmatch(local):
        raise ValidationError(PLAIN_LETTERS, code="unsafe_email")
    return local


def _domain(domain: str) -> str:
    if domain.startswith("["):
        raise ValidationError(
            _("Please use an address with a domain name (name@example.com), not an IP address."),
            code="unsafe_email",
        )
    domain = domain.lower().rstrip(".")
    if not domain.isascii():  # look-alike letters from other scripts: one name, many domains
        raise ValidationError(PLAIN_LETTERS, code="unsafe_email")
    if not DOMAIN.fullmatch(domain):
        raise ValidationError(
            _("Please check the part after the @: it should be a domain like example.com."),
            code="unsafe_email",
        )
    return domain
