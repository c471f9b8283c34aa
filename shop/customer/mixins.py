"""Registration that tells nobody whether an address has an account.

Oscar creates the account, signs the visitor in and would say "A user with that
email address already exists". Here every registration gets the same answer,
"check your inbox", and the mailbox decides what happens: a new address gets a
link that activates its (until then inactive) account; the owner of an existing
account is told that somebody tried, with links to sign in or reset the password.
"""

import logging

from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from oscar.apps.customer import mixins
from oscar.apps.customer.signals import user_registered
from oscar.core.compat import get_user_model

User = get_user_model()
logger = logging.getLogger(__name__)
PageTitleMixin = mixins.PageTitleMixin


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """A link that activates one registration: it stops working once the account is
    active or its password changed (a later registration of the same address)."""

    key_salt = "shop.customer.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{timestamp}"


activation_tokens = ActivationTokenGenerator()


class RegisterUserMixin(mixins.RegisterUserMixin):
    def register_user(self, form):
        email, password = form.cleaned_data["email"], form.cleaned_data["password1"]
        existing = User._default_manager.filter(email__iexact=email).order_by("pk").first()
        if existing is None:
            user = form.save(commit=False)
            user.is_active = False
            user.save()
            user_registered.send_robust(sender=self, request=self.request, user=user)
            self._send(user, "customer_activate", "Activate your account")
        elif not existing.is_active and existing.last_login is None:
            # A registration never activated: this one replaces it (and its link).
            existing.set_password(password)
            existing.save(update_fields=["password"])
            self._send(existing, "customer_activate", "Activate your account")
        else:
            make_password(password)  # as long as a new account takes: timing tells nothing
            self._send(existing, "customer_already_registered", "You already have an account")
        return None

    def _send(self, user, template: str, subject: str) -> None:
        request = self.request
        site = get_current_site(request)
        context = {
            "user": user,
            "site": site,
            "activate_url": request.build_absolute_uri(
                reverse(
                    "customer:activate",
                    kwargs={
                        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                        "token": activation_tokens.make_token(user),
                    },
                )
            ),
            "login_url": request.build_absolute_uri(reverse("customer:login")),
            "reset_url": request.build_absolute_uri(reverse("password-reset")),
        }
        message = EmailMultiAlternatives(
            subject=f"{subject} | {site.name}",
            body=render_to_string(f"emails/{template}.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string(f"emails/{template}.html", context), "text/html"
        )
        # Sent once the account is saved; a mail server outage is logged, not shown.
        transaction.on_commit(message.send, robust=True)
