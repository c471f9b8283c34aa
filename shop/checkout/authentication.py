"""3-D Secure: the page where the shopper confirms a payment with their bank."""

import stripe
from django.conf import settings
from django.shortcuts import redirect, render

from shop.checkout import payments
from shop.checkout.models import CardPayment
from shop.checkout.views import PaymentDetailsView


class PaymentAuthenticationView(PaymentDetailsView):
    """3-D Secure: the shopper confirms the payment with their bank, then comes back here."""

    template_name = "checkout/payment_authentication.html"

    def get_pre_conditions(self, request):
        return []

    def get_skip_conditions(self, request):
        return []

    def submitted(self) -> CardPayment | None:
        basket_id = self.checkout_session.get_submitted_basket_id()
        return CardPayment.objects.filter(basket_id=basket_id).first() if basket_id else None

    def get(self, request, *args, **kwargs):
        payment = self.submitted()
        if payment is None:
            return redirect("basket:summary")
        if payment.status == CardPayment.Status.PENDING:
            try:
                intent = payments.retrieve_intent(payment.intent_id)
            except stripe.StripeError:
                intent = None
            if intent is not None and intent.status == "requires_action":
                return render(
                    request,
                    self.template_name,
                    {
                        "client_secret": intent.client_secret,
                        "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
                        "stripe_js_url": settings.STRIPE_JS_URL,
                    },
                )
        return self.settle(payment)

    def post(self, request, *args, **kwargs):
        payment = self.submitted()
        if payment is None:
            return redirect("basket:summary")
        return self.settle(payment)
