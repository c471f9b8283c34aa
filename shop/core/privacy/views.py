from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shop.core.mailbox import mailbox
from shop.core.privacy import services
from shop.core.privacy.content import PAGE_TITLE, PAGE_URL, page_html
from shop.core.privacy.forms import EraseForm, ExportForm, RequestForm
from shop.core.privacy.models import PrivacyRequest
from shop.core.privacy.rendering import download
from shop.core.ratelimit import client_limited, limited

CHECK_INBOX = (
    "Check your inbox. If you typed your address correctly, we have sent you an email "
    "with a link to confirm the request; it works for 24 hours. No email? Check your "
    "spam folder, or write to us."
)
TOO_MANY = "You have sent many requests in the last hour. Please try again later."


def message_page(request, message: str, status: int = 200):
    return render(request, "privacy/message.html", {"message": message}, status=status)


@require_http_methods(["GET", "POST"])
def page(request):
    """The privacy page, with the form that asks for a copy or an erasure."""
    if request.method == "GET":
        return _page(request, RequestForm())
    if client_limited(request, "privacy.request"):
        return message_page(request, TOO_MANY, status=429)
    form = RequestForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    email = form.cleaned_data["email"]
    if limited("privacy.request", f"mailbox:{mailbox(email)}"):
        return message_page(request, TOO_MANY, status=429)
    services.request_create(email=email, kind=form.cleaned_data["kind"])
    # The same answer whatever the address: nobody learns what we keep about anybody.
    return message_page(request, CHECK_INBOX)


def _page(request, form: RequestForm, status: int = 200):
    flatpage = FlatPage.objects.filter(url=PAGE_URL, sites__id=settings.SITE_ID).first()
    context = {
        "title": flatpage.title if flatpage else PAGE_TITLE,
        # Staff write the page in the dashboard, as Django's flatpages view trusts them to.
        "content": mark_safe(flatpage.content if flatpage else page_html()),  # noqa: S308
        "form": form,
    }
    return render(request, "privacy/privacy_page.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET shows what the link will do (mail scanners open links); the POST does it."""
    try:
        privacy_request = services.read_link(token)
    except services.LinkError as exc:
        return message_page(request, exc.message, status=exc.status)
    erasing = privacy_request.kind == PrivacyRequest.Kind.ERASE
    form_class = EraseForm if erasing else ExportForm
    if request.method == "GET":
        return _confirm_page(request, privacy_request, form_class())
    form = form_class(request.POST)
    if not form.is_valid():
        return _confirm_page(request, privacy_request, form, status=400)
    try:
        if not erasing:
            return download(services.export_confirm(token=token), form.cleaned_data["format"])
        services.erase_confirm(token=token, remove_text=form.cleaned_data["remove_text"])
    except services.LinkError as exc:
        return message_page(request, exc.message, status=exc.status)
    return render(request, "privacy/erased.html")


def _confirm_page(request, privacy_request, form, status: int = 200):
    context = {"privacy_request": privacy_request, "form": form}
    return render(request, "privacy/request_confirm.html", context, status=status)
