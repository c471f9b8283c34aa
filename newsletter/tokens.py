"""Signed tokens for the links in our emails: no database state, tamper-proof."""

from django.conf import settings
from django.core import signing

_CONFIRM_SALT = "newsletter.confirm"
_UNSUBSCRIBE_SALT = "newsletter.unsubscribe"


class TokenError(Exception):
    status = 400
    message = "This link is not valid. Please copy the whole link from the email."


class TokenExpired(TokenError):
    status = 410
    message = "This link has expired. Sign up again and we will send you a fresh one."


def confirm_token(subscriber_id: int) -> str:
    return signing.dumps(subscriber_id, salt=_CONFIRM_SALT)


def read_confirm_token(token: str) -> int:
    return _read(token, _CONFIRM_SALT, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)


def unsubscribe_token(subscriber_id: int) -> str:
    """Never expires: an unsubscribe link must work in any old email."""
    return signing.dumps(subscriber_id, salt=_UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> int:
    return _read(token, _UNSUBSCRIBE_SALT)


def _read(token: str, salt: str, max_age: int | None = None) -> int:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except signing.BadSignature as exc:
        raise TokenError from exc
    if not isinstance(value, int):
        raise TokenError
    return value
