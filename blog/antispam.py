"""Checks that keep comment robots out without bothering people: a signed,
timestamped form token used once, and a per-address rate limit."""

import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SIGNING_SALT = "blog.comment-form"


def issue_form_token(post_id: int) -> str:
    return signing.dumps(
        {"post": post_id, "issued": time.time(), "nonce": secrets.token_urlsafe(12)},
        salt=SIGNING_SALT,
    )


def issue_form_token_for(request, post_id: int | str) -> str:
    """A token for one response of the (possibly cached) article page."""
    return issue_form_token(int(post_id))


def check_form_token(token: str, *, post_id: int) -> str:
    """Validate a form token; return its nonce. Raises ValidationError with a clear message."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=settings.BLOG_COMMENT_FORM_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            _("This form has expired. Please send your comment again."), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            _("This form could not be verified. Please send your comment again."),
            code="bad_token",
        ) from None
    if data.get("post") != post_id:
        raise ValidationError(
            _("This form belongs to another article. Please send your comment again."),
            code="bad_token",
        )
    if time.time() - data["issued"] < settings.BLOG_COMMENT_MIN_SECONDS:
        raise ValidationError(
            _("That was quicker than anyone can type. Please send your comment again."),
            code="too_fast",
        )
    return data["nonce"]


def use_form_token_once(nonce: str) -> None:
    """A form posts one comment: a replayed form is refused.

    With the cache down, add() answers None (django-redis, logged): the form is
    let through rather than every comment refused as a replay."""
    added = cache.add(f"blog:comment-form:{nonce}", 1, timeout=settings.BLOG_COMMENT_FORM_MAX_AGE)
    if added is False:
        raise ValidationError(
            _("This form has already been sent. Reload the page to write another comment."),
            code="replayed",
        )


def over_rate_limit(ip_address: str | None) -> bool:
    """Count this address's comment posts in a fixed window (atomic in the cache)."""
    limit, window = settings.BLOG_COMMENT_RATE_LIMIT
    key = f"blog:comment-rate:{ip_address or 'unknown'}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, 1, timeout=window)
        count = 1
    return count > limit
