"""Checks that keep comment robots out without bothering people: a signed,
timestamped form token used once (the rate limit is shop.core.ratelimit's
"blog.comment"), and the proof a returning commenter gives."""

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


# --- Returning commenters ----------------------------------------------------------

# Signed, so a visitor cannot claim comments written elsewhere.
WRITTEN_COOKIE = "comments_written"
WRITTEN_SALT = "blog.comments-written"
WRITTEN_KEPT = 5


def comments_written_here(request) -> list[int]:
    """The comments this browser posted (the latest few), as its signed cookie says."""
    value = request.get_signed_cookie(WRITTEN_COOKIE, default="", salt=WRITTEN_SALT)
    return [int(pk) for pk in value.split(":") if pk.isdigit()][:WRITTEN_KEPT]


def remember_comment_written(request, response, comment_id: int) -> None:
    """Proof for the next comment that this browser wrote this one: a returning
    commenter is someone whose approved comment came from here, never someone
    who merely types the same email address."""
    ids = [comment_id, *comments_written_here(request)][:WRITTEN_KEPT]
    response.set_signed_cookie(
        WRITTEN_COOKIE,
        ":".join(map(str, ids)),
        salt=WRITTEN_SALT,
        max_age=365 * 24 * 60 * 60,
        secure=not settings.DEBUG,
        httponly=True,
        samesite="Lax",
    )
