"""The privacy workflows: a request by email, its confirmation, export and erasure,
and the retention rules. Each app's part is in the registry (registry.py)."""

import logging
from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone

from shop.core.mailbox import mailbox
from shop.core.outbox import services as outbox
from shop.core.privacy import registry
from shop.core.privacy.identity import mailbox_key
from shop.core.privacy.models import PrivacyRequest

logger = logging.getLogger(__name__)

# How long the link in a request's email works.
LINK_MAX_AGE = timedelta(days=1)
_SALT = "shop.core.privacy.request"


class LinkError(Exception):
    status = 400
    message = "This link is not valid. Please copy the whole link from the email."


class LinkExpired(LinkError):
    status = 410
    message = "This link has expired. Ask again on the privacy page and we will send a fresh one."


class AlreadyErased(LinkError):
    status = 409
    message = "This link has been used: the data we kept for this address is erased."


# --- Requests by email ----------------------------------------------------------------


@transaction.atomic
def request_create(*, email: str, kind: str) -> PrivacyRequest:
    """Record a request and email its link once the transaction commits. The same
    whatever the address: the link tells the mailbox's owner what we keep, and nobody else."""
    from shop.core.privacy.emails import REQUEST_LINK

    privacy_request = PrivacyRequest.objects.create(
        kind=kind, email=email, mailbox_key=mailbox_key(mailbox(email))
    )
    outbox.enqueue(kind=REQUEST_LINK, to=email, context={"request": privacy_request.pk})
    return privacy_request


def link_token(privacy_request: PrivacyRequest) -> str:
    return signing.dumps(privacy_request.pk, salt=_SALT)


def read_link(token: str, *, lock: bool = False) -> PrivacyRequest:
    """The request a link is for; raises LinkError if it is not valid any more."""
    try:
        pk = signing.loads(token, salt=_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkError from exc
    requests = PrivacyRequest.objects.select_for_update() if lock else PrivacyRequest.objects
    privacy_request = requests.filter(pk=pk).first() if isinstance(pk, int) else None
    if privacy_request is None:
        raise LinkError
    if privacy_request.kind == PrivacyRequest.Kind.ERASE and privacy_request.status == "done":
        raise AlreadyErased
    if not privacy_request.email:  # erased since, or cleared once its link expired
        raise LinkExpired
    return privacy_request


@transaction.atomic
def export_confirm(*, token: str) -> dict:
    """The confirmed export of a link's address (the link works until it expires)."""
    privacy_request = read_link(token, lock=True)
    data = export(mailbox(privacy_request.email))
    _done(privacy_request, _export_outcome(data))
    return data


@transaction.atomic
def erase_confirm(*, token: str, remove_text: bool = False) -> list[str]:
    """Erase what the link's address has left here; returns what was done."""
    privacy_request = read_link(token, lock=True)
    outcome = erase(mailbox(privacy_request.email), remove_text=remove_text)
    _done(privacy_request, outcome)
    return outcome


@transaction.atomic
def run(*, email: str, kind: str, staff_user=None, remove_text: bool = False):
    """Export or erase at once: for a person who asked staff by other means, or
    who deletes their own profile. Logged like a request by email."""
    box = mailbox(email)
    privacy_request = PrivacyRequest.objects.create(
        kind=kind, mailbox_key=mailbox_key(box), requested_by_staff=staff_user
    )
    if kind == PrivacyRequest.Kind.EXPORT:
        result = export(box)
        _done(privacy_request, _export_outcome(result))
    else:
        result = erase(box, remove_text=remove_text)
        _done(privacy_request, result)
    return result


def _done(privacy_request: PrivacyRequest, outcome: list[str]) -> None:
    if privacy_request.kind == PrivacyRequest.Kind.ERASE:
        privacy_request.email = ""  # cleared by the eraser already; this row may be new
    privacy_request.status = PrivacyRequest.Status.DONE
    privacy_request.completed = privacy_request.completed or timezone.now()
    privacy_request.outcome = "\n".join(outcome) or "Nothing was kept for this address."
    privacy_request.save()
    logger.info(
        "Privacy %s request %s done: %s",
        privacy_request.kind,
        privacy_request.pk,
        "; ".join(outcome),
    )


# --- Export, erasure, retention ---------------------------------------------------------


def export(box: str) -> dict:
    """Everything tied to a normalised address, by kind, as JSON-able data."""
    sections = {
        keeper.name: keeper.exporter(box) for keeper in registry.keepers() if keeper.exporter
    }
    return {
        "address": box,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "data": sections,
    }


def _export_outcome(data: dict) -> list[str]:
    return [f"{name}: {len(records)} exported" for name, records in data["data"].items()]


@transaction.atomic
def erase(box: str, *, remove_text: bool = False) -> list[str]:
    """Erase (or anonymise, where a record must stay) everything tied to an address.
    Returns what was done, in words that hold none of the erased data."""
    outcome = []
    for keeper in registry.keepers():
        if keeper.eraser:
            outcome += keeper.eraser(box, remove_text=remove_text)
    return outcome


def retention_apply(now=None) -> list[str]:
    """Clear what has been kept long enough (IP addresses, old orders' personal
    fields, expired requests' addresses). Running it again changes nothing more."""
    now = now or timezone.now()
    outcome = []
    for keeper in registry.keepers():
        if keeper.retention:
            with transaction.atomic():
                outcome += keeper.retention(now)
    if outcome:
        logger.info("Privacy retention: %s", "; ".join(outcome))
    return outcome
