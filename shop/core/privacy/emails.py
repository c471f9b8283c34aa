"""The one email the privacy app sends: a request's confirmation link, built by the
outbox when it is sent."""

from django.urls import reverse

from shop.core.outbox.messages import absolute_url, kind, templated
from shop.core.privacy.models import PrivacyRequest
from shop.core.privacy.services import LINK_MAX_AGE, link_token

REQUEST_LINK = "privacy.request_link"


@kind(REQUEST_LINK)
def request_link(email):
    privacy_request = PrivacyRequest.objects.filter(
        pk=email.context["request"], status=PrivacyRequest.Status.REQUESTED
    ).first()
    if privacy_request is None or not privacy_request.email:  # done, erased or expired
        return None
    path = reverse("privacy:confirm", kwargs={"token": link_token(privacy_request)})
    context = {
        "kind": privacy_request.kind,
        "link": absolute_url(path),
        "privacy_url": absolute_url(reverse("privacy:page")),
        "hours": int(LINK_MAX_AGE.total_seconds() // 3600),
    }
    return templated("privacy_request", context, to=email.to)
