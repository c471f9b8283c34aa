"""Stripe's webhook: the order of a shopper whose browser never came back."""

import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.checkout import payments, services
from shop.checkout.models import CardPayment

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def stripe_webhook(request):
    """A payment succeeded: place its order if the shopper's browser never came back.

    Only the intent's id is taken from the event: the intent itself is retrieved
    from Stripe, and the order placed only if Stripe says it succeeded for this
    basket's payment and amount. An event Stripe should send again later gets a 503.
    """
    try:
        event = stripe.Webhook.construct_event(
            request.body,
            request.headers.get("Stripe-Signature", ""),
            settings.STRIPE_WEBHOOK_SECRET,
        )
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponseBadRequest("invalid payload or signature")
    if event.type != "payment_intent.succeeded":
        return HttpResponse("ignored")
    intent_id = getattr(event.data.object, "id", None)
    payment = CardPayment.objects.filter(intent_id=str(intent_id)).first()
    if payment is None:
        return HttpResponse("ignored")
    try:
        intent = payments.retrieve_intent(payment.intent_id)
    except stripe.StripeError:
        logger.exception("Webhook for %s: Stripe did not answer", payment.intent_id)
        return HttpResponse("try again later", status=503)
    if intent.status != "succeeded":
        logger.warning("Webhook for %s, which Stripe says is %s", payment.intent_id, intent.status)
        return HttpResponse("ignored")
    try:
        services.settle_payment(payment_id=payment.pk)
    except payments.PaymentPending:
        return HttpResponse("try again later", status=503)
    except (
        payments.PaymentFailed,
        services.OrderNotPlaced,
        payments.AuthenticationRequired,
    ) as exc:
        logger.warning("Webhook for %s placed no order: %s", payment.intent_id, exc)
    return HttpResponse("ok")
