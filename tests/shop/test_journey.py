"""The whole shopper journey over HTTP, on PostgreSQL, Redis, a real worker and localstripe."""

import pytest
from django.urls import reverse
from oscar.apps.order.models import Order

from shop.core.outbox.models import Email
from tests.support.services import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_a_guest_buys_the_wrap_and_gets_the_confirmation_email(
    checkout, wrap, celery_worker, smtp_sink
):
    page = checkout.client.get(wrap.get_absolute_url())
    assert page.status_code == 200
    assert "SimplyJnJ Cold Therapy Ice Gel Wrap" in page.content.decode()
    assert "$34.00" in page.content.decode()

    checkout.up_to_payment(wrap, quantity=2)
    preview = checkout.client.get(reverse("checkout:preview"))
    assert "$73.95" in preview.content.decode()
    response = checkout.place_order()
    assert response.url == reverse("checkout:thank-you")

    order = Order.objects.get()
    assert order.status == "Paid"
    assert order.sources.get().amount_debited == order.total_incl_tax
    stock = wrap.stockrecords.get()
    assert stock.net_stock_level == 100 - 2
    thanks = checkout.client.get(response.url).content.decode()
    assert order.number in thanks

    (email,) = smtp_sink.wait_for(1)
    assert email["To"] == "jo@example.com"
    assert order.number in email["Subject"]
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert "2 x SimplyJnJ Cold Therapy Ice Gel Wrap" in text
    assert "$73.95" in text and "$73.95" in html
    # Recorded once sent, so that a second run of the task sends nothing.
    wait_until(
        lambda: Email.objects.filter(key=f"order:{order.pk}", status="sent").exists(),
        what="the email recorded",
    )
