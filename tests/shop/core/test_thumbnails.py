"""A product picture whose file is gone from storage (a lost upload, an emptied bucket)."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def picture_lost(wrap):
    image = wrap.primary_image()
    image.original.storage.delete(image.original.name)
    cache.clear()  # sorl's thumbnail records and the page fragments
    return wrap


@pytest.mark.parametrize("page", ["home", "product"])
def test_a_page_showing_a_lost_picture_still_answers(client, picture_lost, page):
    url = "/" if page == "home" else picture_lost.get_absolute_url()

    response = client.get(url)

    assert response.status_code == 200
    assert picture_lost.get_title() in response.content.decode()
