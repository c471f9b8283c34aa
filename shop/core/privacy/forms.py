from django import forms

from shop.core.mailbox import own_address_field
from shop.core.privacy.models import PrivacyRequest


class RequestForm(forms.Form):
    email = own_address_field()
    kind = forms.ChoiceField(
        label="What would you like?",
        choices=[
            (PrivacyRequest.Kind.EXPORT, "A copy of everything you keep about me"),
            (PrivacyRequest.Kind.ERASE, "Erase everything you keep about me"),
        ],
        initial=PrivacyRequest.Kind.EXPORT,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={
            "required": "Please choose a copy or erasure.",
            "invalid_choice": "Please choose a copy or erasure.",
        },
    )


class EraseForm(forms.Form):
    remove_text = forms.BooleanField(
        label="Also remove the text of my comments (otherwise it stays, signed “Anonymous”)",
        required=False,
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[("json", "JSON"), ("text", "Text")])


class StaffRunForm(forms.Form):
    email = RequestForm.base_fields["email"]
    kind = forms.ChoiceField(
        choices=[
            ("json", "Export: download JSON"),
            ("text", "Export: download text"),
            ("erase", "Erase"),
        ]
    )
    remove_text = EraseForm.base_fields["remove_text"]
    identity_checked = forms.BooleanField(
        label="I have checked that the person asking owns this address.",
        error_messages={"required": "Check the person's identity first."},
    )
