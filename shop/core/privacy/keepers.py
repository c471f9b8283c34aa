"""What the privacy app keeps itself: the requests, and the admin's change log
(which names an object by its str(), an email address for a subscriber)."""

import re

from django.contrib.admin.models import LogEntry

from shop.core.mailbox import mailbox_or_none
from shop.core.privacy import registry
from shop.core.privacy.models import PrivacyRequest

ADDRESS = re.compile(r"[^\s<>()\"',;:]+@[A-Za-z0-9.-]+")


def export_requests(box: str) -> list[dict]:
    return [
        {
            "kind": r.kind,
            "status": r.status,
            "created": r.created.isoformat(timespec="seconds"),
            "completed": r.completed.isoformat(timespec="seconds") if r.completed else None,
        }
        for r in PrivacyRequest.objects.for_mailbox(box).order_by("created")
    ]


def erase_requests(box: str, *, remove_text: bool = False) -> list[str]:
    cleared = PrivacyRequest.objects.for_mailbox(box).exclude(email="").update(email="")
    mentions = [
        entry.pk
        for entry in LogEntry.objects.filter(object_repr__icontains="@")
        if mentions_mailbox(entry.object_repr, box)
    ]
    LogEntry.objects.filter(pk__in=mentions).update(object_repr="(erased)")
    return [f"privacy requests: {cleared} addresses cleared", f"admin log: {len(mentions)} cleared"]


def clear_expired_addresses(now) -> list[str]:
    from shop.core.privacy.services import LINK_MAX_AGE

    expired = PrivacyRequest.objects.filter(created__lt=now - LINK_MAX_AGE).exclude(email="")
    count = expired.update(email="")
    return [f"privacy requests: {count} expired addresses cleared"] if count else []


def mentions_mailbox(text: str, box: str) -> bool:
    return any(mailbox_or_none(found) == box for found in ADDRESS.findall(text))


def register_own() -> None:
    registry.register(
        "privacy requests",
        exporter=export_requests,
        eraser=erase_requests,
        retention=clear_expired_addresses,
    )
