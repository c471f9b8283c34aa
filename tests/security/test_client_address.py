"""Who the client is, behind a proxy and without one (spoofed headers)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from newsletter.models import Subscriber
from shop.core.client import client_address, client_network
from tests.newsletter.conftest import signup_data

pytestmark = pytest.mark.django_db
SIGNUP = reverse("newsletter:signup")


def request(**meta):
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    "trusted, meta, expected",
    [
        # No trusted proxy: the header is anybody's claim and is ignored.
        ([], {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, "203.0.113.5"),
        # One proxy: the entry it appended, whatever the client claimed before it.
        (1, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "203.0.113.5"),
        (
            1,
            {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5"},
            "203.0.113.5",
        ),
        # Two proxies (a load balancer, then nginx).
        (
            2,
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5, 10.0.0.1"},
            "203.0.113.5",
        ),
        # Proxies by network: the right-most hop that is not one of ours.
        (
            ["10.0.0.0/8", "127.0.0.1"],
            {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5, 10.1.2.3"},
            "203.0.113.5",
        ),
        # A peer that is not a proxy of ours: its header is not believed.
        (
            ["10.0.0.0/8"],
            {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "6.6.6.6"},
            "203.0.113.5",
        ),
        # Garbage where the client should be: nobody we can name.
        (1, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-ip"}, None),
        # IPv4 seen through an IPv6 socket is the IPv4 address.
        ([], {"REMOTE_ADDR": "::ffff:203.0.113.5"}, "203.0.113.5"),
    ],
)
def test_the_client_is_the_right_most_hop_no_trusted_proxy_added(settings, trusted, meta, expected):
    settings.TRUSTED_PROXIES = trusted
    assert client_address(request(**meta)) == expected


def test_ipv6_clients_are_counted_by_their_64(settings):
    settings.TRUSTED_PROXIES = []
    one = client_network(request(REMOTE_ADDR="2001:db8:1:2::1"))
    other = client_network(request(REMOTE_ADDR="2001:db8:1:2:ffff::9"))
    assert one == other == "2001:db8:1:2::/64"


def test_behind_the_proxy_one_client_exhausting_signups_leaves_another_alone(client, behind_proxy):
    for n in range(10):
        response = client.post(
            SIGNUP, signup_data(f"a{n}@example.com"), **behind_proxy("203.0.113.5")
        )
        assert response.status_code == 200
    # Claiming to be someone else in the header changes nothing: nginx appends the truth.
    spoofed = behind_proxy("203.0.113.5", claimed="198.51.100.7")
    assert client.post(SIGNUP, signup_data("a10@example.com"), **spoofed).status_code == 429

    other = client.post(SIGNUP, signup_data("b@example.com"), **behind_proxy("198.51.100.7"))
    assert other.status_code == 200
    consent = Subscriber.objects.get(email="b@example.com").consents.get()
    assert consent.ip_address == "198.51.100.7"  # not the proxy's address


def test_behind_the_proxy_one_client_exhausting_voucher_tries_leaves_another_alone(
    client, behind_proxy
):
    def try_code(browser, who):
        return browser.post(reverse("basket:vouchers-add"), {"code": "GUESS-0000"}, **who)

    attacker = behind_proxy("203.0.113.5")
    for _ in range(10):
        assert try_code(client, attacker).status_code == 302
    assert try_code(client, attacker).status_code == 429

    assert try_code(Client(), behind_proxy("198.51.100.7")).status_code == 302


def test_a_direct_client_cannot_spoof_its_address_with_headers(client, settings):
    settings.TRUSTED_PROXIES = []  # the default: nothing in front of the site
    for n in range(11):
        response = client.post(
            SIGNUP,
            signup_data(f"c{n}@example.com"),
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            HTTP_X_REAL_IP=f"198.51.100.{n}",
            HTTP_CLIENT_IP=f"198.51.100.{n}",
        )
    assert response.status_code == 429
    assert {c.ip_address for s in Subscriber.objects.all() for c in s.consents.all()} == {
        "203.0.113.5"
    }
