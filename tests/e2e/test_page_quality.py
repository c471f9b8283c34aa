"""Every page a person can reach (tests/e2e/pages.py), in Chromium at a phone's
and a desktop's width: no axe-core violations, valid HTML (the Nu Html Checker),
no script errors, nothing refused by the Content-Security-Policy, no sideways
scrolling. `make screenshots` runs the same walks and saves every page at both
widths under artifacts/screenshots/."""

from pathlib import Path

import pytest
from django.urls import reverse

from blog.content import ARTICLE_SLUG
from blog.content import load as load_blog
from tests import pagechecks
from tests.e2e.pages import WALKS

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.pagechecks,
    pytest.mark.django_db(transaction=True),
]

WIDTHS = (375, 1280)
# Chromium logs a refusal to the console, but only once the page asked for something
# refused; this says so for every violation, whatever caused it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    console.error(`CSP refused ${event.blockedURI || "inline"} (${event.violatedDirective})`);
});
"""


@pytest.fixture
def screenshots(request) -> Path | None:
    """Where to save screenshots, when asked for with --screenshots DIR."""
    folder = request.config.getoption("--screenshots")
    if not folder:
        return None
    path = Path(folder).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_pages(browser, base_url, walk, screenshots=None) -> dict[str, list[str]]:
    """Take the walk; check each page at each width (the viewport resized in place);
    return what failed, by page."""
    context = browser.new_context(base_url=base_url, viewport={"width": WIDTHS[-1], "height": 900})
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems, documents, arrived = {}, {}, {}
    errors = problems.setdefault("scripts and CSP", [])
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.on("console", lambda msg: msg.type == "error" and errors.append(f"{page.url}: {msg.text}"))
    # The HTML the server sent for the page shown, as the checker should see it.
    page.on(
        "response",
        lambda response: (
            response.request.is_navigation_request()
            and response.frame == page.main_frame
            and arrived.update(document=response)
        ),
    )
    for name in walk(page):
        documents[name] = arrived["document"].body()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            key = f"{name} at {width}px"
            if screenshots:
                page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)
            problems[f"axe, {key}"] = pagechecks.axe_violations(page)
            wide = page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
            problems[f"overflow, {key}"] = ["the page scrolls sideways"] if wide else []
    context.close()
    for name, found in pagechecks.html_errors(documents).items():
        problems[f"HTML, {name}"] = found
    return {key: found for key, found in problems.items() if found}


def report(failing) -> str:
    return "\n".join(f"{key}:\n  " + "\n  ".join(found) for key, found in failing.items())


@pytest.mark.parametrize("walk", WALKS.values(), ids=WALKS.keys())
def test_every_page_passes_the_page_checks(browser, live_server, checkout, screenshots, walk):
    failing = check_pages(browser, live_server.url, lambda page: walk(page, checkout), screenshots)
    assert not failing, report(failing)


def tab_to(page, target, limit: int = 15) -> None:
    """Press Tab until the target control has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} is not reachable with the Tab key")


def test_the_comment_form_and_signup_box_work_with_the_keyboard_alone(page, settings, celery_eager):
    from django.core.cache import cache

    settings.BLOG_COMMENT_MIN_SECONDS = 0
    cache.clear()
    load_blog()
    page.set_default_timeout(10_000)
    page.goto(reverse("blog:post_detail", kwargs={"slug": ARTICLE_SLUG}))

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    box = page.locator(".newsletter-signup--article")
    tab_to(page, box.get_by_role("textbox", name="Your email address"))
    page.keyboard.type("keys@example.com")
    tab_to(page, box.get_by_role("checkbox"))
    page.keyboard.press("Space")
    tab_to(page, box.get_by_role("button", name="Sign up"))
    page.keyboard.press("Enter")
    box.get_by_text("Check your inbox").wait_for()

    form = page.locator("#respond")
    tab_to(page, form.get_by_role("textbox", name="Comment"), limit=60)
    page.keyboard.type("Icing after long runs helps me too.")
    tab_to(page, form.get_by_role("textbox", name="Name"))
    page.keyboard.type("Priya")
    tab_to(page, form.get_by_role("textbox", name="Email"))
    page.keyboard.type("priya@example.com")
    tab_to(page, form.get_by_role("button", name="Post Comment"))
    page.keyboard.press("Enter")
    page.get_by_text("Thank you, your comment is awaiting moderation.").wait_for()
