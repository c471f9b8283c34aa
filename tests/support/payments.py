"""Card payments in tests: localstripe on a free port, and a shopper walking the
site's checkout over HTTP with the Django test client."""

import copy
import json
import re
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.urls import reverse

from tests.support.services import free_port, wait_for_port

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


@contextmanager
def localstripe(port: int):
    """A localstripe server on `port`, as `make run` starts it; stopped on leaving."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "shop.localstripe", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="session")
def _localstripe_server():
    """A localstripe server of this test process, forgetting everything when it ends."""
    port = free_port()
    with localstripe(port):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def localstripe_url(_localstripe_server):
    """The URL of this test process's localstripe (one server, even where a conftest
    imports this fixture again)."""
    return _localstripe_server


@pytest.fixture
def stripe_api(settings, localstripe_url):
    """Point the site (and this test) at localstripe; returns a Stripe client."""
    from shop.checkout.payments import stripe_client

    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_JS_URL = f"{localstripe_url}/js.stripe.com/v3/"
    # The Content-Security-Policy lets the browser load Stripe.js from there.
    directives = copy.deepcopy(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
    for directive in ("script-src", "connect-src", "frame-src"):
        directives[directive].append(localstripe_url)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives}
    return stripe_client()


def card_payment_method(client, number: str = CARD_OK) -> str:
    """A PaymentMethod made on the server, set up through no SetupIntent of ours."""
    card = {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    return client.v1.payment_methods.create(params={"type": "card", "card": card}).id


def confirm_card_setup(setup_secret: str, number: str = CARD_OK) -> str:
    """What Stripe.js's confirmCardSetup does in the browser with the card form:
    the card is set up through our SetupIntent (3-D Secure accepted when asked);
    returns the PaymentMethod id the page then posts to us."""
    import requests
    from django.conf import settings

    intent_id = setup_secret.split("_secret_")[0]
    url = f"{settings.STRIPE_API_BASE}/v1/setup_intents/{intent_id}/confirm"
    auth = {"key": settings.STRIPE_PUBLISHABLE_KEY, "client_secret": setup_secret}
    card = {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    body = {**auth, "payment_method_data": {"type": "card", "card": card}}
    intent = requests.post(url, data=json.dumps(body), timeout=10).json()
    if intent.get("status") == "requires_action":
        intent = requests.post(url, data=json.dumps(auth), timeout=10).json()
    assert intent.get("status") == "succeeded", intent
    return intent["payment_method"]


def charged_intents(client, basket_id) -> list:
    """The PaymentIntents that charged a card for this basket (localstripe keeps
    every test's payments, so they are told apart by the basket in their metadata)."""
    return [
        intent
        for intent in client.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
        if intent.metadata.to_dict().get("basket") == str(basket_id)
        and intent.status == "succeeded"
    ]


@dataclass
class Checkout:
    """A shopper walking the site's checkout over HTTP with the Django test client."""

    client: object
    stripe: object

    def add(self, product, quantity=1):
        response = self.client.post(
            reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity}
        )
        assert response.status_code == 302, response.content[:500]
        return response

    def apply_code(self, code: str):
        """Enter a voucher code in the basket, as the shopper does."""
        response = self.client.post(reverse("basket:vouchers-add"), {"code": code})
        assert response.status_code == 302, response.content[:500]
        return response

    def basket(self):
        return self.client.get(reverse("basket:summary")).context["basket"]

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
        setup_secret = re.search(r'data-setup-secret="(seti_\w+)"', page.content.decode())[1]
        pm = confirm_card_setup(setup_secret, number)
        response = self.client.post(reverse("checkout:preview"), {"payment_method": pm})
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response.url == reverse("checkout:preview")
        return pm

    def review(self):
        """Open the review page, whose form "Place order" sends."""
        preview = self.client.get(reverse("checkout:preview"))
        basket = re.search(r'name="basket" value="([^"]+)"', preview.content.decode())
        self.place_order_form = {
            "action": "place_order",
            **({"basket": basket[1]} if basket else {}),
        }
        return preview

    def press_place_order(self):
        """Send the review page's form (again, after a second click or the back button)."""
        return self.client.post(reverse("checkout:preview"), self.place_order_form)

    def place_order(self):
        self.review()
        return self.press_place_order()

    def up_to_payment(
        self, product, quantity=1, number=CARD_OK, method="standard", email="jo@example.com"
    ):
        self.add(product, quantity)
        self.as_guest(email)
        self.ship(method)
        return self.enter_card(number)


@pytest.fixture
def checkout(client, stripe_api):
    return Checkout(client, stripe_api)
