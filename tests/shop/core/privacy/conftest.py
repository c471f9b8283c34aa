"""A person with every kind of record the shop keeps, under several spellings of
one address, and somebody else beside them."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from oscar.apps.address.models import Country, UserAddress
from oscar.test.factories import create_order

from blog.models import Comment
from newsletter.models import Consent, Subscriber
from newsletter.services import welcome_voucher_create
from shop.checkout.models import CardPayment
from shop.core.outbox.models import Email
from shop.order.models import BillingAddress, ShippingAddress
from tests.blog.factories import CommentFactory, PostFactory


@dataclass
class Person:
    token: str  # in every value tied to them: the grep looks for it
    email: str  # as typed in the newsletter box
    comment: Comment
    subscriber: Subscriber
    user: object


def _address(model, first: str, last: str, **extra):
    country, _ = Country.objects.get_or_create(
        iso_3166_1_a2="US", defaults={"name": "United States", "printable_name": "United States"}
    )
    return model.objects.create(
        first_name=first,
        last_name=last,
        line1=f"1 {last} Lane",
        line4="Boulder",
        state="CO",
        postcode="80301",
        country=country,
        **extra,
    )


def make_person(first: str, last: str, *, domain: str = "gmail.com") -> Person:
    """`last` is their token: it appears in their name and addresses only."""
    low = last.lower()
    post = PostFactory()
    comment = CommentFactory(
        post=post,
        author_name=f"{first} {last}",
        email=f"{first}.{last}+blog@{domain}",
        website=f"https://{low}.example",
        ip_address="203.0.113.7",
        user_agent="Firefox",
    )
    CommentFactory(
        post=post,
        parent=comment,
        author_name="Reply Person",
        email="replier@example.net",
        body="Same here!",
    )
    # Another spelling of the same mailbox (Gmail ignores dots, case and +tags).
    CommentFactory(post=post, author_name=first, email=f"{first}{last}@{domain}".upper())

    subscriber = Subscriber.objects.create(
        email=f"{first}.{last}@{domain}", status="confirmed", voucher=welcome_voucher_create()
    )
    Consent.objects.create(
        subscriber=subscriber, text="Yes", version="1", ip_address="203.0.113.8", source="/"
    )
    Email.objects.create(
        kind="newsletter.coupon",
        to=subscriber.email,
        context={"subscriber": subscriber.pk},
        status="failed",
        last_error=f"550 <{first}.{last}@{domain}> mailbox full",
    )

    user = get_user_model().objects.create_user(
        username=f"u-{low}"[:30],
        email=f"{first}.{last}+shop@{domain}",
        password="a long enough password",
        first_name=first,
        last_name=last,
    )
    _address(UserAddress, first, last, user=user, phone_number="+13035550123")
    create_order(
        user=user,
        shipping_address=_address(ShippingAddress, first, last),
        billing_address=_address(BillingAddress, first, last),
    )
    guest = create_order(
        guest_email=f"{first}{last}@{domain}",
        shipping_address=_address(ShippingAddress, first, last, notes=f"Ring {last}"),
        billing_address=_address(BillingAddress, first, last),
    )
    CardPayment.objects.create(
        order=guest,
        order_number=guest.number,
        intent_id=f"pi_test_{first}",
        amount=guest.total_incl_tax,
        currency="USD",
        status="paid",
        checkout={
            "guest_email": f"{first}{last}@{domain}",
            "shipping_address": {"first_name": first, "last_name": last},
        },
    )
    AccessAttempt.objects.create(
        username=f"{first}.{last}@{domain}".lower(),
        ip_address="203.0.113.9",
        user_agent="x",
        failures_since_start=1,
    )
    LogEntry.objects.create(
        action_flag=ADDITION,
        object_repr=subscriber.email,
        object_id=str(subscriber.pk),
        content_type=ContentType.objects.get_for_model(Subscriber),
        user=get_user_model().objects.create_user(
            username=f"staff-{first}", email=f"staff-{first[:3]}@simplyjnj.example"
        ),
    )
    return Person(low, subscriber.email, comment, subscriber, user)


@pytest.fixture
def person(db, settings):
    settings.PAGE_CACHE_SECONDS = 0
    return make_person("Zed", "Quokka")


@pytest.fixture
def other(db):
    return make_person("Ada", "Wombat", domain="example.org")


def long_ago(days: int):
    return timezone.now() - timedelta(days=days)
