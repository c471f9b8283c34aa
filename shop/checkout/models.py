from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CardPaymentQuerySet(models.QuerySet):
    def unsettled(self, *, older_than: timedelta, within: timedelta):
        """Payments whose outcome nobody has acted on (the shopper's request died,
        placing the order failed, the webhook never came), in a time window."""
        now = timezone.now()
        return self.filter(
            status=CardPayment.Status.PENDING,
            created_at__lte=now - older_than,
            created_at__gte=now - within,
        )


class CardPayment(models.Model):
    """One card payment for a basket: a Stripe PaymentIntent, recorded (and the
    basket frozen) before the card is charged.

    It keeps what placing the order needs (the checkout's address, shipping
    method and email), so the order can be placed when the shopper's browser
    comes back, from Stripe's webhook when it never does, or by the periodic
    task that finishes what failed after the charge.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("charge started, order not placed yet")
        PAID = "paid", _("paid, order placed")
        FAILED = "failed", _("not charged")
        REFUNDED = "refunded", _("charged, refunded: no order could be placed")

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
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    order = models.OneToOneField(
        "order.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="card_payment",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CardPaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.intent_id} for order {self.order_number}"
