"""Registration tells nobody whether an address has an account; logging out needs a
POST from the site itself."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "a long password 7"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')


def register(client, email, via="register", password=PASSWORD):
    if via == "register":
        data = {"email": email, "password1": password, "password2": password}
        return client.post(reverse("customer:register"), data)
    data = {
        "registration-email": email,
        "registration-password1": password,
        "registration-password2": password,
        "registration_submit": "1",
    }
    return client.post(reverse("customer:login"), data)


@pytest.mark.parametrize("via", ["register", "login page"])
def test_registering_answers_the_same_for_a_new_and_an_existing_address(
    client, django_capture_on_commit_callbacks, celery_eager, via
):
    get_user_model().objects.create_user("jo", "jo@example.com", "their own password")
    with django_capture_on_commit_callbacks(execute=True):
        existing = register(client, "Jo@example.com", via=via)
        new = register(client, "new@example.com", via=via)

    assert existing.status_code == new.status_code == 200
    assert CSRF.sub(b"", existing.content) == CSRF.sub(b"", new.content)
    assert "Check your inbox" in new.content.decode()
    assert "_auth_user_id" not in client.session  # nobody is signed in by registering

    to_owner, to_new = mail.outbox
    assert to_owner.to == ["jo@example.com"] and "already have" in to_owner.body
    assert to_new.to == ["new@example.com"] and "/accounts/activate/" in to_new.body
    # The existing account is untouched: its owner's password still works.
    assert get_user_model().objects.get(email="jo@example.com").check_password("their own password")


def test_the_activation_link_activates_the_new_account_and_signs_in(
    client, django_capture_on_commit_callbacks, celery_eager
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, "new@example.com")
    user = get_user_model().objects.get(email="new@example.com")
    assert not user.is_active
    link = re.search(r"https?://[^/\s]+(/accounts/activate/\S+)", mail.outbox[0].body)[1]

    assert client.get(link).status_code == 200  # a button: mail scanners only GET
    assert not get_user_model().objects.get(pk=user.pk).is_active
    response = client.post(link)

    assert response.status_code == 302
    assert get_user_model().objects.get(pk=user.pk).is_active
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.post(link).status_code == 400  # used once


def test_registering_again_before_activating_replaces_the_first_attempt(
    client, django_capture_on_commit_callbacks, celery_eager
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, "new@example.com", password="the squatter's password")
        register(client, "new@example.com", password=PASSWORD)
    first, second = (re.search(r"(/accounts/activate/\S+)", m.body)[1] for m in mail.outbox)
    assert client.post(first).status_code == 400  # the earlier link no longer works
    assert client.post(second).status_code == 302
    user = get_user_model().objects.get(email="new@example.com")
    assert user.check_password(PASSWORD)
    assert get_user_model().objects.filter(email="new@example.com").count() == 1


def test_logout_by_get_does_nothing(client):
    user = get_user_model().objects.create_user("jo", "jo@example.com", PASSWORD)
    client.force_login(user)

    assert client.get(reverse("customer:logout")).status_code == 405
    assert client.session["_auth_user_id"] == str(user.pk)

    page = client.get(reverse("customer:profile-view")).content.decode()
    assert f'<form id="logout_form" method="post" action="{reverse("customer:logout")}">' in page
    assert client.post(reverse("customer:logout")).status_code == 302
    assert "_auth_user_id" not in client.session
