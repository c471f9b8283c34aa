"""The order confirmation, built by the outbox when it is sent."""

from django.urls import reverse

from shop.core.outbox.messages import absolute_url, kind, templated
from shop.order.models import Order

ORDER_CONFIRMATION = "checkout.order_confirmation"


@kind(ORDER_CONFIRMATION)
def order_confirmation(email):
    order = Order.objects.filter(pk=email.context["order"]).first()
    if order is None:
        return None
    if order.user_id:
        # Oscar's guest lookup finds guest orders only: a customer's is in their account.
        status_path = reverse("customer:order", kwargs={"order_number": order.number})
    else:
        status_path = reverse(
            "customer:anon-order",
            kwargs={"order_number": order.number, "hash": order.verification_hash()},
        )
    context = {
        "order": order,
        "lines": order.lines.all(),
        "discounts": order.basket_discounts,  # offers and coupons, as Oscar recorded them
        "status_url": absolute_url(status_path),
    }
    return templated("checkout_order_confirmation", context, to=email.to)
