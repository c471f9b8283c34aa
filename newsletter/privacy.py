"""What the newsletter keeps about a person (subscriber, consents, welcome code),
for shop.core.privacy; the emails sent are the outbox's (shop/core/outbox/privacy.py)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from newsletter.models import Consent, Subscriber
from shop.core.privacy.identity import erased_address
from shop.core.privacy.registry import register


def _iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def voucher_state(voucher) -> str:
    if voucher.num_orders:
        return f"used on {voucher.num_orders} order(s)"
    if voucher.end_datetime <= timezone.now():
        return "expired or revoked, unused"
    return "unused"


def _voucher(voucher) -> dict:
    state = voucher_state(voucher)
    return {"code": voucher.code, "state": state, "ends": _iso(voucher.end_datetime)}


def export_subscriber(box: str) -> list[dict]:
    subscriber = Subscriber.objects.select_related("voucher").filter(email_normalised=box).first()
    if subscriber is None:
        return []
    voucher = subscriber.voucher
    return [
        {
            "email": subscriber.email,
            "status": subscriber.get_status_display(),
            "signed_up": _iso(subscriber.created),
            "confirmed": _iso(subscriber.confirmed),
            "unsubscribed": _iso(subscriber.unsubscribed),
            "consents": [
                {
                    "agreed_to": c.text,
                    "version": c.version,
                    "when": _iso(c.created),
                    "ip_address": c.ip_address,
                    "page": c.source,
                }
                for c in subscriber.consents.order_by("created")
            ],
            "welcome_code": voucher and _voucher(voucher),
        }
    ]


def erase_subscriber(box: str, *, remove_text: bool = False) -> list[str]:
    """Unsubscribed, the address replaced by its one-way key (so the same mailbox
    never gets a second welcome code), consents kept as proof without the IP
    address, an unused code revoked."""
    subscriber = Subscriber.objects.select_related("voucher").filter(email_normalised=box).first()
    if subscriber is None:
        return ["newsletter: no subscriber"]
    now = timezone.now()
    key = erased_address(box)
    Subscriber.objects.filter(pk=subscriber.pk).update(
        email=key,
        email_normalised=key,
        status=Subscriber.Status.UNSUBSCRIBED,
        unsubscribed=subscriber.unsubscribed or now,
    )
    consents = subscriber.consents.update(ip_address=None)
    outcome = [f"newsletter: subscriber unsubscribed and anonymised, {consents} consents too"]
    voucher = subscriber.voucher
    if voucher and not voucher.num_orders and voucher.end_datetime > now:
        voucher.end_datetime = now
        voucher.save(update_fields=["end_datetime"])
        outcome.append("newsletter: unused welcome code revoked")
    return outcome


def clear_old_addresses(now: datetime) -> list[str]:
    cutoff = now - timedelta(days=settings.PRIVACY_IP_RETENTION_DAYS)
    count = (
        Consent.objects.filter(created__lt=cutoff).exclude(ip_address=None).update(ip_address=None)
    )
    return [f"consents: IP address cleared from {count}"] if count else []


def register_keeper() -> None:
    register(
        "newsletter",
        exporter=export_subscriber,
        eraser=erase_subscriber,
        retention=clear_old_addresses,
    )
