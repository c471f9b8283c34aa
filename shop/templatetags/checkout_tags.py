"""What the checkout's step bar, its order summary and the product page say about
shipping, from the shop's shipping methods and Oscar's calculators."""

from django import template
from django.utils.translation import gettext as _
from oscar.apps.checkout.calculators import OrderTotalCalculator
from oscar.apps.offer.models import Benefit
from oscar.templatetags.currency_filters import currency

from shop.shipping.methods import FREE_SHIPPING_THRESHOLD, Standard
from shop.shipping.repository import Repository

register = template.Library()


def _basket(context):
    """The basket being checked out, or after the order its submitted basket."""
    order = context.get("order")
    if order is not None and order.basket_id:
        basket = order.basket
        basket.strategy = context["request"].strategy
        return basket
    return context.get("basket")


@register.simple_tag(takes_context=True)
def shipping_choice_offered(context) -> bool:
    """Whether the shopper is (or was) asked to choose a shipping method: with only
    one method for the basket, Oscar picks it and skips the step."""
    basket = _basket(context)
    if basket is None:
        return False
    return len(Repository().get_available_shipping_methods(basket)) > 1


@register.simple_tag(takes_context=True)
def checkout_totals(context) -> dict:
    """Shipping and total for the summary: the method chosen, or before there is
    one (the address step) the one Oscar would pick, from Oscar's calculators."""
    basket = context["basket"]
    method = context.get("shipping_method") or Repository().get_default_shipping_method(
        basket=basket, shipping_addr=None
    )
    charge = method.calculate(basket)
    return {
        "shipping_method": method,
        "shipping_charge": charge,
        "order_total": OrderTotalCalculator().calculate(basket, charge),
    }


@register.simple_tag
def shipping_terms() -> dict:
    """What shipping costs and how long it takes, from the shop's shipping methods."""
    return {
        "standard_charge": Standard.charge_incl_tax,
        "free_over": FREE_SHIPPING_THRESHOLD,
        "days": Standard.business_days,
    }


@register.filter
def coupon_terms(voucher) -> str:
    """What a coupon takes off, in a shopper's words: "10% off", "$5.00 off"."""
    offer = voucher.offers.first()
    if offer is None:
        return ""
    benefit = offer.benefit
    if benefit.type == Benefit.PERCENTAGE:
        return _("%(value)s%% off") % {"value": f"{benefit.value.normalize():f}"}
    if benefit.type == Benefit.FIXED:
        return _("%(amount)s off") % {"amount": currency(benefit.value)}
    return ""
