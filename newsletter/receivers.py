from django.dispatch import receiver
from oscar.apps.basket.signals import basket_addition

from newsletter.views import VoucherApplyView


@receiver(basket_addition)
def apply_waiting_welcome_code(sender, request, **kwargs):
    """A code opened from the coupon email while the basket was empty applies now."""
    VoucherApplyView.apply_waiting_code(request)
