import logging
from urllib.parse import urlencode

import stripe
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.apps.basket.models import Basket
from oscar.apps.checkout import exceptions, views

from shop.checkout import payments, services
from shop.checkout.forms import CardPaymentForm
from shop.checkout.models import CardPayment
from shop.checkout.utils import CheckoutSessionData

logger = logging.getLogger(__name__)

# Signed ids in the "Place order" form and in a thank-you link: proof that whoever
# sends them saw that basket's review page, or paid for that payment.
BASKET_SALT = "shop.checkout.place-order"
PAYMENT_SALT = "shop.checkout.thank-you"


class PaymentDetailsView(views.PaymentDetailsView):
    """Card details (Stripe.js) -> preview -> "Place order" charges the card, places the order.

    Not one transaction per request: each step of paying commits on its own
    (shop/checkout/services.py), so nothing that fails after the charge can undo
    the record of it, and the shopper always lands on their order.
    """

    pre_conditions = [
        *views.PaymentDetailsView.pre_conditions,
        "check_vouchers_are_still_available",
    ]

    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.POST.get("action") == "place_order":
            # "Place order" again for a basket already paying or paid (a second
            # click, a retry after an error, the back button): its own outcome.
            self.checkout_session = CheckoutSessionData(request)
            payment = self.submitted_payment(request)
            if payment is not None:
                return self.settle(payment, confirm=True)
        return super().dispatch(request, *args, **kwargs)

    def submitted_payment(self, request) -> CardPayment | None:
        try:
            basket_id = signing.loads(request.POST.get("basket", ""), salt=BASKET_SALT)
        except signing.BadSignature:
            return None
        return (
            CardPayment.objects.filter(basket_id=basket_id)
            .exclude(basket__status=Basket.OPEN)
            .exclude(status=CardPayment.Status.FAILED)
            .first()
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        basket = self.request.basket
        if self.preview:
            ctx["basket_token"] = signing.dumps(basket.id, salt=BASKET_SALT)
            ctx["card_label"] = self.checkout_session.card_label()
        else:
            try:
                intent = payments.create_setup_intent(basket_id=basket.id)
            except stripe.StripeError:
                logger.exception("Stripe did not create a SetupIntent")
                ctx["error"] = _("Card payments are unavailable right now. Please try again soon.")
            else:
                self.checkout_session.add_setup_intent(intent.id, basket.id)
                ctx["setup_secret"] = intent.client_secret
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
        error = None
        if not form.is_valid():
            error = " ".join(form.errors["payment_method"])
        else:
            try:
                payments.check_payment_method(
                    payment_method_id=form.cleaned_data["payment_method"],
                    setup_intent_ids=self.checkout_session.setup_intents(request.basket.id),
                )
            except payments.PaymentFailed as exc:
                error = str(exc)
        if error:
            self.checkout_session.pay_by(None)
            response = self.render_payment_details(request, error=error)
            response.status_code = 400
            return response
        payment_method = form.cleaned_data["payment_method"]
        self.checkout_session.pay_by(payment_method, payments.card_label(payment_method))
        return redirect("checkout:preview")

    def handle_place_order_submission(self, request):
        submission = self.build_submission()
        basket = submission["basket"]
        total = submission["order_total"]
        self.checkout_session.set_submitted_basket(basket)
        try:
            payment = services.start_payment(
                basket=basket,
                user=submission["user"],
                order_number=self.generate_order_number(basket),
                total=total.incl_tax,
                currency=total.currency,
                payment_method_id=self.checkout_session.payment_method(),
                checkout=services.checkout_details(
                    submission,
                    submission["order_kwargs"].get("guest_email"),
                    self.checkout_session.card_label(),
                ),
            )
        except payments.PaymentFailed as exc:
            return self.payment_failed(str(exc))
        return self.settle(payment, confirm=True)

    def settle(self, payment: CardPayment, *, confirm: bool = False):
        """The shopper's page for what Stripe says of `payment`, placing its order if paid."""
        if payment.basket is not None:
            self.checkout_session.set_submitted_basket(payment.basket)
        self.checkout_session.set_order_number(payment.order_number)
        try:
            order = services.settle_payment(payment_id=payment.pk, confirm=confirm)
        except payments.AuthenticationRequired:
            return redirect("checkout:payment-authentication")
        except payments.PaymentFailed as exc:
            return self.payment_failed(str(exc))
        except services.OrderNotPlaced as exc:
            self.restore_frozen_basket()
            messages.error(self.request, str(exc))
            return redirect("basket:summary")
        except payments.PaymentPending:
            self.request.session.pop("checkout_order_id", None)
            self.request.session["checkout_payment_id"] = payment.pk
            return self.thank_you(payment)
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

    def handle_successful_order(self, order):
        self.checkout_session.flush()
        self.request.session.pop("checkout_payment_id", None)
        self.request.session["checkout_order_id"] = order.id
        response = self.thank_you(order.card_payment)
        self.send_signal(self.request, response, order)
        return response

    def thank_you(self, payment: CardPayment):
        """Redirect to the thank-you page. The session is saved now: if that fails,
        the link itself says which payment, so the page shows all the same."""
        url = reverse("checkout:thank-you")
        try:
            self.request.session.save()
        except Exception:
            logger.exception("Order #%s: the session could not be saved", payment.order_number)
            self.request.session.modified = False  # nothing more to try with the response
            url += "?" + urlencode({"payment": signing.dumps(payment.pk, salt=PAYMENT_SALT)})
        return redirect(url)

    def send_signal(self, request, response, order):
        """post_checkout's receivers run after the fact: one that fails is logged."""
        results = self.view_signal.send_robust(
            sender=self, order=order, user=request.user, request=request, response=response
        )
        for receiver, result in results:
            if isinstance(result, Exception):
                logger.error(
                    "Order #%s: post_checkout receiver %s failed",
                    order.number,
                    getattr(receiver, "__qualname__", receiver),
                    exc_info=result,
                )

    def send_order_placed_email(self, order):
        """The confirmation email is queued when the order is placed (see services)."""


class ThankYouView(views.ThankYouView):
    """Oscar's thank-you page. It also finds the order from a signed link (when
    the session could not be saved), and tells a shopper whose payment is still
    being finished that it is (the order is placed within minutes)."""

    def payment(self) -> CardPayment | None:
        token = self.request.GET.get("payment")
        if token:
            try:
                pk = signing.loads(
                    token, salt=PAYMENT_SALT, max_age=settings.CHECKOUT_THANK_YOU_LINK_MAX_AGE
                )
            except signing.BadSignature:
                return None
        else:
            pk = self.request.session.get("checkout_payment_id")
        return CardPayment.objects.filter(pk=pk).select_related("order").first() if pk else None

    def get_object(self, queryset=None):
        payment = self.payment()
        return payment.order if payment is not None else super().get_object(queryset)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object is not None:
            return self.render_to_response(self.get_context_data(object=self.object))
        payment = self.payment()
        if payment is not None and payment.status == CardPayment.Status.PENDING:
            return render(request, "checkout/payment_pending.html", {"payment": payment})
        return redirect(settings.OSCAR_HOMEPAGE)


class IndexView(views.IndexView):
    """Oscar's first step. Its "returning customer" sign-in passes the request on, as
    the sign-in lockout (django-axes) needs to count and refuse attempts."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
