from django.shortcuts import render

from shop.core.ratelimit import client_limited

VOUCHER_VIEWS = {"basket:vouchers-add", "newsletter:apply"}


class VoucherAttemptLimitMiddleware:
    """Limit voucher codes tried in the basket (Oscar's form and the coupon email's
    link), per client and per session, so codes cannot be guessed by brute force."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.view_name not in VOUCHER_VIEWS:
            return None
        session = request.session.session_key
        if client_limited(request, "voucher.try", *([f"session:{session}"] if session else [])):
            message = "Too many voucher codes tried. Please wait a few minutes and try again."
            return render(request, "newsletter/message.html", {"message": message}, status=429)
        return None
