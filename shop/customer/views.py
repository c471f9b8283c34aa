from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from oscar.apps.customer import views
from oscar.core.compat import get_user_model

from shop.core.outbox import services as outbox
from shop.core.privacy import services as privacy
from shop.core.ratelimit import client_limited
from shop.customer import emails
from shop.customer.forms import UserAddressForm
from shop.customer.mixins import activation_tokens

User = get_user_model()

CHECK_INBOX = gettext_lazy(
    "Check your inbox: we have sent you an email. Open the link in it to activate "
    "your account. If you had an account already, the email tells you how to sign in."
)


def check_inbox(request):
    """The one answer to a registration, whatever the address."""
    return render(request, "customer/registration_sent.html", {"message": CHECK_INBOX})


def too_many(request):
    message = _("You have registered many times in the last hour. Please try again later.")
    return render(request, "customer/registration_sent.html", {"message": message}, status=429)


class AccountRegistrationView(views.AccountRegistrationView):
    def post(self, request, *args, **kwargs):
        if client_limited(request, "account.register"):
            return too_many(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.register_user(form)
        return check_inbox(self.request)


class AccountAuthView(views.AccountAuthView):
    def validate_registration_form(self):
        if client_limited(self.request, "account.register"):
            return too_many(self.request)
        form = self.get_registration_form(bind_data=True)
        if form.is_valid():
            self.register_user(form)
            return check_inbox(self.request)
        return self.render_to_response(self.get_context_data(registration_form=form))


@method_decorator(never_cache, name="dispatch")
class AccountActivationView(View):
    """GET shows a button (mail scanners open links); the POST activates and signs in."""

    def get(self, request, uidb64: str, token: str):
        if self._user(uidb64, token) is None:
            return self._invalid(request)
        return render(request, "customer/account_activate.html")

    def post(self, request, uidb64: str, token: str):
        user = self._user(uidb64, token)
        if user is None:
            return self._invalid(request)
        user.is_active = True
        user.save(update_fields=["is_active"])
        auth_login(request, user, backend="oscar.apps.customer.auth_backends.EmailBackend")
        messages.success(request, _("Your account is active. Welcome!"))
        return redirect("customer:summary")

    @staticmethod
    def _user(uidb64: str, token: str):
        try:
            user = User._default_manager.get(pk=force_str(urlsafe_base64_decode(uidb64)))
        except (ValueError, OverflowError, User.DoesNotExist):
            return None
        return user if activation_tokens.check_token(user, token) else None

    @staticmethod
    def _invalid(request):
        message = _(
            "This activation link has expired or was used already. Sign in, or register "
            "again to get a new link."
        )
        return render(request, "customer/registration_sent.html", {"message": message}, status=400)


class LogoutView(views.LogoutView):
    """Signing out by POST only: a link or image on another site cannot sign anyone out."""

    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProfileDeleteView(views.ProfileDeleteView):
    """Deleting a profile erases everything tied to its email address, as a privacy
    request does: comments anonymised, newsletter ended, the email address off orders."""

    def form_valid(self, form):
        user = self.request.user
        logout(self.request)
        try:
            privacy.run(email=user.email, kind="erase")
        except ValidationError:  # an address the identity rule cannot read: the account only
            user.delete()
        messages.success(
            self.request,
            _("Your profile and the data tied to your email address are deleted."),
        )
        return redirect(self.get_success_url())


class ProfileUpdateView(views.ProfileUpdateView):
    def send_email_changed_email(self, old_user, new_email):
        outbox.enqueue(
            kind=emails.EMAIL_CHANGED, to=old_user.email, context={"new_email": new_email}
        )


class ChangePasswordView(views.ChangePasswordView):
    def send_password_changed_email(self):
        outbox.enqueue(kind=emails.PASSWORD_CHANGED, to=self.request.user.email, context={})


class AddressCreateView(views.AddressCreateView):
    form_class = UserAddressForm


class AddressUpdateView(views.AddressUpdateView):
    form_class = UserAddressForm
