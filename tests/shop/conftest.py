"""Fixtures for the shop: localstripe on a free port, the catalogue, a checkout walker."""

import copy
import re
import subprocess
import sys
from dataclasses import dataclass

import pytest
from django.urls import reverse

from tests.conftest import free_port, wait_for_port

CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000341"
CARD_3DS = "4000002760003184"
ADDRESS = {
    "first_name": "Jo",
    "last_name": "Runner",
    "line1": "12 Trail Road",
    "line4": "Portland",
    "state": "OR",
    "postcode": "97201",
    "country": "US",
}


@pytest.fixture(scope="session")
def localstripe_url():
    """A localstripe server of our own, forgetting everything when the run ends."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "shop.localstripe", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def stripe_api(settings, localstripe_url):
    """Point the site (and this test) at localstripe; returns a Stripe client."""
    from shop.checkout.services import stripe_client

    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_JS_URL = f"{localstripe_url}/js.stripe.com/v3/"
    # The Content-Security-Policy lets the browser load Stripe.js from there.
    directives = copy.deepcopy(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
    for directive in ("script-src", "connect-src", "frame-src"):
        directives[directive].append(localstripe_url)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives}
    return stripe_client()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def wrap(db):
    """The Ice Gel Wrap as `load_site_content` creates it."""
    from shop.content import load_catalogue

    return load_catalogue()


def card_payment_method(client, number: str = CARD_OK) -> str:
    """What Stripe.js does in the browser: turn a card into a PaymentMethod id."""
    card = {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    return client.v1.payment_methods.create(params={"type": "card", "card": card}).id


@dataclass
class Checkout:
    """A shopper walking Oscar's checkout over HTTP with the Django test client."""

    client: object
    stripe: object

    def add(self, product, quantity=1):
        response = self.client.post(
            reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity}
        )
        assert response.status_code == 302, response.content[:500]
        return response

    def as_guest(self, email="jo@example.com"):
        response = self.client.post(
            reverse("checkout:index"), {"username": email, "options": "anonymous"}
        )
        assert response.status_code == 302
        assert response.url == reverse("checkout:shipping-address")

    def ship(self, method="standard", address=ADDRESS):
        response = self.client.post(reverse("checkout:shipping-address"), address)
        assert response.status_code == 302, response.content.decode()[:3000]
        response = self.client.post(reverse("checkout:shipping-method"), {"method_code": method})
        assert response.status_code == 302
        assert response.url == reverse("checkout:payment-method")

    def enter_card(self, number=CARD_OK):
        page = self.client.get(reverse("checkout:payment-details"))
        assert page.status_code == 200
        assert re.search(r'data-setup-secret="seti_\w+"', page.content.decode())
        pm = card_payment_method(self.stripe, number)
        response = self.client.post(reverse("checkout:preview"), {"payment_method": pm})
        assert response.status_code == 302
        assert response.url == reverse("checkout:preview")
        return pm

    def place_order(self):
        return self.client.post(reverse("checkout:preview"), {"action": "place_order"})

    def up_to_payment(self, product, quantity=1, number=CARD_OK, method="standard"):
        self.add(product, quantity)
        self.as_guest()
        self.ship(method)
        return self.enter_card(number)


@pytest.fixture
def checkout(client, stripe_api):
    return Checkout(client, stripe_api)
