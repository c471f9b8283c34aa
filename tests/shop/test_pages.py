import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_brand_and_navigation(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "SimplyJnJ" in html
    assert "Health products for a speedy recovery" in html
    assert reverse("catalogue:index") in html
    assert reverse("basket:summary") in html


def test_oscar_pages_share_the_site_header(client):
    response = client.get(reverse("basket:summary"))
    assert response.status_code == 200
    assert "Health products for a speedy recovery" in response.content.decode()


def test_loading_site_content_twice_changes_nothing(settings):
    from django.contrib.sites.models import Site

    call_command("load_site_content")
    first = list(Site.objects.values())
    call_command("load_site_content")
    assert list(Site.objects.values()) == first
    assert first[0]["name"] == "SimplyJnJ"


def test_health_check_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
