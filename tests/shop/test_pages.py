import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_brand_and_navigation(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "SimplyJnJ" in html
    assert "Health products for a speedy recovery" in html
    assert reverse("catalogue:index") in html
    assert reverse("basket:summary") in html


def test_oscar_pages_share_the_site_header(client):
    response = client.get(reverse("basket:summary"))
    assert response.status_code == 200
    assert "Health products for a speedy recovery" in response.content.decode()


def test_loading_site_content_twice_changes_nothing(settings):
    from django.contrib.sites.models import Site

    call_command("load_site_content")
    first = list(Site.objects.values())
    call_command("load_site_content")
    assert list(Site.objects.values()) == first
    assert first[0]["name"] == "SimplyJnJ"


def test_health_check_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_account_pages_head_themselves_with_their_own_title(client):
    import html5lib
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("p", "p@example.com", "a-Long-pass-42")
    client.force_login(user)
    for name, heading in (
        ("customer:profile-view", "Profile"),
        ("customer:order-list", "Order History"),
    ):
        document = html5lib.parse(client.get(reverse(name)).content, namespaceHTMLElements=False)
        assert "".join(document.find(".//h1").itertext()).strip() == heading
        crumb = document.find(".//li[@aria-current='page']")
        assert "".join(crumb.itertext()).strip().casefold() == heading.casefold()
        assert document.find(".//title").text.startswith(f"{heading} | Account")


def test_the_order_status_link_asks_for_the_email_then_shows_the_order(client, checkout, wrap):
    import html5lib
    from oscar.apps.order.models import Order

    checkout.up_to_payment(wrap)
    checkout.place_order()
    order = Order.objects.get()
    url = reverse(
        "customer:anon-order",
        kwargs={"order_number": order.number, "hash": order.verification_hash()},
    )
    visitor = type(client)()
    form_page = visitor.get(url, follow=True)
    document = html5lib.parse(form_page.content, namespaceHTMLElements=False)
    assert "".join(document.find(".//h1").itertext()).strip() == f"See your order {order.number}"
    assert document.find(".//form[@id='anon_order_form']") is not None

    wrong = visitor.post(form_page.request["PATH_INFO"], {"email": "someone@example.com"})
    assert wrong.status_code == 200
    assert "Order not found" in wrong.content.decode()

    shown = visitor.post(form_page.request["PATH_INFO"], {"email": order.guest_email}, follow=True)
    html = shown.content.decode()
    assert f"Order {order.number}" in html
    assert wrap.get_title() in html
    assert "$39.95" in html  # the wrap and standard shipping
    assert "excl. tax" not in html and "inc. tax" not in html


def test_every_page_has_a_search_box_and_the_footer_links(client):
    call_command("load_site_content")
    html = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("search:search")}"' in html
    assert 'role="search"' in html
    for path in ("/blog/", "/shipping-returns/", "/privacy/", "/contact/", "/about/"):
        assert f'href="{path}"' in html
    for path, heading in (
        ("/shipping-returns/", "Shipping and returns"),
        ("/contact/", "Contact us"),
        ("/about/", "About SimplyJnJ"),
    ):
        page = client.get(path)
        assert page.status_code == 200
        assert f"<h1>{heading}</h1>" in " ".join(page.content.decode().split()).replace(
            "<h1> ", "<h1>"
        ).replace(" </h1>", "</h1>")
    assert "$5.95" in client.get("/shipping-returns/").content.decode()


def test_staff_edits_to_the_footer_pages_survive_loading_the_content_again():
    from django.contrib.flatpages.models import FlatPage

    call_command("load_site_content")
    FlatPage.objects.filter(url="/about/").update(content="<p>Our own words.</p>")
    call_command("load_site_content")
    assert FlatPage.objects.get(url="/about/").content == "<p>Our own words.</p>"
