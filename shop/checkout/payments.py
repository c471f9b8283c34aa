"""The Stripe API calls of a card payment, and what their answers mean for the shopper.

Each function asks Stripe and turns its answer (or its silence) into a value or
one of the exceptions below; none of them writes to the database. Placing the
order a payment pays for is services.py's concern.
"""

import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class PaymentFailed(Exception):
    """The card was not charged; the message is meant for the shopper."""


class AuthenticationRequired(Exception):
    """The bank asks the shopper to confirm the payment (3-D Secure) first."""

    def __init__(self, intent):
        super().__init__(intent.id)
        self.intent = intent


class PaymentPending(Exception):
    """The card may have been charged but the order is not placed yet: it will be
    (the CardPayment stays pending until then)."""


def stripe_client() -> stripe.StripeClient:
    # STRIPE_API_BASE points at localstripe in development and tests; empty means Stripe.
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2
    )


def minor_units(amount: Decimal) -> int:
    """Stripe counts cents: Decimal("34.00") -> 3400."""
    return int((amount * 100).to_integral_exact())


def create_setup_intent(*, basket_id: int):
    """A SetupIntent for Stripe.js to turn a card into a PaymentMethod."""
    return stripe_client().v1.setup_intents.create(
        params={"payment_method_types": ["card"], "metadata": {"basket": str(basket_id)}}
    )


def check_payment_method(*, payment_method_id: str, setup_intent_ids: list[str]) -> None:
    """Raise PaymentFailed unless the PaymentMethod was set up through one of these
    SetupIntents (this checkout's own): another shopper's card is never charged."""
    client = stripe_client()
    for intent_id in setup_intent_ids:
        try:
            intent = client.v1.setup_intents.retrieve(intent_id)
        except stripe.InvalidRequestError:
            continue
        if intent.status == "succeeded" and intent.payment_method == payment_method_id:
            return
    logger.warning("A PaymentMethod not set up in this checkout was refused: %s", payment_method_id)
    raise PaymentFailed(_("We could not use that card. Please enter your card details again."))


def card_label(payment_method_id: str) -> str:
    """How the shopper knows the card: "Visa card ending 4242"; "" if Stripe cannot say."""
    try:
        card = stripe_client().v1.payment_methods.retrieve(payment_method_id).card
        return _("%(brand)s card ending %(last4)s") % {
            "brand": str(card.brand).replace("_", " ").title(),
            "last4": card.last4,
        }
    except (stripe.StripeError, AttributeError):
        logger.warning("No card details for PaymentMethod %s", payment_method_id)
        return ""


def create_intent(
    *, basket_id: int, order_number: str, total: Decimal, currency: str, payment_method_id: str
):
    """An unconfirmed PaymentIntent for the order (nothing charged yet).

    Raises PaymentFailed if Stripe refuses it or does not answer.
    """
    try:
        return stripe_client().v1.payment_intents.create(
            params={
                "amount": minor_units(total),
                "currency": currency.lower(),
                "payment_method": payment_method_id,
                "metadata": {"order_number": order_number, "basket": str(basket_id)},
            },
        )
    except stripe.InvalidRequestError as exc:
        logger.warning("Order #%s: Stripe refused the payment: %s", order_number, exc)
        raise PaymentFailed(
            _("We could not use that card. Please enter your card details again.")
        ) from exc
    except stripe.StripeError as exc:
        logger.error("Order #%s: Stripe error: %s", order_number, exc)
        raise PaymentFailed(
            _("The card payment service did not answer. No payment was taken; please try again.")
        ) from exc


def retrieve_intent(intent_id: str):
    return stripe_client().v1.payment_intents.retrieve(intent_id)


def charged_intent(payment, *, confirm: bool):
    """The CardPayment's intent as Stripe has it, charged now if `confirm` and not
    yet; raises unless it succeeded and belongs to this payment."""
    client = stripe_client()
    try:
        intent = client.v1.payment_intents.retrieve(payment.intent_id)
        if confirm and intent.status == "requires_confirmation":
            intent = client.v1.payment_intents.confirm(
                payment.intent_id, options={"idempotency_key": f"confirm-{payment.intent_id}"}
            )
    except stripe.CardError as exc:
        raise PaymentFailed(
            exc.user_message or _("Your card was declined. No payment was taken.")
        ) from exc
    except stripe.StripeError as exc:
        # Whether a confirm that got no answer charged the card is not known: the
        # payment stays pending until Stripe can be asked again.
        logger.error("PaymentIntent %s: Stripe error: %s", payment.intent_id, exc)
        raise PaymentPending() from exc
    metadata = intent.metadata.to_dict() if intent.metadata else {}
    if (
        intent.id != payment.intent_id
        or metadata.get("basket") != str(payment.basket_id)
        or metadata.get("order_number") != payment.order_number
    ):
        logger.error("PaymentIntent %s does not belong to payment %s", intent.id, payment.pk)
        raise PaymentPending()
    if intent.status == "succeeded":
        return intent
    if intent.status == "requires_action":
        raise AuthenticationRequired(intent)
    if intent.status in ("processing", "requires_capture"):
        raise PaymentPending()
    # Declined, failed 3-D Secure, cancelled, or never confirmed (and, under the
    # payment's row lock, nobody is confirming it now): nothing was charged.
    error = getattr(intent, "last_payment_error", None)
    raise PaymentFailed(
        getattr(error, "message", None) or _("Your card has not been charged. Please try again.")
    )


def refund(intent_id: str) -> bool:
    """Refund the intent's charge in full (once, whoever asks again); False if
    Stripe did not do it, so staff must."""
    try:
        stripe_client().v1.refunds.create(
            params={"payment_intent": intent_id},
            options={"idempotency_key": f"refund-{intent_id}"},
        )
    except stripe.StripeError:
        logger.exception("PaymentIntent %s: the refund failed; refund it by hand", intent_id)
        return False
    return True
