from oscar.apps.customer import forms
from oscar.apps.customer.utils import normalise_email

from shop.core.mailbox import validate_mailbox


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
