from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from oscar.apps.address.models import Country
from oscar.apps.partner.strategy import Selector

from shop.catalogue.models import Product

pytestmark = pytest.mark.django_db


def test_loading_the_catalogue_twice_makes_one_wrap_for_sale_in_the_us():
    call_command("load_site_content")
    call_command("load_site_content")

    wrap = Product.objects.get()
    assert wrap.upc == "SJNJ-ICE-WRAP-01"
    assert wrap.slug == "simplyjnj-cold-therapy-ice-gel-wrap"
    assert wrap.title == "SimplyJnJ Cold Therapy Ice Gel Wrap"
    assert [c.name for c in wrap.categories.all()] == ["Cold Therapy"]
    stock = wrap.stockrecords.get()
    assert (stock.partner.name, stock.price_currency, stock.price) == (
        "SimplyJnJ",
        "USD",
        Decimal("34.00"),
    )
    assert stock.num_in_stock > 0
    assert wrap.images.count() == 1
    assert list(Country.objects.filter(is_shipping_country=True).values_list("pk", flat=True)) == [
        "US"
    ]


def test_prices_are_shown_as_they_are_paid_without_sales_tax(wrap):
    price = Selector().strategy().fetch_for_product(wrap).price

    assert (price.excl_tax, price.incl_tax, price.currency) == (
        Decimal("34.00"),
        Decimal("34.00"),
        "USD",
    )


def test_the_product_page_shows_a_thumbnail_of_the_wrap(client, wrap):
    html = client.get(wrap.get_absolute_url()).content.decode()

    assert "$34.00" in html
    assert "/media/cache/" in html
    assert 'alt="SimplyJnJ Cold Therapy Ice Gel Wrap"' in html


def test_the_product_page_tells_a_shopper_what_they_check_before_buying(client, wrap):
    html = client.get(wrap.get_absolute_url()).content.decode()
    text = " ".join(html.split())
    assert "Standard shipping to US addresses: $5.95, delivered in 3-5 business days." in text
    assert "Free on orders of $50.00 or more." in text
    assert "Returns accepted within 30 days of delivery" in text
    assert "One ice gel wrap in its soft fabric cover" in text
    assert "Secure card payment" in text
    # None of Oscar's developer table.
    for wording in ("UPC", "excl. tax", "incl. tax", "Number of reviews", "Product Type"):
        assert wording not in text


def test_a_shopper_chooses_how_many_to_add_to_the_cart(client, wrap):
    html = client.get(wrap.get_absolute_url()).content.decode()
    assert 'type="number" name="quantity"' in html
    client.post(reverse("basket:add", kwargs={"pk": wrap.pk}), {"quantity": 3})
    assert client.get(reverse("basket:summary")).context["basket"].num_items == 3


def test_listings_show_the_whole_title(client, wrap):
    wrap.title = "SimplyJnJ Cold Therapy Ice Gel Wrap for Hips, Knees and Shoulders"
    wrap.save()
    html = client.get(reverse("catalogue:index")).content.decode()
    assert ">SimplyJnJ Cold Therapy Ice Gel Wrap for Hips, Knees and Shoulders</a></h2>" in html
