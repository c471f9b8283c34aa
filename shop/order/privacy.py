"""What orders keep about a person, for shop.core.privacy.

Orders are tax records: they are kept ORDER_RETENTION_DAYS after they were placed,
whatever the person asks. Erasure clears their email address at once; names and
postal addresses (what an invoice needs) stay until the period ends, then every
order's personal fields are removed (`anonymise_orders`).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from shop.checkout.models import CardPayment
from shop.core.mailbox import mailbox_or_none, of_mailbox
from shop.core.privacy.registry import register
from shop.order.models import BillingAddress, Order, OrderNote, ShippingAddress

ADDRESS_FIELDS = [
    "title",
    "first_name",
    "last_name",
    "line1",
    "line2",
    "line3",
    "line4",
    "state",
    "postcode",
]


def retention_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.ORDER_RETENTION_DAYS)


def orders_of(box: str) -> list[Order]:
    users = of_mailbox(get_user_model().objects.all(), "email", box)
    guest = of_mailbox(Order.objects.filter(user=None), "guest_email", box)
    by_user = Order.objects.filter(user__in=users)
    return sorted({*guest, *by_user}, key=lambda order: order.date_placed)


def _payments_of(box: str, orders: list[Order]) -> list[CardPayment]:
    domain = box.rpartition("@")[2]
    if domain == "gmail.com":
        domain = "mail.com"  # gmail.com and googlemail.com; the identity rule decides below
    candidates = CardPayment.objects.filter(
        Q(order__in=orders) | Q(checkout__guest_email__icontains=domain)
    )
    return [
        p
        for p in candidates
        if p.order_id in {o.pk for o in orders}
        or mailbox_or_none(str(p.checkout.get("guest_email") or "")) == box
    ]


def _address(address) -> dict | None:
    if address is None:
        return None
    fields = {name: getattr(address, name, "") for name in ADDRESS_FIELDS}
    fields["country"] = str(address.country_id)
    for extra in ("phone_number", "notes"):
        if hasattr(address, extra):
            fields[extra] = str(getattr(address, extra) or "")
    return fields


def export_orders(box: str) -> list[dict]:
    return [
        {
            "number": o.number,
            "placed": o.date_placed.isoformat(timespec="seconds"),
            "status": o.status,
            "email": o.email,
            "currency": o.currency,
            "total_incl_tax": str(o.total_incl_tax),
            "shipping_incl_tax": str(o.shipping_incl_tax),
            "lines": [
                {
                    "product": line.title,
                    "upc": line.upc,
                    "quantity": line.quantity,
                    "price_incl_tax": str(line.line_price_incl_tax),
                }
                for line in o.lines.all()
            ],
            "discounts": [
                {"code": d.voucher_code, "amount": str(d.amount)} for d in o.discounts.all()
            ],
            "shipping_address": _address(o.shipping_address),
            "billing_address": _address(o.billing_address),
            "payments": [
                {"by": s.source_type.name, "amount": str(s.amount_debited), "id": s.reference}
                for s in o.sources.select_related("source_type")
            ],
        }
        for o in orders_of(box)
    ]


def erase_orders(box: str, *, remove_text: bool = False) -> list[str]:
    """The email address goes now; past the retention period, everything personal."""
    orders = orders_of(box)
    payments = _payments_of(box, orders)
    cutoff = retention_cutoff(timezone.now())
    expired = [o.pk for o in orders if o.date_placed < cutoff]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(guest_email="")
    # What a payment kept to place its order is not needed once it is placed or failed;
    # a payment still settling keeps it for a minute or two, until its order exists.
    settled = [p.pk for p in payments if p.status != CardPayment.Status.PENDING]
    CardPayment.objects.filter(pk__in=settled).update(checkout={}, user=None)
    anonymised = _anonymise(expired)
    kept = len(orders) - anonymised
    return [
        f"orders: {len(orders)} without email address, {anonymised} anonymised, "
        f"{kept} kept with name and postal address until "
        f"{settings.ORDER_RETENTION_DAYS} days after they were placed"
    ]


def _anonymise(order_ids: list[int]) -> int:
    orders = Order.objects.filter(pk__in=order_ids)
    shipping = list(orders.values_list("shipping_address_id", flat=True))
    billing = list(orders.values_list("billing_address_id", flat=True))
    count = orders.update(user=None, guest_email="", shipping_address=None, billing_address=None)
    ShippingAddress.objects.filter(pk__in=shipping).delete()
    BillingAddress.objects.filter(pk__in=billing).delete()
    OrderNote.objects.filter(order__in=order_ids).delete()
    CardPayment.objects.filter(order__in=order_ids).update(user=None, checkout={})
    return count


def anonymise_orders(now: datetime) -> list[str]:
    """Orders past the retention period lose every personal field. Idempotent: an
    anonymised order has nothing left to match."""
    cutoff = retention_cutoff(now)
    personal = (
        Q(user__isnull=False)
        | ~Q(guest_email="")
        | Q(shipping_address__isnull=False)
        | Q(billing_address__isnull=False)
    )
    ids = list(Order.objects.filter(personal, date_placed__lt=cutoff).values_list("pk", flat=True))
    stale = CardPayment.objects.filter(order=None, created_at__lt=cutoff).exclude(checkout={})
    payments = stale.update(user=None, checkout={})
    count = _anonymise(ids)
    outcome = [f"orders: {count} past retention anonymised"] if count else []
    return outcome + ([f"card payments: {payments} old checkouts cleared"] if payments else [])


def register_keeper() -> None:
    register("orders", exporter=export_orders, eraser=erase_orders, retention=anonymise_orders)
