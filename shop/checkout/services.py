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
webhook body says: each step asks Stripe (the calls are in payments.py).
"""

import logging
from datetime import timedelta
from decimal import Decimal

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
from shop.checkout.payments import (
    AuthenticationRequired,
    PaymentFailed,
    PaymentPending,
    charged_intent,
    create_intent,
    minor_units,
    refund,
)
from shop.core.outbox import services as outbox
from shop.order.models import Order, ShippingAddress
from shop.order.utils import OrderCreator
from shop.shipping.repository import Repository

logger = logging.getLogger(__name__)

PAID = "Paid"
SOURCE_TYPE = "Card (Stripe)"


class OrderNotPlaced(Exception):
    """The card was charged but the order could not be placed: the charge was refunded."""


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
    intent = create_intent(
        basket_id=basket.pk,
        order_number=order_number,
        total=total,
        currency=currency,
        payment_method_id=payment_method_id,
    )
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
            intent = charged_intent(payment, confirm=confirm)
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


def _refund(payment_id: int, reason: Exception) -> OrderNotPlaced:
    """Refund a charge that paid for no order; the error to show the shopper."""
    payment = CardPayment.objects.get(pk=payment_id)
    logger.warning("PaymentIntent %s paid for no order (%s): refunding", payment.intent_id, reason)
    if refund(payment.intent_id):
        CardPayment.objects.filter(pk=payment_id).update(status=CardPayment.Status.REFUNDED)
        message = _("Your payment has been refunded in full.")
    else:
        message = _("Your payment will be refunded in full; we are on it.")
    return OrderNotPlaced(f"{str(reason).rstrip('.')}. {message}")


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
