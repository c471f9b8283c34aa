"""With MEDIA_BUCKET set, uploads and thumbnails live in an S3-compatible bucket that
every web host shares (moto's server stands in for it)."""

import urllib.request

import pytest
from django.core.files.storage import storages

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return response.read()


def test_the_product_picture_and_its_thumbnail_are_served_from_the_bucket(s3_media, client):
    from shop.content import load_catalogue

    wrap = load_catalogue()  # uploads the wrap's picture
    original = wrap.primary_image().original

    assert original.url.startswith(s3_media)
    assert fetch(original.url)[:2] == b"\xff\xd8" or fetch(original.url)[:4] == b"\x89PNG"

    html = client.get(wrap.get_absolute_url()).content.decode()
    thumbnails = [src for src in _img_sources(html) if src.startswith(s3_media)]
    assert thumbnails, "no picture on the product page comes from the bucket"
    assert all(len(fetch(src)) > 1000 for src in thumbnails)

    # Another host's storage (a new client of the same bucket) finds the same file.
    another_host = storages.create_storage(storages.backends["default"])
    assert another_host.exists(original.name)


def _img_sources(html: str) -> list[str]:
    import re

    return re.findall(r'<img[^>]+src="([^"]+)"', html)
