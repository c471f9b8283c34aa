"""What the outbox keeps about a person (the emails written to their mailbox, a
refusal of it), for shop.core.privacy."""

from shop.core.outbox.models import Email, Undeliverable
from shop.core.privacy.identity import erased_address
from shop.core.privacy.registry import register


def _iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def export_emails(box: str) -> list[dict]:
    records = [
        {"what": e.kind, "status": e.status, "written": _iso(e.created), "sent": _iso(e.sent_at)}
        for e in Email.objects.filter(mailbox=box).order_by("created")
    ]
    refusal = Undeliverable.objects.filter(address=box).first()
    if refusal:
        records.append({"refused": refusal.reason, "since": _iso(refusal.created)})
    return records


def erase_emails(box: str, *, remove_text: bool = False) -> list[str]:
    """Unsent emails are not sent; every email's address becomes the one-way key."""
    emails = Email.objects.filter(mailbox=box)
    skipped = emails.filter(status=Email.Status.PENDING).update(status=Email.Status.SKIPPED)
    key = erased_address(box)
    count = emails.update(to=key, mailbox=key, last_error="")
    Undeliverable.objects.filter(address=box).delete()
    return [f"emails: {count} anonymised, {skipped} unsent ones cancelled"]


def register_keeper() -> None:
    register("emails", exporter=export_emails, eraser=erase_emails)
