"""The privacy page as a phone shows it, in Chromium."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_each_choice_sits_beside_its_words(page):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(reverse("privacy:page"))
    for words in ["A copy of everything you keep about me", "Erase everything you keep about me"]:
        radio = page.get_by_role("radio", name=words).bounding_box()
        label = page.locator("#privacy-request label", has_text=words).bounding_box()
        assert radio["x"] + radio["width"] <= label["x"], words  # beside, not above
        assert label["y"] <= radio["y"] <= label["y"] + label["height"], words
