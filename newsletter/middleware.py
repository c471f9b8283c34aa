from django.shortcuts import render

from newsletter.ratelimit import client_ip, too_many

VOUCHER_ATTEMPTS = 10
VOUCHER_WINDOW = 15 * 60
VOUCHER_VIEWS = {"basket:vouchers-add", "newsletter:apply"}


class VoucherAttemptLimitMiddleware:
    """Limit voucher codes tried in the basket (Oscar's form and the coupon email's
    link), per IP and per session, so codes cannot be guessed by brute force."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.view_name not in VOUCHER_VIEWS:
            return None
        keys = [f"voucher:ip:{client_ip(request)}"]
        if request.session.session_key:
            keys.append(f"voucher:session:{request.session.session_key}")
        # Count on every key (no short-circuit), so each limit sees every attempt.
        if any([too_many(key, limit=VOUCHER_ATTEMPTS, window=VOUCHER_WINDOW) for key in keys]):
            message = "Too many voucher codes tried. Please wait a few minutes and try again."
            return render(request, "newsletter/message.html", {"message": message}, status=429)
        return None
