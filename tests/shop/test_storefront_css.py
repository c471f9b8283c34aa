"""The storefront is styled by the trimmed copy of Oscar's stylesheet; the dashboard
keeps Oscar's own. The committed copy must be what `make storefront-css` makes now."""

import difflib

import pytest
from django.urls import reverse

from shop import storefront_css


@pytest.mark.purgecss
def test_the_committed_storefront_stylesheet_is_up_to_date():
    committed = storefront_css.OUTPUT.read_text()
    fresh = storefront_css.build()
    if committed != fresh:
        diff = difflib.unified_diff(
            committed.splitlines(), fresh.splitlines(), "committed", "regenerated", lineterm=""
        )
        pytest.fail(
            "shop/static/shop/css/storefront.css is stale: run `make storefront-css` and "
            "commit the result.\n" + "\n".join(list(diff)[:40]),
            pytrace=False,
        )


@pytest.mark.django_db
def test_storefront_pages_load_the_trimmed_stylesheet(client):
    html = client.get(reverse("home")).content.decode()
    assert "shop/css/storefront.css" in html
    assert "oscar/css/styles.css" not in html


@pytest.mark.django_db
def test_the_dashboard_keeps_oscars_own_stylesheet(admin_client):
    html = admin_client.get(reverse("dashboard:index")).content.decode()
    assert "oscar/css/dashboard.css" in html
    assert "shop/css/storefront.css" not in html
