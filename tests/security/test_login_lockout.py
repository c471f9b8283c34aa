"""Brute force on every login form stops after the configured failures."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from oscar.test.factories import create_product

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
EMAIL = "jo@example.com"


@pytest.fixture
def jo():
    return get_user_model().objects.create_user("jo", EMAIL, PASSWORD, is_staff=True)


def storefront(client, password, username=EMAIL, **meta):
    return client.post(
        reverse("customer:login"),
        {"login-username": username, "login-password": password, "login_submit": "1"},
        **meta,
    )


def dashboard(client, password, username=EMAIL, **meta):
    return client.post(
        reverse("dashboard:login"), {"username": username, "password": password}, **meta
    )


def admin(client, password, username=EMAIL, **meta):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        **meta,
    )


def checkout(client, password, username=EMAIL, **meta):
    """The checkout's first step: "I am a returning customer, and my password is"."""
    if not hasattr(client, "has_basket"):
        product = create_product(num_in_stock=100)
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1}, **meta)
        client.has_basket = True
    data = {"username": username, "password": password, "options": "existing"}
    return client.post(reverse("checkout:index"), data, **meta)


FORMS = [storefront, checkout, dashboard, admin]


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("login", FORMS, ids=lambda f: f.__name__)
def test_forty_wrong_passwords_then_the_right_one_is_refused(client, jo, settings, login):
    statuses = [login(client, f"guess-{n}").status_code for n in range(40)]
    limit = settings.AXES_FAILURE_LIMIT
    assert set(statuses[limit:]) == {429}  # locked after the configured failures

    response = login(client, PASSWORD)

    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert "15 minutes" in page
    assert reverse("password-reset") in page


@pytest.mark.parametrize("login", FORMS, ids=lambda f: f.__name__)
def test_the_account_is_locked_from_every_address_and_spelling(client, jo, settings, login):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"guess-{n}", REMOTE_ADDR="203.0.113.5")

    elsewhere = Client()
    response = login(elsewhere, PASSWORD, username="JO@Example.com ", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert not signed_in(elsewhere)


def test_one_address_is_locked_whichever_accounts_it_tries(client, jo, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        storefront(client, "guess", username=f"someone{n}@example.com")
    assert storefront(client, PASSWORD).status_code == 429
    # The owner, elsewhere, is not locked out by someone else's guessing of other accounts.
    owner = Client()
    assert storefront(owner, PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302
    assert signed_in(owner)


def test_the_lockout_ends_when_its_time_is_up(client, jo, settings):
    for n in range(settings.AXES_FAILURE_LIMIT + 3):
        storefront(client, f"guess-{n}")
    assert storefront(client, PASSWORD).status_code == 429

    # The clock moves past the cool-off (attempts are dated in the database).
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
        attempt.save()

    assert storefront(client, PASSWORD).status_code == 302
    assert signed_in(client)
    assert not AccessAttempt.objects.filter(username=EMAIL).exists()  # cleared on success


def test_a_password_reset_is_the_way_out_at_once(
    client, jo, settings, celery_eager, django_capture_on_commit_callbacks
):
    for n in range(settings.AXES_FAILURE_LIMIT):
        storefront(client, f"guess-{n}")
    assert storefront(client, PASSWORD).status_code == 429

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password-reset"), {"email": EMAIL})
    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/password-reset/confirm/" in line
    )
    path = link[link.index("/password-reset/") :].strip()
    form_url = client.get(path).url  # Django swaps the token for a session one
    response = client.post(
        form_url,
        {"new_password1": "a new long password 7", "new_password2": "a new long password 7"},
    )
    assert response.status_code == 302
    assert signed_in(client)  # the new password signs in, lockout or not
    assert not AccessAttempt.objects.filter(username=EMAIL).exists()
