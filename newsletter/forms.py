from django import forms

from newsletter.models import CONSENT_TEXT
from shop.core.mailbox import own_address_field


class SignupForm(forms.Form):
    email = own_address_field()
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": "Please tick the box to agree to receive our emails."},
    )
    # A honeypot: hidden from people, filled in by bots.
    website = forms.CharField(label="Leave this field empty", required=False, max_length=200)
    source = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean_source(self):
        source = self.cleaned_data["source"]
        return source if source.startswith("/") else ""

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))
