"""The signup box in a real browser (Debian's Chromium through Playwright):
inside the article, and in the footer of every other page."""

import pytest

from blog.content import load as load_blog
from blog.models import Post
from newsletter.models import Subscriber

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]


def sign_up(page, email: str, box: str = "footer"):
    box = page.locator(f"section.newsletter-signup--{box}")
    box.get_by_label("Your email address").fill(email)
    box.get_by_label("Yes, email me the SimplyJnJ newsletter").check()
    box.get_by_role("button", name="Sign up").click()
    return box


def test_signing_up_from_the_article_answers_inline(page, celery_eager, mailoutbox):
    load_blog()
    article = Post.objects.get(slug="why-do-i-have-hip-pain-after-running").get_absolute_url()
    page.goto(article)
    box = sign_up(page, "browser@example.com", box="article")

    message = box.locator("[data-newsletter-message]")
    message.get_by_text("Check your inbox").wait_for()
    assert page.url.endswith(article)  # no page load: the answer came inline
    assert Subscriber.objects.get().email == "browser@example.com"
    assert Subscriber.objects.get().consents.get().source == article
    assert [m.to for m in mailoutbox] == [["browser@example.com"]]


def test_an_invalid_address_is_explained_inline(page):
    page.goto("/")
    box = sign_up(page, "runner@localhost-only")  # the browser lets it through; we do not
    box.get_by_text("Please enter a valid email address").wait_for()
    assert not Subscriber.objects.exists()


def test_without_javascript_the_form_still_works(browser, live_server, celery_eager, mailoutbox):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    sign_up(page, "nojs@example.com")
    page.get_by_text("Check your inbox").wait_for()
    assert page.url.endswith("/newsletter/")
    assert Subscriber.objects.get().email == "nojs@example.com"
    context.close()
