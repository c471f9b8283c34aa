"""Helpers for the newsletter's tests; its factories are in factories.py."""

import re

from tests.newsletter.factories import (  # noqa: F401 (importable from here as before)
    NewsletterIssueFactory,
    SubscriberFactory,
    bulk_confirmed,
)


def signup_data(email: str, **extra) -> dict:
    return {"email": email, "consent": "on", "website": "", "source": "/", **extra}


def link_in(message, path_prefix: str) -> str:
    """The path of the first link to `path_prefix` in an email's text part."""
    text = message.get_body(("plain",)).get_content()
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", text)
    assert match, f"no {path_prefix} link in:\n{text}"
    return match.group(1)
