from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.apps.basket.models import Basket
from oscar.apps.order.models import Order
from oscar.apps.voucher.models import Voucher

from shop.checkout.models import CardPayment
from tests.shop.factories import ten_percent_voucher

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def add(client, product, quantity):
    return client.post(
        reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity}, follow=True
    )


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "", "99999999999999999999", "1e3"])
def test_bad_quantities_are_refused_with_a_message(client, wrap, quantity):
    response = add(client, wrap, quantity)

    assert response.status_code == 200
    assert messages_of(response)
    assert not Basket.objects.filter(lines__isnull=False).exists()


def test_more_than_the_stock_cannot_be_added(client, wrap):
    response = add(client, wrap, 101)

    assert any("we have only 100 in stock" in m for m in messages_of(response))
    assert not Basket.objects.filter(lines__isnull=False).exists()


def test_an_out_of_stock_product_cannot_be_bought(client, wrap):
    wrap.stockrecords.update(num_in_stock=0)

    page = client.get(wrap.get_absolute_url())
    response = add(client, wrap, 1)

    assert "Not available" in page.content.decode() or "Unavailable" in page.content.decode()
    assert messages_of(response)
    assert not Basket.objects.filter(lines__isnull=False).exists()


def test_a_missing_product_is_a_404(client):
    response = client.post(reverse("basket:add", kwargs={"pk": 999999}), {"quantity": 1})
    assert response.status_code == 404


def test_another_baskets_line_cannot_be_changed(client, wrap):
    add(client, wrap, 1)
    other = Basket.objects.create()
    other_line = other.lines.create(
        product=wrap, stockrecord=wrap.stockrecords.get(), quantity=1, price_currency="USD"
    )
    mine = Basket.objects.exclude(pk=other.pk).get()
    data = {
        "form-TOTAL_FORMS": 1,
        "form-INITIAL_FORMS": 1,
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
        "form-0-id": other_line.pk,
        "form-0-quantity": 7,
    }
    response = client.post(reverse("basket:summary"), data)

    assert response.status_code in (200, 302)
    other_line.refresh_from_db()
    assert other_line.quantity == 1
    assert mine.lines.get().quantity == 1


def apply_code(client, code):
    return client.post(reverse("basket:vouchers-add"), {"code": code}, follow=True)


def test_a_newsletter_style_voucher_takes_ten_percent_off(client, wrap):
    ten_percent_voucher("WELCOME-ABC123")
    add(client, wrap, 1)

    response = apply_code(client, "welcome-abc123")

    assert "Coupon 'WELCOME-ABC123' applied to your cart." in messages_of(response)
    assert response.context["basket"].total_incl_tax == Decimal("30.60")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        # The project's locale says "coupon" where Oscar's code says voucher.
        ("NOSUCHCODE", "No coupon has the code 'NOSUCHCODE'"),
        ("EXPIRED1", "The coupon 'EXPIRED1' has expired"),
        ("USED1", "This coupon has already been used"),
        ("", "Please enter a coupon code"),
        ("X" * 500, "Please enter a coupon code"),
    ],
)
def test_voucher_problems_get_a_clear_message(client, wrap, code, message):
    ten_percent_voucher("EXPIRED1", expired=True)
    used = ten_percent_voucher("USED1")
    add(client, wrap, 1)
    basket = Basket.objects.get()
    used.applications.create(
        order=Order.objects.create(
            number="1", basket=basket, total_incl_tax=1, total_excl_tax=1, site_id=1
        )
    )

    response = apply_code(client, code)

    assert response.status_code == 200
    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert not Basket.objects.get().vouchers.exists()


def test_a_voucher_is_recorded_as_used_by_the_order(checkout, wrap):
    voucher = ten_percent_voucher("ONCE-ONLY")
    checkout.add(wrap)
    apply_code(checkout.client, "ONCE-ONLY")
    checkout.as_guest()
    checkout.ship()
    checkout.enter_card()

    checkout.place_order()

    order = Order.objects.get()
    assert order.total_incl_tax == Decimal("30.60") + Decimal("5.95")
    assert order.discounts.get().voucher_code == "ONCE-ONLY"
    voucher.refresh_from_db()
    assert voucher.num_orders == 1
    assert voucher.applications.get().order == order
    assert voucher.usage == Voucher.SINGLE_USE


def test_a_voucher_used_meanwhile_gets_a_message_and_no_charge(checkout, wrap):
    voucher = ten_percent_voucher("RACE-1")
    checkout.add(wrap)
    apply_code(checkout.client, "RACE-1")
    checkout.as_guest()
    checkout.ship()
    checkout.enter_card()
    checkout.review()
    # Someone else redeems the same single-use code first.
    basket = Basket.objects.create()
    voucher.applications.create(
        order=Order.objects.create(
            number="9", basket=basket, total_incl_tax=1, total_excl_tax=1, site_id=1
        )
    )

    response = checkout.press_place_order()
    page = checkout.client.get(response.url) if response.status_code == 302 else response

    assert response.url == reverse("basket:summary")
    assert not CardPayment.objects.exists()
    assert not Basket.objects.get(
        pk=checkout.client.get(response.url).context["basket"].pk
    ).vouchers.exists()
    assert any("This coupon has already been used" in m for m in messages_of(page)), messages_of(
        page
    )
