import logging

import stripe
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oscar.apps.basket.models import Basket
from oscar.apps.checkout import exceptions, views

from shop.checkout import services
from shop.checkout.forms import CardPaymentForm
from shop.checkout.models import CardPayment

logger = logging.getLogger(__name__)


class PaymentDetailsView(views.PaymentDetailsView):
    """Card details (Stripe.js) -> preview -> "Place order" charges the card, places the order."""

    pre_conditions = [
        *views.PaymentDetailsView.pre_conditions,
        "check_vouchers_are_still_available",
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not self.preview:
            try:
                ctx["setup_secret"] = services.setup_intent_secret()
            except stripe.StripeError:
                logger.exception("Stripe did not create a SetupIntent")
                ctx["error"] = _("Card payments are unavailable right now. Please try again soon.")
            ctx["stripe_publishable_key"] = settings.STRIPE_PUBLISHABLE_KEY
            ctx["stripe_js_url"] = settings.STRIPE_JS_URL
        return ctx

    def get_pre_conditions(self, request):
        conditions = super().get_pre_conditions(request)
        if request.method == "POST" and request.POST.get("action") != "place_order":
            # Card details are being submitted: they are what that condition checks for.
            return [c for c in conditions if c != "check_payment_data_is_captured"]
        return conditions

    def check_vouchers_are_still_available(self, request):
        """A code used up since it went into the basket leaves it, before any charge."""
        for voucher in request.basket.vouchers.all():
            available, message = voucher.is_available_to_user(user=request.user)
            if not available:
                request.basket.vouchers.remove(voucher)
                raise exceptions.FailedPreCondition(url=reverse("basket:summary"), message=message)

    def check_payment_data_is_captured(self, request):
        if not self.checkout_session.payment_method():
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:payment-details"),
                message=_("Please enter your card details."),
            )

    def handle_payment_details_submission(self, request):
        form = CardPaymentForm(request.POST)
        if not form.is_valid():
            response = self.render_payment_details(
                request, error=" ".join(form.errors["payment_method"])
            )
            response.status_code = 400
            return response
        self.checkout_session.pay_by(form.cleaned_data["payment_method"])
        return redirect("checkout:preview")

    def handle_place_order_submission(self, request):
        submission = self.build_submission()
        basket = submission["basket"]
        # Concurrent "Place order" requests for one basket queue here: the first
        # pays, the others then find the basket frozen or submitted.
        status = (
            Basket.objects.select_for_update().values_list("status", flat=True).get(pk=basket.pk)
        )
        if status == Basket.SUBMITTED:
            return redirect("checkout:thank-you")
        if status == Basket.FROZEN:
            return redirect("checkout:payment-authentication")

        order_number = self.generate_order_number(basket)
        self.checkout_session.set_order_number(order_number)
        self.freeze_basket(basket)
        self.checkout_session.set_submitted_basket(basket)
        total = submission["order_total"]
        try:
            payment, intent = services.pay_for_basket(
                basket=basket,
                user=submission["user"],
                order_number=order_number,
                total=total.incl_tax,
                currency=total.currency,
                payment_method_id=self.checkout_session.payment_method(),
                checkout=services.checkout_details(
                    submission, submission["order_kwargs"].get("guest_email")
                ),
            )
        except services.PaymentFailed as exc:
            return self.payment_failed(str(exc))
        if intent.status == "requires_action":
            return redirect("checkout:payment-authentication")
        return self.complete(payment, intent)

    def complete(self, payment, intent):
        try:
            order = services.complete_payment(payment_id=payment.pk, intent=intent)
        except services.PaymentFailed as exc:
            return self.payment_failed(str(exc))
        except services.OrderNotPlaced as exc:
            self.restore_frozen_basket()
            messages.error(self.request, str(exc))
            return redirect("basket:summary")
        return self.handle_successful_order(order)

    def payment_failed(self, message):
        self.restore_frozen_basket()
        self.checkout_session.pay_by(None)
        messages.error(self.request, message)
        return redirect("checkout:payment-details")

    def restore_frozen_basket(self):
        # Never reopen a basket that an order was placed from meanwhile.
        basket_id = self.checkout_session.get_submitted_basket_id()
        if Basket.objects.filter(pk=basket_id, status=Basket.FROZEN).exists():
            super().restore_frozen_basket()

    def send_order_placed_email(self, order):
        """The confirmation email is queued when the order is placed (see services)."""


class PaymentAuthenticationView(PaymentDetailsView):
    """3-D Secure: the shopper confirms the payment with their bank, then comes back here."""

    template_name = "checkout/payment_authentication.html"

    def get_pre_conditions(self, request):
        return []

    def get_skip_conditions(self, request):
        return []

    def pending_payment(self):
        basket_id = self.checkout_session.get_submitted_basket_id()
        return CardPayment.objects.filter(
            basket_id=basket_id, basket__status=Basket.FROZEN, order=None
        ).first()

    def get(self, request, *args, **kwargs):
        payment = self.pending_payment()
        if payment is None:
            return redirect("basket:summary")
        intent = services.retrieve_intent(payment.intent_id)
        if intent.status != "requires_action":
            return self.complete(payment, intent)
        return render(
            request,
            self.template_name,
            {
                "client_secret": intent.client_secret,
                "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
                "stripe_js_url": settings.STRIPE_JS_URL,
            },
        )

    def post(self, request, *args, **kwargs):
        payment = self.pending_payment()
        if payment is None:
            return redirect("basket:summary")
        return self.complete(payment, services.retrieve_intent(payment.intent_id))


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """A payment succeeded: place its order if the shopper's browser never came back."""
    try:
        event = stripe.Webhook.construct_event(
            request.body,
            request.headers.get("Stripe-Signature", ""),
            settings.STRIPE_WEBHOOK_SECRET,
        )
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponseBadRequest("invalid payload or signature")
    if event.type == "payment_intent.succeeded":
        intent = event.data.object
        payment = CardPayment.objects.filter(intent_id=intent.id).first()
        if payment is not None:
            try:
                services.complete_payment(payment_id=payment.pk, intent=intent)
            except (services.PaymentFailed, services.OrderNotPlaced) as exc:
                logger.warning("Webhook for %s placed no order: %s", intent.id, exc)
    return HttpResponse("ok")


class IndexView(views.IndexView):
    """Oscar's first step. Its "returning customer" sign-in passes the request on, as
    the sign-in lockout (django-axes) needs to count and refuse attempts."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
