"""Building emails: the registry of kinds, and the one templated-email helper."""

from collections import defaultdict
from collections.abc import Callable
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

Builder = Callable[..., EmailMultiAlternatives | None]
Prefetcher = Callable[[list], object]
_builders: dict[str, Builder] = {}
_prefetchers: dict[str, Prefetcher] = {}


def kind(name: str, *, prefetch: Prefetcher | None = None):
    """Register the builder of one kind of email: `build(email) -> message`, or None
    when the email is no longer wanted (the comment was moderated meanwhile, say).

    With `prefetch(emails) -> shared`, a batch of such emails loads what they share
    once, and the builder is called as `build(email, shared)`.
    """

    def register(build: Builder) -> Builder:
        _builders[name] = build
        if prefetch:
            _prefetchers[name] = prefetch
        return build

    return register


def prefetch(emails: list) -> dict[str, object]:
    """What the emails of one batch share, per kind, loaded once."""
    by_kind = defaultdict(list)
    for email in emails:
        by_kind[email.kind].append(email)
    return {
        name: _prefetchers[name](of_kind)
        for name, of_kind in by_kind.items()
        if name in _prefetchers
    }


def build(email, shared: dict | None = None) -> EmailMultiAlternatives | None:
    if shared and email.kind in shared:
        return _builders[email.kind](email, shared[email.kind])
    return _builders[email.kind](email)


def absolute_url(path: str) -> str:
    """A link for an email or a feed, on the site's one public host (SITE_DOMAIN)."""
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{settings.SITE_DOMAIN}{path}"


def new_message_id() -> str:
    return make_msgid(domain=parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2])


def layout_context() -> dict:
    """What the one layout (templates/emails/base.html and base.txt) shows around every email."""
    return {
        "shop_name": settings.OSCAR_SHOP_NAME,
        "shop_tagline": settings.OSCAR_SHOP_TAGLINE,
        "shop_postal_address": settings.SHOP_POSTAL_ADDRESS,
        "shop_contact_email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        "home_url": absolute_url("/"),
        "contact_url": absolute_url("/contact/"),
        "privacy_url": absolute_url(reverse("privacy:page")),
    }


def templated(
    name: str, context: dict, *, to: str, headers: dict | None = None
) -> EmailMultiAlternatives:
    """templates/emails/<name>_subject.txt, <name>.txt and <name>.html, as one message
    (text and HTML, each extending the one layout)."""
    context = {**layout_context(), **context}
    subject = render_to_string(f"emails/{name}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"emails/{name}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": new_message_id(), **(headers or {})},
    )
    message.attach_alternative(render_to_string(f"emails/{name}.html", context), "text/html")
    return message
