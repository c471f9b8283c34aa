import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from blog.antispam import check_form_token, use_form_token_once
from blog.models import Post
from shop.core.mailbox import MailboxField

# Something that opens an HTML tag: "<b", "</", "<!--", "<?". A lone "<" ("<3", "a < b") is fine.
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")


def reject_markup(value: str) -> None:
    if MARKUP.search(value):
        raise ValidationError(
            _("Please write plain text: HTML tags such as <b> or <script> are not accepted."),
            code="markup",
        )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": 5000}),
        validators=[reject_markup],
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        validators=[reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = MailboxField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "aria-describedby": "email-notes"}),
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    remember = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."),
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    # The honeypot: hidden from people (and screen readers) by CSS; robots fill it in.
    subject = forms.CharField(label=_("Leave this field empty"), required=False)
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, post: Post, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post
        self.fields["subject"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_parent(self):
        parent_id = self.cleaned_data["parent"]
        if parent_id is None:
            return None
        parent = self.post.comments.approved().filter(pk=parent_id).first()
        if parent is None:
            raise ValidationError(
                _("The comment you are replying to is not available."), code="bad_parent"
            )
        if not parent.accepts_replies:
            raise ValidationError(
                _("This conversation is too deep for another reply."), code="too_deep"
            )
        return parent

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get("subject"):
            raise ValidationError(
                _("Your comment looks automated and was not accepted."), code="honeypot"
            )
        nonce = check_form_token(cleaned.get("token", ""), post_id=self.post.pk)
        if not self.errors:
            use_form_token_once(nonce)
        return cleaned
