"""What is left of an address once erased: a one-way key, the same for the same mailbox.

It lets the newsletter know a returning mailbox had its welcome code already, and
staff find the log of a request, without anybody reading the address back. Keyed
with SECRET_KEY (an HMAC): nobody without it can test guesses against the database.
"""

from django.utils.crypto import salted_hmac

ERASED_DOMAIN = "erased.invalid"


def mailbox_key(box: str) -> str:
    """The key of a normalised address (shop.core.mailbox.mailbox)."""
    return salted_hmac("shop.core.privacy.mailbox", box, algorithm="sha256").hexdigest()


def erased_address(box: str) -> str:
    """Stands in for an erased address in an email column: itself a valid address
    (64 hex digits are a legal local part) that reaches nobody."""
    return f"{mailbox_key(box)}@{ERASED_DOMAIN}"
