"""The address book asks for a US address as the checkout does."""

import html5lib
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from oscar.apps.address.models import UserAddress

from tests.support.payments import ADDRESS

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(client, wrap):  # the wrap's loading makes the US the one shipping country
    user = get_user_model().objects.create_user("jo", "jo@example.com", "a-Long-pass-42")
    client.force_login(user)
    return user


def test_the_address_book_asks_for_a_us_address(client, customer):
    url = reverse("customer:address-create")
    page = html5lib.parse(client.get(url).content, namespaceHTMLElements=False)
    labels = [" ".join("".join(label.itertext()).split()) for label in page.iter("label")]
    assert page.find(".//select[@name='state']") is not None
    assert page.find(".//input[@name='line3']") is None
    assert page.find(".//*[@name='country']") is None
    assert any(label.startswith("ZIP code") for label in labels)
    assert not any("Post/Zip-code" in label or "State/County" in label for label in labels)

    fields = {key: value for key, value in ADDRESS.items() if key != "country"}
    bad_zip = client.post(url, {**fields, "postcode": "9720"})
    assert "Enter a zip code in the format XXXXX or XXXXX-XXXX." in bad_zip.content.decode()
    assert client.post(url, fields).status_code == 302
    address = UserAddress.objects.get(user=customer)
    assert (address.state, address.postcode, address.country_id) == ("OR", "97201", "US")
