from django import forms
from django.utils.translation import gettext_lazy as _
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
