"""Pages with a visitor's own data are never stored by a shared cache; anonymous
pages still are (the page cache serves them)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from oscar.test.factories import create_product

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.fixture
def shopper(client):
    product = create_product(num_in_stock=5)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    return client


def test_basket_and_checkout_are_private(shopper):
    for url in [reverse("basket:summary"), reverse("checkout:index")]:
        response = shopper.get(url)
        assert response.status_code in (200, 302)
        assert no_store(response), url


def test_account_and_dashboard_pages_are_private(client):
    staff = get_user_model().objects.create_superuser("s", "s@example.com", "pw")
    client.force_login(staff)
    for url in [
        reverse("customer:profile-view"),
        reverse("customer:order-list"),
        reverse("dashboard:index"),
        reverse("home"),  # any page for a signed-in visitor: it names them
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url
    assert no_store(Client().get(reverse("customer:login")))


def test_anonymous_pages_stay_cacheable(settings):
    settings.PAGE_CACHE_SECONDS = 60
    product = create_product(num_in_stock=5)
    visitor = Client()
    response = visitor.get(product.get_absolute_url())
    assert response.status_code == 200
    assert not no_store(response)
