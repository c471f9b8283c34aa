"""Card payments through the Stripe API, and placing the order they pay for.

The browser turns the card into a PaymentMethod through a SetupIntent we created
for this checkout (Stripe.js); the card data never reaches us. "Place order"
then goes in steps, each committed on its own, so no failure can lose a charge:

1. `start_payment`: the basket is frozen and a CardPayment recorded with an
   unconfirmed PaymentIntent (nothing charged yet).
2. `settle_payment`: under the CardPayment's row lock, the intent is confirmed
   (the charge) and, once Stripe says it succeeded for exactly the order's
   total, the order, its payment source and its Paid status are written and
   committed together.
3. Whatever runs after that (emails, hooks, the session) is best-effort.

If the order cannot be placed (Oscar's UnableToPlaceOrder: sold out, a voucher
used up, totals differ) the charge is refunded. If anything else fails after the
charge (a fault, a bug), the CardPayment stays pending and
`settle_unsettled_payments` (a periodic task), the webhook or the shopper's next
request finishes it. Nothing acts on what a browser or a
webhook body says: each step asks Stripe.
"""

import logging
from datetime import timedelta
from decimal import Decimal

import stripe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.apps.basket.models import Basket
from oscar.apps.checkout.calculators import OrderTotalCalculator
from oscar.apps.offer.applicator import Applicator
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.apps.partner.strategy import Selector
from oscar.apps.payment.models import Source, SourceType

from shop.checkout.emails import ORDER_CONFIRMATION
from shop.checkout.models import CardPayment
from shop.core.outbox import services as outbox
from shop.order.models import Order, ShippingAddress
from shop.order.utils import OrderCreator
from shop.shipping.repository import Repository

logger = logging.getLogger(__name__)

PAID = "Paid"
SOURCE_TYPE = "Card (Stripe)"


class PaymentFailed(Exception):
    """The card was not charged; the message is meant for the shopper."""


class OrderNotPlaced(Exception):
    """The card was charged but the order could not be placed: the charge was refunded."""


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


def checkout_details(submission: dict, guest_email: str | None, card_label: str = "") -> dict:
    """What placing the order needs besides the basket, as JSON: the address's
    fields as the database stores them (strings, a phone number in E.164)."""
    address = submission["shipping_address"]
    fields = {
        field.attname: field.get_prep_value(getattr(address, field.attname))
        for field in ShippingAddress._meta.concrete_fields
        if not field.primary_key
    }
    return {
        "guest_email": guest_email,
        "shipping_address": fields,
        "shipping_method": submission["shipping_method"].code,
        "card_label": card_label,
    }


@transaction.atomic
def start_payment(
    *,
    basket: Basket,
    user,
    order_number: str,
    total: Decimal,
    currency: str,
    payment_method_id: str,
    checkout: dict,
) -> CardPayment:
    """Freeze the basket and record its payment, before any charge.

    Concurrent requests for one basket queue on its row lock: the first records
    the payment, the others get that same payment back (to settle, not to pay
    again), so no idempotency key of ours is needed here (the SDK gives its own
    network retries one; the basket's order number stays the same from one
    attempt to the next, with another card). Raises PaymentFailed if Stripe
    refuses to set the payment up.
    """
    status = Basket.objects.select_for_update().values_list("status", flat=True).get(pk=basket.pk)
    if status != Basket.OPEN:
        payment = CardPayment.objects.filter(basket=basket).first()
        if payment is None:
            raise PaymentFailed(_("This cart is no longer open. Please try again."))
        return payment
    try:
        intent = stripe_client().v1.payment_intents.create(
            params={
                "amount": minor_units(total),
                "currency": currency.lower(),
                "payment_method": payment_method_id,
                "metadata": {"order_number": order_number, "basket": str(basket.pk)},
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
    basket.freeze()
    return CardPayment.objects.create(
        basket=basket,
        user=user if user.is_authenticated else None,
        order_number=order_number,
        intent_id=intent.id,
        amount=total,
        currency=currency,
        checkout=checkout,
    )


def retrieve_intent(intent_id: str):
    return stripe_client().v1.payment_intents.retrieve(intent_id)


def settle_payment(*, payment_id: int, confirm: bool = False) -> Order:
    """Act on what Stripe says of the payment: charge it (when `confirm`, i.e. the
    shopper pressed "Place order"), then place its order. Idempotent.

    Returns the order. Raises AuthenticationRequired (3-D Secure first),
    PaymentFailed (not charged), OrderNotPlaced (charged, then refunded) or
    PaymentPending (charged or in progress; the order will be placed later).
    """
    try:
        with transaction.atomic():
            payment = CardPayment.objects.select_for_update().get(pk=payment_id)
            if payment.order_id:
                return payment.order
            if payment.status == CardPayment.Status.FAILED:
                raise PaymentFailed(_("Your card has not been charged. Please try again."))
            if payment.status == CardPayment.Status.REFUNDED:
                raise OrderNotPlaced(_("Your payment has been refunded in full."))
            intent = _charged_intent(payment, confirm=confirm)
            order = _place_paid_order(payment_id=payment.pk, intent=intent)
            CardPayment.objects.filter(pk=payment.pk).update(status=CardPayment.Status.PAID)
    except PaymentFailed:
        CardPayment.objects.filter(pk=payment_id, order=None).update(
            status=CardPayment.Status.FAILED
        )
        raise
    except (AuthenticationRequired, OrderNotPlaced, PaymentPending):
        raise
    except UnableToPlaceOrder as exc:  # sold out, a voucher used up, totals differ
        raise _refund(payment_id, exc) from exc
    except Exception as exc:
        placed = _placed(payment_id)
        if placed is not None:  # committed: what failed ran after the commit
            logger.exception("Order #%s placed; what runs after its commit failed", placed.number)
            return placed
        # A fault or a bug: the charge stands and the order is placed once it is fixed.
        logger.exception("Payment %s: the order was not placed; it will be retried", payment_id)
        raise PaymentPending() from exc
    return order


def _placed(payment_id: int) -> Order | None:
    return Order.objects.filter(card_payment__pk=payment_id).first()


def _charged_intent(payment: CardPayment, *, confirm: bool):
    """The payment's intent as Stripe has it, charged now if `confirm` and not yet;
    raises unless it succeeded and belongs to this payment."""
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
    # Declined, failed 3-D Secure, cancelled, or never confirmed (and, under this
    # lock, nobody is confirming it now): nothing was charged.
    error = getattr(intent, "last_payment_error", None)
    raise PaymentFailed(
        getattr(error, "message", None) or _("Your card has not been charged. Please try again.")
    )


def _refund(payment_id: int, reason: Exception) -> OrderNotPlaced:
    """Refund a charge that paid for no order; the error to show the shopper."""
    payment = CardPayment.objects.get(pk=payment_id)
    logger.warning("PaymentIntent %s paid for no order (%s): refunding", payment.intent_id, reason)
    try:
        stripe_client().v1.refunds.create(
            params={"payment_intent": payment.intent_id},
            options={"idempotency_key": f"refund-{payment.intent_id}"},
        )
    except stripe.StripeError:
        logger.exception(
            "PaymentIntent %s: the refund failed; refund it by hand", payment.intent_id
        )
        refund = _("Your payment will be refunded in full; we are on it.")
    else:
        CardPayment.objects.filter(pk=payment_id).update(status=CardPayment.Status.REFUNDED)
        refund = _("Your payment has been refunded in full.")
    return OrderNotPlaced(f"{str(reason).rstrip('.')}. {refund}")


def settle_unsettled_payments(
    *, older_than: timedelta = timedelta(minutes=1), within: timedelta = timedelta(days=3)
) -> int:
    """Finish payments nobody acted on; returns how many orders were placed.

    A charge that succeeded gets its order (or its refund); a payment that was
    never charged (declined, 3-D Secure failed) reopens its basket. One waiting
    for its shopper's 3-D Secure is left alone.
    """
    placed = 0
    for payment_id in CardPayment.objects.unsettled(
        older_than=older_than, within=within
    ).values_list("pk", flat=True):
        try:
            settle_payment(payment_id=payment_id)
        except PaymentFailed:
            Basket.objects.filter(card_payments__pk=payment_id, status=Basket.FROZEN).update(
                status=Basket.OPEN
            )
        except (AuthenticationRequired, OrderNotPlaced, PaymentPending):
            continue
        else:
            placed += 1
    return placed


def _place_paid_order(*, payment_id: int, intent) -> Order:
    payment = CardPayment.objects.select_for_update().get(pk=payment_id)
    if payment.order_id:
        return payment.order
    basket = Basket.objects.select_for_update().filter(pk=payment.basket_id).first()
    if basket is None or basket.status == Basket.SUBMITTED:
        raise UnableToPlaceOrder(_("This cart has already been paid for."))

    details = payment.checkout
    user = get_user_model().objects.get(pk=payment.user_id) if payment.user_id else AnonymousUser()
    # Locked until this order is placed or not, so the discount below is computed with
    # the vouchers as checked here, not after another order has used one up meanwhile.
    for voucher in basket.vouchers.select_for_update():
        available, message = voucher.is_available_to_user(user=user)
        if not available:
            raise UnableToPlaceOrder(message)
    basket.strategy = Selector().strategy(user=user)
    Applicator().apply(basket, user)
    address = ShippingAddress(**details["shipping_address"])
    methods = Repository().get_shipping_methods(basket, shipping_addr=address)
    method = next((m for m in methods if m.code == details["shipping_method"]), None)
    if method is None:
        raise UnableToPlaceOrder(_("The chosen shipping method is no longer available."))
    shipping_charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, shipping_charge)
    if (
        intent.amount != minor_units(total.incl_tax)
        or intent.currency.upper() != total.currency.upper()
    ):
        raise UnableToPlaceOrder(
            _("The amount paid does not match your order total, so no order was placed.")
        )

    address.save()
    order = OrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=method,
        shipping_charge=shipping_charge,
        user=user,
        shipping_address=address,
        order_number=payment.order_number,
        **({} if user.is_authenticated else {"guest_email": details["guest_email"]}),
    )
    source_type, _created = SourceType.objects.get_or_create(name=SOURCE_TYPE)
    Source.objects.create(
        order=order,
        source_type=source_type,
        amount_allocated=total.incl_tax,
        amount_debited=total.incl_tax,
        currency=total.currency,
        reference=intent.id,
        label=details.get("card_label", ""),
    )
    order.set_status(PAID)
    basket.submit()
    payment.order = order
    payment.save(update_fields=["order"])
    # Written with the order; sent by a worker once both are committed.
    outbox.enqueue(
        kind=ORDER_CONFIRMATION,
        to=order.email,
        context={"order": order.pk},
        key=f"order:{order.pk}",
    )
    return order
