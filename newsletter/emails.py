"""The emails a subscriber gets, each an HTML + text pair under templates/emails/."""

from email.utils import make_msgid, parseaddr
from functools import lru_cache
from urllib.parse import quote

import markdown
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from newsletter import tokens
from newsletter.models import Delivery


def absolute_url(path: str) -> str:
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{settings.SITE_DOMAIN}{path}"


@lru_cache(maxsize=8)
def render_markdown(text: str) -> str:
    """Staff write issues in Markdown; rendered once per text, not once per recipient."""
    return markdown.markdown(text, extensions=["extra", "sane_lists"])


def build(delivery: Delivery) -> EmailMultiAlternatives:
    subscriber = delivery.subscriber
    sender = settings.DEFAULT_FROM_EMAIL
    context = {"subscriber": subscriber, "shop_name": settings.OSCAR_SHOP_NAME}
    headers = {"Message-ID": make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2])}

    if delivery.kind == Delivery.Kind.CONFIRM:
        token = tokens.confirm_token(subscriber.pk)
        context["confirm_url"] = absolute_url(reverse("newsletter:confirm", args=[token]))
        subject = "Please confirm your subscription"
    else:
        token = tokens.unsubscribe_token(subscriber.pk)
        unsubscribe_url = absolute_url(reverse("newsletter:unsubscribe", args=[token]))
        mailto = f"mailto:{parseaddr(sender)[1]}?subject={quote('unsubscribe ' + token)}"
        context["unsubscribe_url"] = unsubscribe_url
        # RFC 2369 and RFC 8058: mail clients show an "Unsubscribe" button that POSTs here.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>, <{mailto}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        if delivery.kind == Delivery.Kind.COUPON:
            voucher = subscriber.voucher
            context["voucher"] = voucher
            context["apply_url"] = absolute_url(reverse("newsletter:apply", args=[voucher.code]))
            subject = "Your 10% off code"
        else:
            context["issue"] = delivery.issue
            context["body_html"] = mark_safe(render_markdown(delivery.issue.body))  # noqa: S308
            subject = delivery.issue.subject

    template = f"emails/newsletter_{delivery.kind}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=sender,
        to=[subscriber.email],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
