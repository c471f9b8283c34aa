"""Every page people land on: valid HTML, no axe violations, screenshots at phone
and desktop widths (saved under artifacts/ for a look)."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests import pagechecks

pytestmark = [pytest.mark.chromium, pytest.mark.pagechecks]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
WIDTHS = (375, 1280)


def pages() -> dict[str, str]:
    return {
        "home": reverse("home"),
        "catalogue": reverse("catalogue:index"),
        "basket": reverse("basket:summary"),
    }


@pytest.mark.django_db
def test_pages_are_valid_html(client):
    documents = {name: client.get(url).content for name, url in pages().items()}
    assert pagechecks.html_errors(documents) == {name: [] for name in documents}


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_have_no_accessibility_violations(browser, live_server, width):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, url in pages().items():
        page.goto(url)
        page.screenshot(path=ARTIFACTS / f"{name}-{width}.png", full_page=True)
        found[name] = pagechecks.axe_violations(page)
    context.close()
    assert found == {name: [] for name in found}
