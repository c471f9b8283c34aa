"""The shop's shipping methods: a flat-rate standard service, free over a threshold."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping import methods

FREE_SHIPPING_THRESHOLD = Decimal("50.00")


class Standard(methods.FixedPrice):
    code = "standard"
    business_days = "3-5"
    name = _("Standard shipping (3-5 business days)")
    charge_excl_tax = Decimal("5.95")
    charge_incl_tax = Decimal("5.95")


class FreeOverThreshold(methods.Free):
    code = "free-over-threshold"
    name = _("Free standard shipping on orders of $50 or more")
    threshold = FREE_SHIPPING_THRESHOLD

    def is_available_for(self, basket) -> bool:
        return basket.total_incl_tax >= self.threshold
