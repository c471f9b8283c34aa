import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from blog.models import Comment
from shop.core.privacy.models import PrivacyRequest

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_deleting_a_profile_erases_like_a_privacy_request(client, person):
    client.force_login(person.user)
    response = client.post(
        reverse("customer:profile-delete"), {"password": "a long enough password"}
    )
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=person.user.pk).exists()
    assert Comment.objects.get(pk=person.comment.pk).author_name == "Anonymous"
    log = PrivacyRequest.objects.get()
    assert (log.kind, log.status, log.email) == ("erase", "done", "")


def test_staff_erase_for_a_person_and_find_the_log_by_their_address(admin_client, person):
    run = reverse("admin:privacy_privacyrequest_run")
    refused = admin_client.post(run, {"email": "zed.quokka@gmail.com", "kind": "erase"})
    assert refused.status_code == 200 and b"identity first" in refused.content

    admin_client.post(
        run, {"email": "zed.quokka@gmail.com", "kind": "erase", "identity_checked": "on"}
    )
    assert Comment.objects.get(pk=person.comment.pk).author_name == "Anonymous"

    changelist = reverse("admin:privacy_privacyrequest_changelist")
    found = admin_client.get(changelist, {"q": "ZedQuokka+x@googlemail.com"}).content.decode()
    assert "Erase" in found and "0 results" not in found
    log = PrivacyRequest.objects.get()
    assert "comments: 2 anonymised" in log.outcome and "quokka" not in log.outcome.lower()
    assert log.requested_by_staff is not None
    assert "0 results" in admin_client.get(changelist, {"q": "someone@else.com"}).content.decode()


def test_staff_can_download_a_persons_export(admin_client, person):
    response = admin_client.post(
        reverse("admin:privacy_privacyrequest_run"),
        {"email": "Zed.Quokka@gmail.com", "kind": "json", "identity_checked": "on"},
    )
    assert response["Content-Type"] == "application/json"
    assert b"Quokka" in response.content
