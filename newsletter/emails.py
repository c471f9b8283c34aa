"""The emails a subscriber gets, built by the outbox when they are sent: each
reader's message whole (templates/emails/newsletter_<kind>*)."""

from email.utils import parseaddr
from functools import lru_cache
from urllib.parse import quote

import markdown
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from newsletter import tokens
from newsletter.models import NewsletterIssue, Subscriber
from shop.core.outbox.messages import absolute_url, kind, templated

CONFIRM = "newsletter.confirm"
COUPON = "newsletter.coupon"
ISSUE = "newsletter.issue"


@lru_cache(maxsize=8)
def render_markdown(text: str) -> str:
    """Staff write issues in Markdown; rendered once per text, not once per reader."""
    return markdown.markdown(text, extensions=["extra", "sane_lists"])


def _subscriber(email, status: str) -> Subscriber | None:
    """The reader, if the email still makes sense (a confirm email only while pending,
    the others only while confirmed)."""
    return Subscriber.objects.filter(pk=email.context["subscriber"], status=status).first()


@kind(CONFIRM)
def confirm(email):
    subscriber = _subscriber(email, Subscriber.Status.PENDING)
    if subscriber is None:
        return None
    token = tokens.confirm_token(subscriber.pk)
    context = {
        "subscriber": subscriber,
        "confirm_url": absolute_url(reverse("newsletter:confirm", args=[token])),
    }
    return templated("newsletter_confirm", context, to=email.to)


@kind(COUPON)
def coupon(email):
    subscriber = _subscriber(email, Subscriber.Status.CONFIRMED)
    if subscriber is None or subscriber.voucher is None:
        return None
    context = {
        "subscriber": subscriber,
        "voucher": subscriber.voucher,
        "apply_url": absolute_url(reverse("newsletter:apply", args=[subscriber.voucher.code])),
    }
    return _with_unsubscribe("newsletter_coupon", context, subscriber, to=email.to)


def issue_readers(emails: list) -> dict:
    """What a batch of issue emails shares, loaded once: its readers who are still
    confirmed, and the issues."""
    readers = {email.context["subscriber"] for email in emails}
    return {
        "readers": Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).in_bulk(readers),
        "issues": NewsletterIssue.objects.in_bulk({email.context["issue"] for email in emails}),
    }


@kind(ISSUE, prefetch=issue_readers)
def issue(email, shared: dict | None = None):
    shared = shared or issue_readers([email])
    subscriber = shared["readers"].get(email.context["subscriber"])
    issue = shared["issues"].get(email.context["issue"])
    if subscriber is None or issue is None:
        return None
    context = {
        "subscriber": subscriber,
        "issue": issue,
        "body_html": mark_safe(render_markdown(issue.body)),  # noqa: S308 (staff's Markdown)
    }
    return _with_unsubscribe("newsletter_issue", context, subscriber, to=email.to)


def _with_unsubscribe(template: str, context: dict, subscriber: Subscriber, *, to: str):
    token = tokens.unsubscribe_token(subscriber.pk)
    unsubscribe_url = absolute_url(reverse("newsletter:unsubscribe", args=[token]))
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    mailto = f"mailto:{sender}?subject={quote('unsubscribe ' + token)}"
    # RFC 2369 and RFC 8058: mail clients show an "Unsubscribe" button that POSTs here.
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    context = {**context, "unsubscribe_url": unsubscribe_url}
    return templated(template, context, to=to, headers=headers)
