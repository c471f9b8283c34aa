import json

import pytest
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from blog.models import Comment
from newsletter.models import Consent, Subscriber
from shop.core.mailbox import mailbox
from shop.core.privacy import rendering, services
from shop.customer.models import ProductAlert
from shop.order.models import Order
from tests.blog.conftest import comment_data
from tests.blog.factories import PostFactory
from tests.shop.core.privacy.conftest import long_ago

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
ORDER_TABLES = {"order_shippingaddress", "order_billingaddress"}


def traces(token: str) -> set[tuple[str, str]]:
    """Every (table, column) of text, characters or JSON in the database holding `token`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type IN "
            "('text', 'character varying', 'character', 'json', 'jsonb')"
        )
        columns = cursor.fetchall()
        found = set()
        for table, column in columns:
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 1',  # noqa: S608
                [f"%{token}%"],
            )
            if cursor.fetchone():
                found.add((table, column))
    return found


def test_the_export_has_every_kind_of_record_for_the_address_and_nothing_of_another(person, other):
    data = services.export(mailbox("ZED.QUOKKA@googlemail.com"))
    sections = data["data"]

    comments = sections["comments"]
    assert len(comments) == 2  # two spellings of one mailbox
    assert {c["post"] for c in comments} == {person.comment.post.title}
    assert comments[0]["ip_address"] == "203.0.113.7"
    [subscriber] = sections["newsletter"]
    assert subscriber["consents"][0]["ip_address"] == "203.0.113.8"
    assert subscriber["welcome_code"]["code"] == person.subscriber.voucher.code
    assert subscriber["welcome_code"]["state"] == "unused"
    assert len(sections["orders"]) == 2  # as a guest and signed in
    assert {o["shipping_address"]["last_name"] for o in sections["orders"]} == {"Quokka"}
    assert all(o["lines"] and o["total_incl_tax"] for o in sections["orders"])
    [account] = sections["account"]
    assert account["address_book"][0]["phone_number"] == "+13035550123"

    text = json.dumps(data).lower()
    assert "wombat" not in text and "replier" not in text


@pytest.fixture
def alerts(person, other, wrap):
    """Zed's stock alerts for the wrap, signed in and as a guest (their address
    typed another way), and Ada's, signed in and as a guest."""
    signed_in = ProductAlert.objects.create(product=wrap, user=person.user)
    signed_in.cancel()
    guest = ProductAlert.objects.create(product=wrap, email="ZEDQUOKKA@GoogleMail.com")
    assert guest.key and guest.status == ProductAlert.UNCONFIRMED
    others = [
        ProductAlert.objects.create(product=wrap, user=other.user),
        ProductAlert.objects.create(product=wrap, email="Ada.Wombat@example.org"),
    ]
    return signed_in, guest, others


def test_the_export_lists_the_stock_alerts_of_the_mailbox_without_their_key(alerts, wrap):
    signed_in, guest, others = alerts
    data = services.export(mailbox("zed.quokka@gmail.com"))

    exported = data["data"]["stock alerts"]
    assert [(a["product"], a["status"].split(":")[0]) for a in exported] == [
        (wrap.title, "cancelled"),
        (wrap.title, "not confirmed yet"),
    ]
    assert exported[0]["cancelled"] == signed_in.date_cancelled.isoformat(timespec="seconds")
    assert exported[1]["email"] == "ZEDQUOKKA@GoogleMail.com"
    assert "confirmed" not in exported[1] and "sent" not in exported[1]
    text = rendering.as_text(data)
    assert "== Stock alerts (2) ==" in text and "not confirmed yet" in text
    everything = rendering.as_json(data) + text
    assert guest.key not in everything
    assert all(a.key not in everything for a in others if a.key)
    assert "wombat" not in everything.lower()


def test_erasing_deletes_the_stock_alerts_of_the_mailbox_only(alerts):
    signed_in, guest, others = alerts
    services.erase(mailbox("Zed.Quokka@gmail.com"))
    assert not ProductAlert.objects.filter(pk__in=[signed_in.pk, guest.pk]).exists()
    assert ProductAlert.objects.filter(pk__in=[a.pk for a in others]).count() == 2


def test_erasing_leaves_no_trace_of_the_address_and_the_name_only_on_orders_kept_for_tax(
    person, other
):
    assert traces("quokka") >= {("blog_comment", "email"), ("newsletter_subscriber", "email")}

    outcome = services.erase(mailbox("zed.quokka@gmail.com"))

    # The email address is nowhere; the name and postal address stay on the orders the
    # law makes us keep, and go once their retention period is over.
    assert {table for table, _ in traces("quokka")} <= ORDER_TABLES, traces("quokka")
    assert not traces("zedquokka") and not traces("zed.quokka")
    assert "quokka" not in "\n".join(outcome).lower()
    Order.objects.update(date_placed=long_ago(days=8 * 365))
    services.retention_apply()
    assert traces("quokka") == set()
    assert traces("wombat"), "somebody else's data was erased too"


def test_erased_comments_read_anonymous_and_keep_their_thread(person, client):
    services.erase(mailbox(person.email), remove_text=False)
    comment = Comment.objects.get(pk=person.comment.pk)
    assert (comment.author_name, comment.email, comment.website, comment.ip_address) == (
        "Anonymous",
        "",
        "",
        None,
    )
    assert comment.body == "Thanks, this helped."
    assert comment.replies.get().body == "Same here!"
    page = client.get(comment.post.get_absolute_url()).content.decode()
    assert "Anonymous" in page and "Quokka" not in page and "Same here!" in page


def cached_copies(text: str) -> list[str]:
    """The keys of the (in-memory) caches whose value holds `text`."""
    return [
        key
        for cache in caches.all()
        for key, value in getattr(cache, "_cache", {}).items()
        if text.encode() in value
    ]


def test_erasing_leaves_no_copy_of_the_name_in_the_cached_thread(person, client):
    url = person.comment.post.get_absolute_url()
    assert "Quokka" in client.get(url).content.decode()
    assert cached_copies("Quokka"), "the thread was not cached: this test tests nothing"

    services.erase(mailbox(person.email))

    assert "Quokka" not in client.get(url).content.decode()
    assert cached_copies("Quokka") == []


def test_a_held_comment_shown_to_its_writer_leaves_no_copy_in_the_cache(client, settings, db):
    settings.BLOG_COMMENT_MIN_SECONDS = settings.PAGE_CACHE_SECONDS = 0
    post = PostFactory()
    data = comment_data(post, name="Zed Quokka", email="zed.quokka@gmail.com")
    preview = client.get(client.post(post.get_absolute_url(), data).url).content.decode()
    assert "Zed Quokka" in preview and "awaiting moderation" in preview

    assert cached_copies("Quokka") == []


def test_erasing_can_remove_the_comments_text(person):
    services.erase(mailbox(person.email), remove_text=True)
    assert "Removed at the writer" in Comment.objects.get(pk=person.comment.pk).body_html


def test_erasure_revokes_an_unused_code_keeps_consent_as_proof_and_deletes_the_account(person):
    services.erase(mailbox(person.email))
    subscriber = Subscriber.objects.get(pk=person.subscriber.pk)
    assert subscriber.status == "unsubscribed"
    assert subscriber.email.endswith("@erased.invalid")
    assert subscriber.voucher.end_datetime <= timezone.now()
    consent = Consent.objects.get(subscriber=subscriber)
    assert (consent.text, consent.ip_address) == ("Yes", None)
    assert not type(person.user).objects.filter(pk=person.user.pk).exists()
    assert Order.objects.filter(shipping_address__last_name="Quokka").count() == 2


def test_retention_clears_old_ip_addresses_and_old_orders_once(person, other):
    Comment.objects.filter(pk=person.comment.pk).update(created=long_ago(days=91))
    Consent.objects.filter(subscriber=other.subscriber).update(created=long_ago(days=91))
    old = Order.objects.get(guest_email__iexact="ZedQuokka@gmail.com")
    Order.objects.filter(pk=old.pk).update(date_placed=long_ago(days=8 * 365))

    outcome = services.retention_apply()

    assert Comment.objects.get(pk=person.comment.pk).ip_address is None
    assert Comment.objects.get(pk=other.comment.pk).ip_address == "203.0.113.7"
    assert Consent.objects.get(subscriber=other.subscriber).ip_address is None
    assert Consent.objects.get(subscriber=person.subscriber).ip_address == "203.0.113.8"
    assert "orders: 1 past retention anonymised" in outcome
    order = Order.objects.get(pk=old.pk)
    assert (order.guest_email, order.shipping_address, order.billing_address) == ("", None, None)
    assert order.card_payment.checkout == {}
    assert order.total_incl_tax > 0 and order.lines.exists()  # the sale itself stays
    assert Order.objects.filter(user=person.user).get().shipping_address.last_name == "Quokka"

    assert services.retention_apply() == []  # a second run finds nothing to do
