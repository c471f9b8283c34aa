"""The notices Oscar sends when an account's password or email address changes go through
the outbox, to the address that had the account, in the site's layout."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from shop.core.outbox import messages
from shop.core.outbox.models import Email

pytestmark = pytest.mark.django_db

PASSWORD = "a long password 7"


@pytest.fixture
def jo(client):
    user = get_user_model().objects.create_user("jo", "jo@example.com", PASSWORD)
    client.force_login(user)
    return user


def test_a_changed_password_is_told_to_the_account_s_address(client, jo):
    new = "another long password 8"
    response = client.post(
        reverse("customer:change-password"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    [notice] = Email.objects.filter(kind="customer.password_changed")
    assert notice.to == "jo@example.com"
    message = messages.build(notice)
    assert "Your password was changed" in message.subject
    assert "/password-reset/" in message.body


def test_a_changed_email_address_is_told_to_the_old_address(client, jo):
    response = client.post(
        reverse("customer:profile-update"),
        {"first_name": "Jo", "last_name": "Runner", "email": "jo.new@example.com"},
    )

    assert response.status_code == 302
    [notice] = Email.objects.filter(kind="customer.email_changed")
    assert notice.to == "jo@example.com"
    assert "jo.new@example.com" in messages.build(notice).body
