from oscar.apps.address import forms as address_forms
from oscar.apps.address.models import Country
from oscar.apps.customer import forms
from oscar.apps.customer.utils import normalise_email

from shop.checkout.forms import ShippingAddressForm
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


class UserAddressForm(address_forms.UserAddressForm):
    """The address book's form in the checkout's US shape: state from the list, ZIP
    code, no third line; the one shipping country is not asked for."""

    state = ShippingAddressForm.base_fields["state"]
    postcode = ShippingAddressForm.base_fields["postcode"]

    class Meta(address_forms.UserAddressForm.Meta):
        fields = ShippingAddressForm.Meta.fields
        labels = ShippingAddressForm.Meta.labels

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        countries = list(Country.objects.filter(is_shipping_country=True)[:2])
        if len(countries) == 1:
            del self.fields["country"]
            self.instance.country = countries[0]


class PasswordResetForm(forms.PasswordResetForm):
    """The reset email goes through the outbox: written now, sent by a worker."""

    def send_password_reset_email(self, site, user, request=None):
        outbox.enqueue(kind=emails.PASSWORD_RESET, to=user.email, context={"user": user.pk})
