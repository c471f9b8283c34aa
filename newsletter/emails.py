"""The emails a subscriber gets, built by the outbox when they are sent: each
reader's message whole (templates/emails/newsletter_<kind>*)."""

import re
from email.utils import parseaddr
from functools import lru_cache
from urllib.parse import quote

import markdown
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe
from markdown.treeprocessors import Treeprocessor

from newsletter import tokens
from newsletter.models import NewsletterIssue, Subscriber
from shop.core.outbox.messages import absolute_url, kind, templated

CONFIRM = "newsletter.confirm"
COUPON = "newsletter.coupon"
ALREADY_SUBSCRIBED = "newsletter.already_subscribed"
ISSUE = "newsletter.issue"
ISSUE_TEST = "newsletter.issue_test"  # to a staff member, from the admin

# A Markdown link's or reference's target that is a path on the site: "](/shop/)", "[1]: /shop/".
_SITE_PATH = re.compile(r"(\]\(\s*<?|^ {0,3}\[[^\]]+\]:\s*<?)(/(?!/))", re.MULTILINE)


class _AbsoluteLinks(Treeprocessor):
    """Links and images to a path on the site point at SITE_DOMAIN: a mail client has
    no page to resolve "/catalogue/" against. Links take the site's colour inline."""

    def run(self, root):
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            target = element.get(attribute, "") if attribute else ""
            if target.startswith("/") and not target.startswith("//"):
                element.set(attribute, absolute_url(target))
            if element.tag == "a":
                element.set("style", "color: #0b5f6c;")


class _AbsoluteLinksExtension(markdown.Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_AbsoluteLinks(md), "absolute_links", 0)


@lru_cache(maxsize=8)
def _markdown_html(text: str, site: str) -> str:
    extensions = ["extra", "sane_lists", _AbsoluteLinksExtension()]
    return markdown.markdown(text, extensions=extensions)


def render_markdown(text: str) -> str:
    """Staff write issues in Markdown; rendered once per text, not once per reader."""
    return _markdown_html(text, absolute_url(""))


def absolute_markdown(text: str) -> str:
    """The Markdown itself (the text part) with its links to site paths made absolute."""
    return _SITE_PATH.sub(lambda m: m.group(1) + absolute_url(m.group(2)), text)


def _subscriber(email, status: str) -> Subscriber | None:
    """The reader, if the email still makes sense (a confirm email only while pending,
    the others only while confirmed)."""
    return (
        Subscriber.objects.select_related("voucher")
        .filter(pk=email.context["subscriber"], status=status)
        .first()
    )


def _coupon(subscriber: Subscriber) -> dict:
    """What the email says about the subscriber's one welcome code, as things stand."""
    context = {"coupon": subscriber.coupon_state, "voucher": subscriber.voucher}
    if subscriber.voucher:
        path = reverse("newsletter:apply", args=[subscriber.voucher.code])
        context["apply_url"] = absolute_url(path)
    return context


@kind(CONFIRM)
def confirm(email):
    subscriber = _subscriber(email, Subscriber.Status.PENDING)
    if subscriber is None:
        return None
    token = tokens.confirm_token(subscriber.pk)
    context = {
        "subscriber": subscriber,
        "confirm_url": absolute_url(reverse("newsletter:confirm", args=[token])),
        **_coupon(subscriber),
    }
    return templated("newsletter_confirm", context, to=email.to)


@kind(COUPON)
def coupon(email):
    subscriber = _subscriber(email, Subscriber.Status.CONFIRMED)
    if subscriber is None or subscriber.coupon_state != Subscriber.Coupon.UNUSED:
        return None  # used or expired meanwhile: no code sent as if it were good
    context = {"subscriber": subscriber, **_coupon(subscriber)}
    return _with_unsubscribe("newsletter_coupon", context, subscriber, to=email.to)


@kind(ALREADY_SUBSCRIBED)
def already_subscribed(email):
    """A confirmed subscriber signed up again: their code again if it is still good,
    else what became of it."""
    subscriber = _subscriber(email, Subscriber.Status.CONFIRMED)
    if subscriber is None:
        return None
    context = {"subscriber": subscriber, **_coupon(subscriber)}
    return _with_unsubscribe("newsletter_already_subscribed", context, subscriber, to=email.to)


def issue_context(issue: NewsletterIssue) -> dict:
    return {
        "issue": issue,
        "body_html": mark_safe(render_markdown(issue.body)),  # noqa: S308 (staff's Markdown)
        "body_text": absolute_markdown(issue.body),
    }


def issue_readers(emails: list) -> dict:
    """What a batch of issue emails shares, loaded once: its readers who are still
    confirmed, and each issue with its body rendered."""
    readers = {email.context["subscriber"] for email in emails}
    issues = NewsletterIssue.objects.in_bulk({email.context["issue"] for email in emails})
    return {
        "readers": Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).in_bulk(readers),
        "issues": {pk: issue_context(issue) for pk, issue in issues.items()},
    }


@kind(ISSUE, prefetch=issue_readers)
def issue(email, shared: dict | None = None):
    shared = shared or issue_readers([email])
    subscriber = shared["readers"].get(email.context["subscriber"])
    issue = shared["issues"].get(email.context["issue"])
    if subscriber is None or issue is None:
        return None
    context = {"subscriber": subscriber, **issue}
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


def issue_message(issue: NewsletterIssue, *, to: str):
    """The issue as a reader at `to` gets it, for staff's preview and test: the
    unsubscribe link in it belongs to no subscriber."""
    reader = Subscriber(email=to)
    context = {"subscriber": reader, **issue_context(issue)}
    return _with_unsubscribe("newsletter_issue", context, reader, to=to)


@kind(ISSUE_TEST)
def issue_test(email):
    issue = NewsletterIssue.objects.filter(pk=email.context["issue"]).first()
    if issue is None:
        return None
    message = issue_message(issue, to=email.to)
    message.subject = f"[Test] {message.subject}"
    return message
