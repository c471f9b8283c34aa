"""The emails a subscriber gets, each an HTML + text pair under templates/emails/."""

import re
import secrets
from email.utils import make_msgid, parseaddr
from functools import lru_cache
from urllib.parse import quote

import markdown
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from newsletter import tokens
from newsletter.models import Delivery, Subscriber


def absolute_url(path: str) -> str:
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{settings.SITE_DOMAIN}{path}"


@lru_cache(maxsize=8)
def render_markdown(text: str) -> str:
    """Staff write issues in Markdown; rendered once per text, not once per recipient."""
    return markdown.markdown(text, extensions=["extra", "sane_lists"])


def new_message_id() -> str:
    return make_msgid(domain=parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2])


def build(
    delivery: Delivery, *, message_id: str | None = None, unsubscribe_token: str | None = None
) -> EmailMultiAlternatives:
    """The delivery's email; a new Message-ID and the reader's own unsubscribe token
    unless given (IssueMail gives marks to put each reader's values in later)."""
    subscriber = delivery.subscriber
    sender = settings.DEFAULT_FROM_EMAIL
    context = {"subscriber": subscriber, "shop_name": settings.OSCAR_SHOP_NAME}
    headers = {"Message-ID": message_id or new_message_id()}

    if delivery.kind == Delivery.Kind.CONFIRM:
        token = tokens.confirm_token(subscriber.pk)
        context["confirm_url"] = absolute_url(reverse("newsletter:confirm", args=[token]))
        subject = "Please confirm your subscription"
    else:
        token = unsubscribe_token or tokens.unsubscribe_token(subscriber.pk)
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


# Addresses that go into a stamped copy as they are: ASCII, nothing HTML escapes (the
# address is in the HTML part too), no "=" (MIME boundaries are made of it), no spaces
# or line breaks. Any other reader gets a message built whole.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%*+/?^_`{|}~-]+@[A-Za-z0-9.-]+")
_MAILTO_PREFIX = quote("unsubscribe ")


class IssueMail:
    """An issue's email for many readers over one SMTP connection.

    Rendering and MIME-encoding a message costs more than sending it, and readers'
    copies differ only in the address, the unsubscribe token and the Message-ID. So
    the issue is built and encoded once, with marks where those go, and each reader's
    copy is those bytes with the reader's values put in: the message build() gives
    that reader (header folding, the MIME boundary and the Date aside).

    Stamped copies go out only through Django's own SMTP backend (another backend, or
    one extending it to sign or log messages, must see each message), and only when
    every part is sent as it is, 7bit or 8bit (quoted-printable or base64 would split
    the marks or the line lengths) and every mark came through whole. Otherwise, and
    for an address that would need encoding or escaping, the reader's message is
    built whole.
    """

    def __init__(self, issue, connection):
        self.connection = connection
        self.encoded = None
        if type(connection) is not SmtpBackend:
            return
        # Random marks (hex: URL quoting, header folding and 8-bit bodies keep them
        # whole), so no text staff write in an issue can be taken for one.
        mark = secrets.token_hex(8)
        self.marks = {
            "email": f"{mark}e@{mark}.invalid",
            "token": f"{mark}t",
            "message_id": f"<{mark}m@{mark}.invalid>",
        }
        reader = Subscriber(pk=0, email=self.marks["email"], status=Subscriber.Status.CONFIRMED)
        message = build(
            Delivery(kind=Delivery.Kind.ISSUE, issue=issue, subscriber=reader),
            message_id=self.marks["message_id"],
            unsubscribe_token=self.marks["token"],
        )
        mime = message.message()
        as_is = all(
            part["Content-Transfer-Encoding"] in ("7bit", "8bit")
            for part in mime.walk()
            if not part.is_multipart()
        )
        encoded = mime.as_bytes(linesep="\r\n")
        # Every mark must be in the bytes as often as in what was encoded (a header
        # encoded for non-ASCII text would hide one).
        source = "\n".join(
            [
                message.body,
                message.alternatives[0].content,
                *message.to,
                *message.extra_headers.values(),
            ]
        )
        whole = all(
            encoded.count(mark.encode()) == source.count(mark) for mark in self.marks.values()
        )
        if as_is and whole:
            encoding = message.encoding or settings.DEFAULT_CHARSET
            self.sender = sanitize_address(message.from_email, encoding)
            self.encoded = encoded

    def send(self, delivery: Delivery) -> str:
        """Send the reader's copy; return its Message-ID."""
        message_id = new_message_id()
        email = delivery.subscriber.email
        if self.encoded and self.connection.connection and _PLAIN_ADDRESS.fullmatch(email):
            self.connection.connection.sendmail(
                self.sender, [email], self.copy_for(delivery, message_id)
            )
        else:
            message = build(delivery, message_id=message_id)
            message.connection = self.connection
            message.send()
        return message_id

    def copy_for(self, delivery: Delivery, message_id: str) -> bytes:
        token = tokens.unsubscribe_token(delivery.subscriber_id)
        copy = self.encoded
        for mark, value in [
            # The mailto: link's token is URL-quoted: replaced before the plain ones.
            (_MAILTO_PREFIX + self.marks["token"], _MAILTO_PREFIX + quote(token)),
            (self.marks["token"], token),
            (self.marks["email"], delivery.subscriber.email),
            (self.marks["message_id"], message_id),
        ]:
            copy = copy.replace(mark.encode(), value.encode())
        return copy
