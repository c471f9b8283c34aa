"""Registration that tells nobody whether an address has an account.

Oscar creates the account, signs the visitor in and would say "A user with that
email address already exists". Here every registration gets the same answer,
"check your inbox", and the mailbox decides what happens: a new address gets a
link that activates its (until then inactive) account; the owner of an existing
account is told that somebody tried, with links to sign in or reset the password.
"""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from oscar.apps.customer import mixins
from oscar.apps.customer.signals import user_registered
from oscar.core.compat import get_user_model

from shop.core.outbox import services as outbox
from shop.customer import emails

User = get_user_model()
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
            self._send(user, emails.ACTIVATE)
        elif not existing.is_active and existing.last_login is None:
            # A registration never activated: this one replaces it (and its link).
            existing.set_password(password)
            existing.save(update_fields=["password"])
            self._send(existing, emails.ACTIVATE)
        else:
            make_password(password)  # as long as a new account takes: timing tells nothing
            self._send(existing, emails.ALREADY_REGISTERED)
        return None

    @staticmethod
    def _send(user, kind: str) -> None:
        """Written with the account; a worker sends it after the commit."""
        context = {"user": user.pk}
        if kind == emails.ACTIVATE:
            context["uid"] = urlsafe_base64_encode(force_bytes(user.pk))
            context["token"] = activation_tokens.make_token(user)
        outbox.enqueue(kind=kind, to=user.email, context=context)
