from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CardPayment(models.Model):
    """One card payment for a basket: a Stripe PaymentIntent that was confirmed.

    It keeps what placing the order needs (the checkout's address, shipping
    method and email), so the order can be placed when the shopper's browser
    comes back, or from Stripe's webhook when it never does.
    """

    basket = models.ForeignKey(
        "basket.Basket", null=True, on_delete=models.SET_NULL, related_name="card_payments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    order_number = models.CharField(_("order number"), max_length=128, db_index=True)
    intent_id = models.CharField(_("Stripe PaymentIntent"), max_length=255, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=12)
    checkout = models.JSONField(_("checkout details"))
    order = models.OneToOneField(
        "order.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="card_payment",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.intent_id} for order {self.order_number}"
