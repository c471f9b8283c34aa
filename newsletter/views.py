from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from oscar.apps.basket.views import VoucherAddView

from newsletter import services, tokens
from newsletter.forms import SignupForm
from shop.core.client import client_address
from shop.core.ratelimit import client_limited

# The one answer for a new, pending, confirmed, unsubscribed or disposable address: true
# for each (what the address gets, a confirm link or its code's news, is in the email).
CHECK_INBOX = (
    "Check your inbox: we have sent you an email that says what comes next "
    "(for a new subscription, a link to confirm it)."
)
# Where a welcome code waits until the shopper has something in the basket.
PENDING_CODE_SESSION_KEY = "newsletter_pending_code"


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def message_page(request, message: str, status: int = 200):
    return render(request, "newsletter/message.html", {"message": message}, status=status)


def rate_limited(request, message: str):
    if wants_json(request):
        return JsonResponse({"message": message}, status=429)
    return message_page(request, message, status=429)


def signup_page(request, form: SignupForm, status: int = 200):
    return render(request, "newsletter/signup.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.method == "GET":
        return signup_page(request, SignupForm())
    if client_limited(request, "newsletter.signup"):
        return rate_limited(
            request,
            "You have signed up many times in the last hour. Please try again later.",
        )
    form = SignupForm(request.POST)
    if not form.is_valid():
        if wants_json(request):
            errors = {name: list(errs) for name, errs in form.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        return signup_page(request, form, status=400)
    if not form.is_bot:
        services.subscriber_signup(
            email=form.cleaned_data["email"],
            ip_address=client_address(request),
            source=form.cleaned_data["source"],
        )
    # The same answer for a new, pending, confirmed or unsubscribed address.
    if wants_json(request):
        return JsonResponse({"message": CHECK_INBOX})
    return message_page(request, CHECK_INBOX)


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET shows a button (mail scanners prefetch links); only the POST confirms."""
    if request.method == "GET":
        try:
            tokens.read_confirm_token(token)
        except tokens.TokenError as exc:
            return message_page(request, exc.message, status=exc.status)
        return render(request, "newsletter/subscriber_confirm.html")
    try:
        subscriber = services.subscriber_confirm(token=token)
    except tokens.TokenError as exc:
        return message_page(request, exc.message, status=exc.status)
    return render(request, "newsletter/subscriber_confirmed.html", {"subscriber": subscriber})


@csrf_exempt  # RFC 8058: mail providers POST here without a session or a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET shows a confirm button; POST (the button, or a mail client's one-click) acts."""
    try:
        if request.method == "GET":
            tokens.read_unsubscribe_token(token)
            return render(request, "newsletter/subscriber_unsubscribe.html")
        services.subscriber_unsubscribe(token=token)
    except tokens.TokenError as exc:
        return message_page(request, exc.message, status=exc.status)
    return message_page(request, "You are unsubscribed. We will not email you again.")


class VoucherApplyView(VoucherAddView):
    """The link in the coupon email: applies the code to the basket as Oscar's own
    voucher form does (same checks, same messages)."""

    http_method_names = ["get"]

    def get(self, request, *args, code: str, **kwargs):
        form = self.get_form_class()(data={"code": code})
        if not form.is_valid():
            return self.form_invalid(form)
        if request.basket.is_empty:
            # Oscar keeps a voucher only on a basket it discounts: hold the code
            # until the first product goes in (see receivers.py).
            request.session[PENDING_CODE_SESSION_KEY] = form.cleaned_data["code"]
            messages.info(
                request,
                f"Your code {form.cleaned_data['code']} will be applied when you add a "
                "product to your cart.",
            )
            return redirect("catalogue:index")
        self.form_valid(form)
        return redirect("basket:summary")

    @classmethod
    def apply_waiting_code(cls, request) -> None:
        code = request.session.pop(PENDING_CODE_SESSION_KEY, None)
        if code:
            view = cls()
            view.setup(request)
            form = view.get_form_class()(data={"code": code})
            if form.is_valid():
                view.form_valid(form)
