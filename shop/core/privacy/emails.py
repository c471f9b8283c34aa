"""The one email the privacy app sends: a request's confirmation link."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from shop.core.privacy.models import PrivacyRequest
from shop.core.privacy.services import LINK_MAX_AGE


def send_request_link(privacy_request: PrivacyRequest, *, token: str) -> None:
    scheme = "http" if settings.DEBUG else "https"
    path = reverse("privacy:confirm", kwargs={"token": token})
    context = {
        "kind": privacy_request.kind,
        "link": f"{scheme}://{settings.SITE_DOMAIN}{path}",
        "privacy_url": f"{scheme}://{settings.SITE_DOMAIN}{reverse('privacy:page')}",
        "hours": int(LINK_MAX_AGE.total_seconds() // 3600),
        "shop_name": settings.OSCAR_SHOP_NAME,
    }
    subject = (
        "Your copy of your data at SimplyJnJ: please confirm"
        if privacy_request.kind == PrivacyRequest.Kind.EXPORT
        else "Erasing your data at SimplyJnJ: please confirm"
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/privacy_request.txt", context),
        to=[privacy_request.email],
    )
    html = render_to_string("emails/privacy_request.html", context)
    message.attach_alternative(html, "text/html")
    message.send()
