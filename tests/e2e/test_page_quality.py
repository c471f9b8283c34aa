"""Every page a reader and a shopper see, walked in Chromium at phone and desktop
widths: no axe-core violations, valid HTML (one Nu Html Checker run for all of
them), and a screenshot of each under artifacts/ for a look."""

from pathlib import Path

import pytest
from django.urls import reverse

from blog.content import ARTICLE_SLUG
from blog.content import load as load_blog
from shop.pages import load as load_pages
from tests import pagechecks

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.pagechecks,
    pytest.mark.django_db(transaction=True),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
WIDTHS = (375, 1280)


def journey(page, product):
    """Walk from the home page to the thank-you page; yield each page's name on arrival."""
    page.goto("/")
    yield "home"
    page.goto(reverse("blog:post_detail", kwargs={"slug": ARTICLE_SLUG}))
    yield "article"
    page.goto(reverse("blog:post_list"))
    yield "blog"
    page.goto(product.get_absolute_url())
    yield "product"
    # Two wraps pass the free-shipping threshold, so checkout offers a choice of methods.
    for _ in range(2):
        page.get_by_role("button", name="Add to cart").click()
        page.wait_for_load_state()
    page.goto(reverse("basket:summary"))
    yield "basket"
    page.get_by_role("link", name="Proceed to checkout").click()
    page.wait_for_url("**/checkout/")
    yield "checkout-email"
    page.get_by_label("My email address is").fill("browser@example.com")
    page.get_by_label("I am a new customer and want to checkout as a guest").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/checkout/shipping-address/")
    yield "checkout-address"
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Runner")
    page.get_by_label("Street address").fill("12 Trail Road")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("State").select_option("OR")
    page.get_by_label("ZIP code").fill("97201")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/checkout/shipping-method/")
    yield "checkout-shipping"
    page.get_by_role("button", name="Select option").first.click()
    page.wait_for_url("**/checkout/payment-details/")
    card = page.locator("#card-element")
    card.get_by_placeholder("number").wait_for()
    yield "checkout-payment"
    card.get_by_placeholder("number").fill("4242424242424242")
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("34")
    card.get_by_placeholder("cvc").fill("123")
    card.get_by_placeholder("postal_code").fill("97201")
    page.get_by_role("button", name="Continue to review your order").click()
    page.wait_for_url("**/checkout/preview/")
    yield "checkout-preview"
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/checkout/thank-you/")
    yield "thank-you"


def test_every_page_is_accessible_and_valid_html(browser, live_server, wrap, stripe_api):
    load_blog()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    violations, documents, script_errors = {}, {}, []
    for width in WIDTHS:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        # Script errors, and anything the Content-Security-Policy refuses, fail the test.
        page.on("pageerror", lambda exc: script_errors.append(str(exc)))
        page.on(
            "console",
            lambda msg, page=page: (
                msg.type == "error" and script_errors.append(f"{page.url}: {msg.text}")
            ),
        )
        for name in journey(page, wrap):
            page.screenshot(path=ARTIFACTS / f"{name}-{width}.png", full_page=True)
            violations[f"{name} at {width}px"] = pagechecks.axe_violations(page)
            # The HTML the server sent, as the checker should see it.
            documents.setdefault(name, page.request.get(page.url).body())
        context.close()

    problems = {
        **{f"axe, {key}": found for key, found in violations.items()},
        **{f"HTML, {key}": found for key, found in pagechecks.html_errors(documents).items()},
        "scripts": script_errors,
    }
    failing = {key: found for key, found in problems.items() if found}
    assert not failing, "\n".join(
        f"{key}:\n  " + "\n  ".join(found) for key, found in failing.items()
    )


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


def check_pages(browser, base_url, walk, prepare=None) -> dict[str, list[str]]:
    """Walk the pages at each width: axe, the Nu Html Checker, script errors and
    sideways scrolling at a phone's width; returns what failed, by page."""
    problems, documents = {}, {}
    for width in WIDTHS:
        context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        errors = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.on(
            "console",
            lambda msg, page=page, errors=errors: (
                msg.type == "error" and errors.append(f"{page.url}: {msg.text}")
            ),
        )
        if prepare:
            prepare(page)
        for name in walk(page):
            key = f"{name} at {width}px"
            page.screenshot(path=ARTIFACTS / f"{name}-{width}.png", full_page=True)
            problems[f"axe, {key}"] = pagechecks.axe_violations(page)
            wide = page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
            problems[f"overflow, {key}"] = ["the page scrolls sideways"] if wide else []
            documents.setdefault(name, page.request.get(page.url).body())
        problems[f"scripts at {width}px"] = errors
        context.close()
    for name, found in pagechecks.html_errors(documents).items():
        problems[f"HTML, {name}"] = found
    return {key: found for key, found in problems.items() if found}


def report(failing) -> str:
    return "\n".join(f"{key}:\n  " + "\n  ".join(found) for key, found in failing.items())


def test_catalogue_footer_account_search_and_order_status_pages_pass_the_page_checks(
    browser, live_server, wrap, checkout
):
    from django.contrib.auth import get_user_model
    from oscar.apps.order.models import Order

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    checkout.up_to_payment(wrap)
    checkout.place_order()
    order = Order.objects.get()
    status_url = reverse(
        "customer:anon-order",
        kwargs={"order_number": order.number, "hash": order.verification_hash()},
    )
    get_user_model().objects.create_user("acc", "acc@example.com", "a-Long-pass-42")

    load_pages()

    def walk(page):
        page.goto(reverse("catalogue:index"))
        yield "catalogue"
        page.goto("/shipping-returns/")
        yield "shipping-returns"
        page.goto(reverse("customer:login"))
        yield "login"
        page.goto(reverse("search:search") + "?q=ice")
        yield "search"
        page.goto(status_url)
        yield "order-status-form"
        page.locator("#anon_order_form").get_by_label("Email address").fill(order.guest_email)
        page.get_by_role("button", name="Show my order").click()
        page.wait_for_url(f"**{status_url}")
        yield "order-status"
        page.goto(reverse("customer:login"))
        form = page.locator("#login_form")
        form.get_by_label("Email address").fill("acc@example.com")
        form.get_by_label("Password").fill("a-Long-pass-42")
        form.get_by_role("button", name="Log In").click()
        page.get_by_role("button", name="Logout").wait_for()
        page.goto(reverse("customer:profile-view"))
        yield "profile"
        page.goto(reverse("customer:order-list"))
        yield "order-history"

    failing = check_pages(browser, live_server.url, walk)
    assert not failing, report(failing)
