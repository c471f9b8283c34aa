"""Staff run the shop from Oscar's dashboard in Chromium: its scripts start (menus,
tabs, the description editor), nothing is refused by the Content-Security-Policy,
and a price and stock changed there show on the product page."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from oscar.apps.partner.models import StockRecord

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_page(browser, live_server):
    get_user_model().objects.create_superuser("staff", "staff@example.com", "a-Long-pass-42")
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems = []
    page.on("pageerror", lambda exc: page.problems.append(f"{page.url}: {exc}"))
    page.on(
        "console",
        lambda msg: msg.type == "error" and page.problems.append(f"{page.url}: {msg.text}"),
    )
    page.goto(reverse("customer:login"))
    form = page.locator("#login_form")
    form.get_by_label("Email address").fill("staff@example.com")
    form.get_by_label("Password").fill("a-Long-pass-42")
    form.get_by_role("button", name="Log In").click()
    page.get_by_role("link", name="Dashboard").wait_for()
    yield page
    context.close()


def test_staff_change_the_wraps_price_and_stock_in_the_dashboard(staff_page, wrap):
    page = staff_page
    page.goto(reverse("dashboard:index"))
    page.get_by_role("button", name="Catalog").click()
    page.get_by_role("link", name="Products", exact=True).click()
    page.wait_for_url(f"**{reverse('dashboard:catalogue-product-list')}")

    page.goto(reverse("dashboard:catalogue-product", kwargs={"pk": wrap.pk}))
    # The description editor (TinyMCE) starts.
    page.locator(".tox-tinymce").first.wait_for()
    page.get_by_role("link", name="Stock and pricing").click()
    stock = page.locator("#id_stockrecords-0-num_in_stock")
    stock.wait_for(state="visible")
    stock.fill("42")
    page.locator("#id_stockrecords-0-price").fill("29.50")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".alert-success").wait_for()

    record = StockRecord.objects.get(product=wrap)
    assert (record.price, record.num_in_stock) == (Decimal("29.50"), 42)
    page.goto(wrap.get_absolute_url())
    assert "$29.50" in page.locator(".product_main").inner_text()
    assert not page.problems, page.problems


def test_an_orders_tabs_open_in_the_dashboard(staff_page, wrap, checkout):
    from oscar.apps.order.models import Order

    checkout.up_to_payment(wrap)
    checkout.place_order()
    order = Order.objects.get()
    page = staff_page
    page.goto(reverse("dashboard:order-detail", kwargs={"number": order.number}))
    for tab, shows in (
        ("Shipping", "#shipping"),
        ("Payment", "#payment"),
        ("Notes", "#notes"),
    ):
        page.get_by_role("tab", name=tab, exact=True).click()
        page.locator(shows).wait_for(state="visible")
    for name in ("dashboard:order-list", "dashboard:voucher-list", "dashboard:index"):
        page.goto(reverse(name))
    assert not page.problems, page.problems
