from oscar.apps.customer import forms
from oscar.apps.customer.utils import normalise_email

from shop.core.mailbox import validate_mailbox
from shop.core.outbox import services as outbox
from shop.customer import emails


class EmailUserCreationForm(forms.EmailUserCreationForm):
    """Oscar's registration form without its "A user with that email address already
    exists": registering answers the same for any address (see mixins.py)."""

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        validate_mailbox(email)
        return email


class UserForm(forms.UserForm):
    def clean_email(self):
        email = super().clean_email()
        validate_mailbox(email)
        return email


ProfileForm = UserForm


class PasswordResetForm(forms.PasswordResetForm):
    """The reset email goes through the outbox: written now, sent by a worker."""

    def send_password_reset_email(self, site, user, request=None):
        outbox.enqueue(kind=emails.PASSWORD_RESET, to=user.email, context={"user": user.pk})
