"""Card payments through the Stripe API, and placing the order they pay for.

The browser turns the card into a PaymentMethod (Stripe.js); the card data never
reaches us. We charge it with a PaymentIntent, and place the Oscar order only
once Stripe says the intent succeeded for exactly the order's total.
"""

import json
import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.apps.basket.models import Basket
from oscar.apps.checkout.calculators import OrderTotalCalculator
from oscar.apps.communication.models import CommunicationEventType
from oscar.apps.offer.applicator import Applicator
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.apps.partner.strategy import Selector
from oscar.apps.payment.models import Source, SourceType

from shop.checkout.models import CardPayment
from shop.checkout.tasks import send_order_confirmation
from shop.order.models import CommunicationEvent, Order, ShippingAddress
from shop.order.utils import OrderCreator
from shop.shipping.repository import Repository

logger = logging.getLogger(__name__)

PAID = "Paid"
ORDER_PLACED = "ORDER_PLACED"
SOURCE_TYPE = "Card (Stripe)"


class PaymentFailed(Exception):
    """The card was not charged; the message is meant for the shopper."""


class OrderNotPlaced(Exception):
    """The card was charged but the order could not be placed: the charge was refunded."""


def stripe_client() -> stripe.StripeClient:
    # STRIPE_API_BASE points at localstripe in development and tests; empty means Stripe.
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2
    )


def minor_units(amount: Decimal) -> int:
    """Stripe counts cents: Decimal("34.00") -> 3400."""
    return int((amount * 100).to_integral_exact())


def setup_intent_secret() -> str:
    """A SetupIntent's client secret, for Stripe.js to turn a card into a PaymentMethod."""
    intent = stripe_client().v1.setup_intents.create(params={"payment_method_types": ["card"]})
    return intent.client_secret


def checkout_details(submission: dict, guest_email: str | None) -> dict:
    """What placing the order needs besides the basket, as JSON."""
    address = submission["shipping_address"]
    fields = {
        field.attname: getattr(address, field.attname)
        for field in ShippingAddress._meta.concrete_fields
        if not field.primary_key
    }
    return json.loads(
        json.dumps(
            {
                "guest_email": guest_email,
                "shipping_address": fields,
                "shipping_method": submission["shipping_method"].code,
            },
            default=str,
        )
    )


def pay_for_basket(
    *,
    basket: Basket,
    user,
    order_number: str,
    total: Decimal,
    currency: str,
    payment_method_id: str,
    checkout: dict,
) -> tuple[CardPayment, stripe.PaymentIntent]:
    """Charge the card for the basket's total. Raises PaymentFailed if it was not charged.

    The idempotency key is per basket and card, so a repeated request for the same
    basket and card gets the same PaymentIntent back from Stripe, never a second charge.
    """
    try:
        intent = stripe_client().v1.payment_intents.create(
            params={
                "amount": minor_units(total),
                "currency": currency.lower(),
                "payment_method": payment_method_id,
                "confirm": True,
                "metadata": {"order_number": order_number, "basket": str(basket.pk)},
            },
            options={"idempotency_key": f"basket-{basket.pk}-{payment_method_id}"},
        )
    except stripe.CardError as exc:
        raise PaymentFailed(
            exc.user_message or _("Your card was declined. No payment was taken.")
        ) from exc
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
    if intent.status not in ("succeeded", "requires_action", "processing"):
        raise PaymentFailed(_("Your card was not charged. Please try another card."))
    payment = CardPayment.objects.create(
        basket=basket,
        user=user if user.is_authenticated else None,
        order_number=order_number,
        intent_id=intent.id,
        amount=total,
        currency=currency,
        checkout=checkout,
    )
    return payment, intent


def retrieve_intent(intent_id: str):
    return stripe_client().v1.payment_intents.retrieve(intent_id)


def complete_payment(*, payment_id: int, intent) -> Order:
    """Place the order a succeeded PaymentIntent paid for; idempotent.

    Raises PaymentFailed when the intent has not (yet) succeeded, and
    OrderNotPlaced, after refunding the charge, when it succeeded but the order
    cannot be placed (sold out, voucher used up, totals differ).
    """
    if intent.status != "succeeded":
        error = getattr(intent, "last_payment_error", None)
        raise PaymentFailed(
            getattr(error, "message", None)
            or _("Your card has not been charged. Please try again.")
        )
    try:
        with transaction.atomic():
            return _place_paid_order(payment_id=payment_id, intent=intent)
    except (UnableToPlaceOrder, ValueError) as exc:
        logger.warning("PaymentIntent %s paid for no order (%s): refunding", intent.id, exc)
        try:
            stripe_client().v1.refunds.create(
                params={"payment_intent": intent.id},
                options={"idempotency_key": f"refund-{intent.id}"},
            )
        except stripe.StripeError:
            logger.exception("PaymentIntent %s: the refund failed; refund it by hand", intent.id)
            refund = _("Your payment will be refunded in full; we are on it.")
        else:
            refund = _("Your payment has been refunded in full.")
        raise OrderNotPlaced(f"{str(exc).rstrip('.')}. {refund}") from exc


def _place_paid_order(*, payment_id: int, intent) -> Order:
    payment = CardPayment.objects.select_for_update().get(pk=payment_id)
    if payment.order_id:
        return payment.order
    basket = Basket.objects.select_for_update().filter(pk=payment.basket_id).first()
    if basket is None or basket.status == Basket.SUBMITTED:
        raise UnableToPlaceOrder(_("This basket has already been paid for."))

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
    )
    order.set_status(PAID)
    basket.submit()
    payment.order = order
    payment.save(update_fields=["order"])
    send_order_confirmation.delay_on_commit(order.pk)
    return order


@transaction.atomic
def send_order_confirmation_email(*, order_id: int) -> bool:
    """Email the order confirmation once; a second call sends nothing. Returns whether it sent."""
    order = Order.objects.select_for_update().get(pk=order_id)
    event_type, _created = CommunicationEventType.objects.get_or_create(
        code=ORDER_PLACED,
        defaults={"name": "Order placed", "category": CommunicationEventType.ORDER_RELATED},
    )
    if CommunicationEvent.objects.filter(order=order, event_type=event_type).exists():
        return False
    status_path = reverse(
        "customer:anon-order",
        kwargs={"order_number": order.number, "hash": order.verification_hash()},
    )
    context = {
        "order": order,
        "lines": order.lines.all(),
        "status_url": f"{'http' if settings.DEBUG else 'https'}://{settings.SITE_DOMAIN}{status_path}",
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("emails/checkout_order_confirmation_subject.txt", context).strip(),
        body=render_to_string("emails/checkout_order_confirmation.txt", context),
        to=[order.email],
    )
    message.attach_alternative(
        render_to_string("emails/checkout_order_confirmation.html", context), "text/html"
    )
    message.send()
    CommunicationEvent.objects.create(order=order, event_type=event_type)
    return True
