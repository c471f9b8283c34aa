"""However an address is spelled, one mailbox gets at most one welcome code; spellings
we cannot reduce to one mailbox are refused with a clear message on every form."""

import pytest
from django.core import mail
from django.urls import reverse
from oscar.apps.voucher.models import Voucher
from oscar.test.factories import create_product

from blog.content import ARTICLE_SLUG
from blog.content import load as load_blog
from newsletter import services, tokens
from newsletter.models import Subscriber
from shop.core.outbox.models import Email
from tests.blog.conftest import comment_data
from tests.newsletter.conftest import signup_data

pytestmark = pytest.mark.django_db
SIGNUP = reverse("newsletter:signup")

SPELLINGS = [
    "runner@gmail.com",
    "Runner@GMAIL.com",
    "r.u.n.n.e.r@gmail.com",
    "runner+coupon@gmail.com",
    "runner@googlemail.com",
    '"runner"@gmail.com',
    '"\\runner"@gmail.com',
    '"r\\unner"@gmail.com',
    '"ru\\n\\ner"@gmail.com',
    '"r.unner+x"@googlemail.com',
]
REFUSED = {
    "x@[127.0.0.1]": "not an IP address",
    "x@[IPv6:::1]": "not an IP address",
    '"run ner"@gmail.com': "without quotation marks",
    '"runner,x"@gmail.com': "without quotation marks",
    '"runner@x"@gmail.com': "without quotation marks",
}


def refusal(message: str, response) -> bool:
    """Our reason, or the email field's own "valid email address" where Django's
    validator refuses the address before ours sees it."""
    page = response.content.decode()
    return message in page or "valid email address" in page


def test_every_spelling_of_one_mailbox_gets_one_welcome_code_at_most(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "newsletter.signup": (100, 3600)}
    for spelling in SPELLINGS:
        assert client.post(SIGNUP, signup_data(spelling)).status_code == 200
        for subscriber in Subscriber.objects.filter(status=Subscriber.Status.PENDING):
            services.subscriber_confirm(token=tokens.confirm_token(subscriber.pk))

    subscriber = Subscriber.objects.get()
    assert subscriber.email_normalised == "runner@gmail.com"
    assert Voucher.objects.count() == 1
    coupons = Email.objects.filter(kind="newsletter.coupon")
    assert {c.context["subscriber"] for c in coupons} == {subscriber.pk}


def test_a_subdomain_of_a_disposable_domain_gets_no_code(client):
    client.post(SIGNUP, signup_data("x@sub.mailinator.com"))
    subscriber = Subscriber.objects.get()
    services.subscriber_confirm(token=tokens.confirm_token(subscriber.pk))
    subscriber.refresh_from_db()
    assert subscriber.voucher is None


@pytest.mark.parametrize("address, message", REFUSED.items())
def test_the_newsletter_refuses_what_it_cannot_tell_the_mailbox_of(client, address, message):
    response = client.post(SIGNUP, signup_data(address))
    assert response.status_code == 400
    assert refusal(message, response)
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("address, message", REFUSED.items())
def test_the_comment_form_refuses_it_too(client, address, message):
    load_blog()
    url = reverse("blog:post_detail", kwargs={"slug": ARTICLE_SLUG})
    from blog.models import Post

    response = client.post(url, comment_data(Post.objects.get(slug=ARTICLE_SLUG), email=address))
    assert response.status_code == 400
    assert refusal(message, response)


@pytest.mark.parametrize("address, message", REFUSED.items())
def test_registration_refuses_it_too(client, address, message):
    response = client.post(
        reverse("customer:register"),
        {"email": address, "password1": "a long password 7", "password2": "a long password 7"},
    )
    assert response.status_code == 200  # Oscar shows the form again
    assert refusal(message, response)
    assert not mail.outbox


@pytest.mark.parametrize("address, message", REFUSED.items())
def test_the_checkout_refuses_it_as_a_guest_email(client, address, message):
    product = create_product(num_in_stock=5)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    response = client.post(reverse("checkout:index"), {"username": address, "options": "anonymous"})
    assert response.status_code == 200  # the form again, not the next step
    assert refusal(message, response)
