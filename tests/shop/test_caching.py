"""Product fragments are cached, yet a price or stock change shows on the next view
that renders the page (the whole-page cache in front is tested in test_page_cache)."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db.models import F
from oscar.apps.partner.models import StockRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def product_info(client, wrap) -> str:
    """The product page's price and availability, beside the cached gallery and facts."""
    html = page(client, wrap.get_absolute_url())
    return html[html.index("product_main") :]


def test_a_new_price_shows_on_the_product_page_and_the_home_page(client, wrap):
    assert "$34.00" in product_info(client, wrap)
    assert "$34.00" in page(client, "/")

    stockrecord = wrap.stockrecords.get()
    stockrecord.price = Decimal("29.50")
    stockrecord.save()

    assert "$29.50" in product_info(client, wrap)
    assert "$34.00" not in product_info(client, wrap)
    assert "$29.50" in page(client, "/")


def test_stock_allocated_by_an_order_shows_at_once(client, wrap):
    """Orders allocate stock with a guarded UPDATE (no save(), no signal): still seen."""
    assert "In stock (100 available)" in product_info(client, wrap)

    StockRecord.objects.filter(product=wrap).update(num_allocated=F("num_in_stock"))

    info = product_info(client, wrap)
    assert "In stock" not in info
    assert "Unavailable" in info


def test_a_restock_shows_at_once(client, wrap):
    StockRecord.objects.filter(product=wrap).update(num_in_stock=0)
    assert "Unavailable" in product_info(client, wrap)

    StockRecord.objects.filter(product=wrap).update(num_in_stock=5)

    assert "In stock (5 available)" in product_info(client, wrap)
