import re

import pytest
from django.template import RequestContext, Template
from django.urls import reverse

from newsletter.models import Consent, Subscriber
from shop.core.outbox.models import Email
from tests.newsletter.conftest import signup_data
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
URL = reverse("newsletter:signup")
# Per-request values that say nothing about the address: the CSRF token and the CSP nonce.
PER_REQUEST = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')


def test_the_signup_box_is_on_every_page_with_the_seed_wording(client, wrap):
    for url in [reverse("home"), reverse("catalogue:index"), reverse("basket:summary")]:
        html = client.get(url).content.decode()
        assert "Save 10% Off Our Products" in html
        assert "You will also receive a coupon for 10% off any of our products." in html
        assert 'action="/newsletter/"' in html
        assert 'type="checkbox" name="consent"' in html
        assert 'name="website"' in html  # the honeypot


def test_the_box_can_be_included_anywhere_twice_and_costs_no_query(rf, django_assert_num_queries):
    page = Template(
        '{% include "includes/newsletter_signup.html" with box="article" %}'
        '{% include "includes/newsletter_signup.html" %}'
    )
    request = rf.get("/blog/why-do-i-have-hip-pain-after-running/")
    with django_assert_num_queries(0):
        html = page.render(RequestContext(request))
    assert html.count("Save 10% Off Our Products") == 2
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "element ids repeat"
    assert 'value="/blog/why-do-i-have-hip-pain-after-running/"' in html
    for field_id in re.findall(r'<input[^>]*id="([^"]+)"', html):
        assert f'for="{field_id}"' in html, f"{field_id} has no label"


def test_the_box_tag_shows_the_box_once_a_page(rf):
    """An article shows the box in its body; the footer's box then stands back."""
    page = Template('{% load newsletter_tags %}{% newsletter_box "article" %}{% newsletter_box %}')
    html = page.render(RequestContext(rf.get("/blog/why-do-i-have-hip-pain-after-running/")))
    assert html.count("Save 10% Off Our Products") == 1
    assert "newsletter-signup--article" in html
    assert "newsletter-signup--footer" not in html
    # Each page is rendered with a context of its own: the next one shows the box again.
    assert "newsletter-signup--footer" in Template(
        "{% load newsletter_tags %}{% newsletter_box %}"
    ).render(RequestContext(rf.get("/")))


def test_the_newsletter_pages_offer_no_second_box(client):
    pages = {
        "the form": client.get(URL),
        "the form with its error": client.post(URL, signup_data("box@example.com", consent="")),
        "check your inbox": client.post(URL, signup_data("box@example.com")),
    }
    forms = {name: r.content.decode().count('name="consent"') for name, r in pages.items()}
    assert forms == {"the form": 1, "the form with its error": 1, "check your inbox": 0}


def test_signup_saves_a_pending_subscriber_with_consent_and_queues_the_confirm_email(
    client, django_capture_on_commit_callbacks, celery_eager, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, signup_data("Runner@Example.com", source="/blog/hip-pain/"))

    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("Runner@Example.com", "pending")
    consent = Consent.objects.get()
    assert consent.subscriber == subscriber
    assert consent.source == "/blog/hip-pain/"
    assert consent.ip_address == "127.0.0.1"
    assert "unsubscribe at any time" in consent.text
    assert [m.to for m in mailoutbox] == [["Runner@Example.com"]]
    assert "/newsletter/confirm/" in mailoutbox[0].body
    assert mailoutbox[0].alternatives[0].mimetype == "text/html"


def test_with_javascript_the_answer_comes_as_json(client):
    response = client.post(URL, signup_data("a@example.com"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["message"].startswith("Check your inbox")

    response = client.post(URL, signup_data("nope"), HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "valid email address" in response.json()["errors"]["email"][0]


def test_the_answer_is_the_same_whatever_the_state_of_the_address(client):
    SubscriberFactory(email="pending@example.com")
    SubscriberFactory(email="confirmed@example.com", status="confirmed")
    SubscriberFactory(email="gone@example.com", status="unsubscribed")
    client.get(reverse("home"))  # a session and CSRF cookie, as a visitor would have

    bodies = {}
    for email in [
        "new@example.com",
        "pending@example.com",
        "confirmed@example.com",
        "gone@example.com",
    ]:
        response = client.post(URL, signup_data(email))
        assert response.status_code == 200
        bodies[email] = PER_REQUEST.sub(b"", response.content)
    assert len(set(bodies.values())) == 1, "the responses differ between address states"


@pytest.mark.parametrize(
    "data, error",
    [
        (signup_data(""), "Please enter your email address."),
        (signup_data("not-an-address"), "valid email address"),
        (signup_data("a@b"), "valid email address"),
        (signup_data("<script>@example.com"), "valid email address"),
        (signup_data("x" * 250 + "@example.com"), "at most 254 characters"),
        (signup_data("y" * 100_000), "at most 254 characters"),
        (signup_data("pаypal@example.com"), "valid email address"),  # a Cyrillic "а"
        (signup_data("runner@exаmple.com"), "plain letters"),
        (signup_data("ｒunner@example.com"), "valid email address"),  # a full-width "ｒ"
        ({"email": "ok@example.com", "website": ""}, "tick the box"),
        ({}, "Please enter your email address."),
    ],
)
def test_bad_input_gets_a_clear_message_a_400_and_saves_nothing(client, data, error):
    response = client.post(URL, data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Subscriber.objects.exists()
    assert not Consent.objects.exists()


def test_a_filled_honeypot_gets_the_usual_answer_and_saves_nothing(client):
    response = client.post(URL, signup_data("bot@example.com", website="http://spam"))
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_signups_per_ip_are_limited_with_a_friendly_429(client):
    for n in range(10):
        assert client.post(URL, signup_data(f"r{n}@example.com")).status_code == 200
    response = client.post(URL, signup_data("eleventh@example.com"))
    assert response.status_code == 429
    assert "Please try again later" in response.content.decode()
    assert Subscriber.objects.count() == 10


def test_confirm_emails_to_one_address_are_rate_limited(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        for _ in range(5):
            client.post(URL, signup_data("again@example.com"))
    assert Subscriber.objects.count() == 1
    assert Consent.objects.count() == 5
    assert Email.objects.filter(kind="newsletter.confirm").count() == 3


def test_aliases_of_one_mailbox_are_one_subscriber(client):
    client.post(URL, signup_data("a.b+x@gmail.com"))
    client.post(URL, signup_data("ab@googlemail.com"))
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "a.b+x@gmail.com"
    assert subscriber.email_normalised == "ab@gmail.com"
    assert subscriber.consents.count() == 2
