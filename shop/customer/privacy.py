"""What accounts keep about a person (profile, address book, reviews, alerts,
sign-in records), for shop.core.privacy. Erasing deletes the account, as Oscar's
"Delete profile" does; its orders are the order app's (shop/order/privacy.py).
Stock alerts ("email me when it is back in stock") are exported in a section of
their own: a visitor can ask for one without an account."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model

from shop.core.mailbox import of_mailbox
from shop.core.privacy.registry import register
from shop.customer.models import ProductAlert


def _iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _users(box: str) -> list:
    return of_mailbox(get_user_model().objects.all(), "email", box)


def _guest_alerts(box: str) -> list[ProductAlert]:
    return of_mailbox(ProductAlert.objects.filter(user=None), "email", box)


# Oscar's alert statuses, in a shopper's words.
ALERT_STATUS = {
    ProductAlert.UNCONFIRMED: "not confirmed yet: waiting for you to open the link we emailed",
    ProductAlert.ACTIVE: "active: we will email you when it is back in stock",
    ProductAlert.CANCELLED: "cancelled: we will not email you about it",
    ProductAlert.CLOSED: "done: we emailed you that it was back in stock",
}


def export_accounts(box: str) -> list[dict]:
    return [
        {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "joined": _iso(user.date_joined),
            "last_sign_in": _iso(user.last_login),
            "address_book": [
                {
                    "name": address.name,
                    "address": address.summary,
                    "phone_number": str(address.phone_number or ""),
                    "notes": address.notes,
                }
                for address in user.addresses.all()
            ],
            "reviews": [
                {
                    "product": r.product.title if r.product else None,
                    "title": r.title,
                    "review": r.body,
                    "score": r.score,
                    "written": _iso(r.date_created),
                }
                for r in user.reviews.select_related("product")
            ],
        }
        for user in _users(box)
    ]


def export_alerts(box: str) -> list[dict]:
    """Every stock alert of the mailbox, with or without an account; never its key
    (the secret in its confirm and cancel links)."""
    by_user = ProductAlert.objects.filter(user__in=_users(box)).select_related("product", "user")
    alerts = sorted([*by_user, *_guest_alerts(box)], key=lambda a: a.date_created)
    return [_alert(alert) for alert in alerts]


def _alert(alert: ProductAlert) -> dict:
    record = {
        "product": alert.product.get_title(),
        "email": alert.get_email_address(),
        "status": ALERT_STATUS.get(alert.status, alert.get_status_display()),
        "created": _iso(alert.date_created),
    }
    for label, moment in (
        ("confirmed", alert.date_confirmed),
        ("cancelled", alert.date_cancelled),
        ("sent", alert.date_closed),  # Oscar closes an alert once it has sent its email
    ):
        if moment:
            record[label] = _iso(moment)
    return record


def erase_accounts(box: str, *, remove_text: bool = False) -> list[str]:
    users = _users(box)
    staff = [user for user in users if user.is_staff or user.is_superuser]
    for user in users:
        if user not in staff:
            user.delete()  # with its address book, reviews, wishlists, alerts, baskets
    alerts = _guest_alerts(box)
    ProductAlert.objects.filter(pk__in=[a.pk for a in alerts]).delete()
    sign_ins = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        rows = of_mailbox(model.objects.exclude(username=None), "username", box)
        sign_ins += model.objects.filter(pk__in=[r.pk for r in rows]).delete()[0]
    outcome = [
        f"accounts: {len(users) - len(staff)} deleted",
        f"sign-in records: {sign_ins} deleted",
    ]
    if staff:
        outcome.append(f"accounts: {len(staff)} staff account kept: staff remove it by hand")
    return outcome


def register_keeper() -> None:
    register("account", exporter=export_accounts, eraser=erase_accounts)
    # Erased with the accounts above: an account's alerts go with it, the others by address.
    register("stock alerts", exporter=export_alerts)
