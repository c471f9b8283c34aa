"""Account emails, built by the outbox when they are sent."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from oscar.apps.customer.utils import get_password_reset_url

from shop.core.outbox.messages import absolute_url, kind, templated

ACTIVATE = "customer.activate"
ALREADY_REGISTERED = "customer.already_registered"
PASSWORD_RESET = "customer.password_reset"  # noqa: S105 (a kind of email)
PASSWORD_CHANGED = "customer.password_changed"  # noqa: S105 (a kind of email)
EMAIL_CHANGED = "customer.email_changed"


@kind(ACTIVATE)
def activate(email):
    """The link was made when the registration was saved (a later registration of
    the address makes it stop working)."""
    user = get_user_model().objects.filter(pk=email.context["user"], is_active=False).first()
    if user is None:  # activated (or removed) meanwhile
        return None
    path = reverse(
        "customer:activate",
        kwargs={"uidb64": email.context["uid"], "token": email.context["token"]},
    )
    return templated("customer_activate", {"activate_url": absolute_url(path)}, to=email.to)


@kind(ALREADY_REGISTERED)
def already_registered(email):
    context = {
        "login_url": absolute_url(reverse("customer:login")),
        "reset_url": absolute_url(reverse("password-reset")),
    }
    return templated("customer_already_registered", context, to=email.to)


@kind(PASSWORD_RESET)
def password_reset(email):
    """The link is made when the email is sent; it stops working once used."""
    user = get_user_model().objects.filter(pk=email.context["user"], is_active=True).first()
    if user is None:
        return None
    context = {"reset_url": absolute_url(get_password_reset_url(user))}
    return templated("customer_password_reset", context, to=email.to)


def _security_notice(template: str, email, **context):
    """Sent to the address that had the account, with a way back in should the change
    not have been the owner's."""
    context["reset_url"] = absolute_url(reverse("password-reset"))
    return templated(template, context, to=email.to)


@kind(PASSWORD_CHANGED)
def password_changed(email):
    return _security_notice("customer_password_changed", email)


@kind(EMAIL_CHANGED)
def email_changed(email):
    return _security_notice("customer_email_changed", email, new_email=email.context["new_email"])
