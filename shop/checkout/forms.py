from django import forms
from django.utils.translation import gettext_lazy as _
from localflavor.us.forms import USZipCodeField
from localflavor.us.us_states import STATE_CHOICES
from oscar.apps.checkout import forms as oscar_forms

from shop.core.mailbox import validate_mailbox


class CardPaymentForm(forms.Form):
    """The PaymentMethod id Stripe.js made from the card; the card itself never comes here."""

    payment_method = forms.RegexField(
        regex=r"^pm_[A-Za-z0-9_]{1,200}$",
        max_length=204,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Please enter your card details."),
            "invalid": _("We could not read your card details. Please enter them again."),
            "max_length": _("We could not read your card details. Please enter them again."),
        },
    )


class GatewayForm(oscar_forms.GatewayForm):
    """The guest's email, by the site's identity rule like every form that takes one."""

    def clean_username(self):
        email = super().clean_username()
        validate_mailbox(email)
        return email


def _state_choices():
    return [("", _("Choose a state")), *STATE_CHOICES]


class ShippingAddressForm(oscar_forms.ShippingAddressForm):
    """A US address as a shopper in the US writes one: street, optional apartment,
    city, a state picked from the list and a ZIP code (12345 or 12345-6789)."""

    state = forms.ChoiceField(label=_("State"), choices=_state_choices)
    postcode = USZipCodeField(label=_("ZIP code"))

    class Meta(oscar_forms.ShippingAddressForm.Meta):
        fields = [f for f in oscar_forms.ShippingAddressForm.Meta.fields if f != "line3"]
        labels = {
            "line1": _("Street address"),
            "line2": _("Apartment, suite, etc. (optional)"),
            "line4": _("City"),
            "phone_number": _("Phone number (optional, for delivery questions)"),
            "notes": _("Delivery instructions (optional)"),
        }
