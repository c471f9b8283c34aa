from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from oscar.apps.order import utils
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.apps.partner.models import StockRecord
from oscar.apps.voucher.models import Voucher

from shop.order.models import Order


class OrderCreator(utils.OrderCreator):
    """Oscar's order creator, safe under concurrent checkouts.

    - Stock is allocated with a conditional UPDATE, so two orders can never take
      the last unit: the row lock makes the second re-check what is left.
    - Every voucher whose discount the order carries is recorded as used, even if
      another request took it out of the basket after the discount was computed.
    - What cannot be placed raises UnableToPlaceOrder, never a ValueError.
    """

    @transaction.atomic
    def place_order(self, basket, total, shipping_method, shipping_charge, user=None, **kwargs):
        self.check_placeable(basket, user, kwargs.get("order_number"))
        order = super().place_order(
            basket, total, shipping_method, shipping_charge, user=user, **kwargs
        )
        self.record_vouchers_of_discounts(order, basket, user)
        return order

    def check_placeable(self, basket, user, order_number):
        """Raise UnableToPlaceOrder for what Oscar's place_order refuses with a
        ValueError, so that a ValueError from it can only be a bug."""
        if basket.is_empty:
            raise UnableToPlaceOrder(_("Your basket is empty."))
        if order_number and Order.objects.filter(number=order_number).exists():
            raise UnableToPlaceOrder(_("There is already an order with this number."))
        for voucher in basket.vouchers.select_for_update():
            available, message = voucher.is_available_to_user(user=user)
            if voucher.is_active() and not available:
                raise UnableToPlaceOrder(message)

    def update_stock_records(self, line):
        if not line.product.get_product_class().track_stock:
            return
        allocated = StockRecord.objects.filter(
            pk=line.stockrecord_id,
            num_in_stock__gte=Coalesce(F("num_allocated"), 0) + line.quantity,
        ).update(num_allocated=Coalesce(F("num_allocated"), 0) + line.quantity)
        if not allocated:
            raise UnableToPlaceOrder(
                _("Sorry, “%(title)s” sold out while you were checking out.")
                % {"title": line.product.get_title()}
            )

    def record_vouchers_of_discounts(self, order, basket, user):
        discounted = {a["voucher"].pk for a in basket.offer_applications if a["voucher"]}
        recorded = set(order.voucherapplication_set.values_list("voucher_id", flat=True))
        for voucher in Voucher.objects.select_for_update().filter(pk__in=discounted - recorded):
            available, message = voucher.is_available_to_user(user=user)
            if not available:
                raise UnableToPlaceOrder(message)
            self.record_voucher_usage(order, voucher, user)
