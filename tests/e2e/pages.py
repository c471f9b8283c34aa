"""Every page a person can reach, as the walks a reader, a shopper, a customer
with an account and a member of staff take in Chromium. Each walk makes the data
it needs, then yields a name on arriving at each page.

The one list of pages: the page checks (test_page_quality.py) go through it,
and so does `make screenshots`, which saves each page at each width.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from blog.content import ARTICLE_SLUG
from blog.content import load as load_blog
from shop.content import load_catalogue
from shop.pages import PAGES
from shop.pages import load as load_pages

PASSWORD = "a-Long-pass-42"


def log_in(page, email: str) -> None:
    page.goto(reverse("customer:login"))
    form = page.locator("#login_form")
    form.get_by_label("Email address").fill(email)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Log In").click()
    page.wait_for_url(lambda url: reverse("customer:login") not in url)


def place_order(checkout, product, user=None):
    """An order paid by card through the site's checkout, as a guest or as `user`."""
    from oscar.apps.order.models import Order

    if user:
        checkout.client.force_login(user)
        checkout.add(product)
        checkout.ship()
        checkout.enter_card()
    else:
        checkout.up_to_payment(product)
    checkout.place_order()
    checkout.client.logout()
    return Order.objects.latest("date_placed")


def shopper(page, checkout):
    """A reader who becomes a shopper: from the home page through the blog and the
    catalogue to a paid order (with the newsletter's coupon), and its status page."""
    from oscar.apps.order.models import Order

    from tests.shop.factories import ten_percent_voucher

    load_blog()
    load_pages()
    wrap = load_catalogue()
    ten_percent_voucher("WELCOME-PAGES")

    page.goto("/")
    yield "home"
    page.goto(reverse("blog:post_list"))
    yield "blog"
    page.goto(reverse("blog:post_detail", kwargs={"slug": ARTICLE_SLUG}))
    yield "article"
    for url in PAGES:
        page.goto(url)
        yield url.strip("/")
    page.goto(reverse("catalogue:index"))
    yield "catalogue"
    page.goto(wrap.categories.get().get_absolute_url())
    yield "category"
    page.goto(reverse("search:search") + "?q=ice")
    yield "search"
    page.goto(reverse("basket:summary"))
    yield "cart-empty"
    page.goto(wrap.get_absolute_url())
    yield "product"
    # Two wraps pass the free-shipping threshold, so checkout offers a choice of methods.
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_load_state()
    # The coupon's link in the newsletter's email applies it to the cart.
    page.goto(reverse("newsletter:apply", kwargs={"code": "WELCOME-PAGES"}))
    page.wait_for_url(f"**{reverse('basket:summary')}")
    yield "cart"
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

    order = Order.objects.get()
    status_url = reverse(
        "customer:anon-order",
        kwargs={"order_number": order.number, "hash": order.verification_hash()},
    )
    page.context.clear_cookies()
    page.goto(status_url)
    yield "order-status-form"
    page.locator("#anon_order_form").get_by_label("Email address").fill(order.guest_email)
    page.get_by_role("button", name="Show my order").click()
    page.wait_for_url(f"**{status_url}")
    yield "order-status"


def customer(page, checkout):
    """Someone with an account: signs in, reads their orders, keeps addresses."""
    from oscar.apps.address.models import UserAddress

    wrap = load_catalogue()
    user = get_user_model().objects.create_user("jo", "jo@example.com", PASSWORD)
    order = place_order(checkout, wrap, user=user)
    UserAddress.objects.create(
        user=user,
        first_name="Jo",
        last_name="Runner",
        line1="12 Trail Road",
        line4="Portland",
        state="OR",
        postcode="97201",
        country_id="US",
    )

    page.goto(reverse("customer:login"))
    yield "login"
    page.goto(reverse("customer:register"))
    yield "register"
    page.goto(reverse("password-reset"))
    yield "password-reset"
    page.locator("main").get_by_label("Email", exact=True).fill("jo@example.com")
    page.get_by_role("button", name="Send reset email").click()
    page.wait_for_url(f"**{reverse('password-reset-done')}")
    yield "password-reset-sent"
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    page.goto(reverse("password-reset-confirm", kwargs={"uidb64": uid, "token": token}))
    yield "password-reset-new"

    log_in(page, "jo@example.com")
    for name, url in (
        ("account-profile", reverse("customer:profile-view")),
        ("account-profile-edit", reverse("customer:profile-update")),
        ("account-password", reverse("customer:change-password")),
        ("account-orders", reverse("customer:order-list")),
        ("account-order", reverse("customer:order", kwargs={"order_number": order.number})),
        ("account-addresses", reverse("customer:address-list")),
        ("account-address-add", reverse("customer:address-create")),
        ("account-delete", reverse("customer:profile-delete")),
    ):
        page.goto(url)
        yield name


def subscriber(page, checkout):
    """A reader who signs up for the newsletter, confirms, unsubscribes; and asks
    what the shop keeps about them."""
    from newsletter import tokens
    from newsletter.models import Subscriber
    from shop.core.privacy import services as privacy
    from shop.core.privacy.models import PrivacyRequest

    page.goto(reverse("newsletter:signup"))
    yield "newsletter-signup"
    form = page.locator("main form")
    form.get_by_label("Your email address").fill("reader@example.com")
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="Sign up").click()
    form.get_by_text("Check your inbox").wait_for()
    yield "newsletter-signup-answer"
    pk = Subscriber.objects.get().pk
    page.goto(reverse("newsletter:confirm", kwargs={"token": tokens.confirm_token(pk)}))
    yield "newsletter-confirm"
    page.get_by_role("button", name="Confirm my subscription").click()
    page.get_by_role("button", name="Confirm my subscription").wait_for(state="detached")
    yield "newsletter-confirmed"
    page.goto(reverse("newsletter:unsubscribe", kwargs={"token": tokens.unsubscribe_token(pk)}))
    yield "newsletter-unsubscribe"
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_text("You are unsubscribed").wait_for()
    yield "newsletter-unsubscribed"

    page.goto(reverse("privacy:page"))
    yield "privacy"
    form = page.locator("#privacy-request")
    form.get_by_label("Your email address").fill("reader@example.com")
    form.get_by_role("button", name="Email me the link").click()
    page.get_by_text("Check your inbox.").wait_for()
    yield "privacy-answer"
    token = privacy.link_token(PrivacyRequest.objects.get())
    page.goto(reverse("privacy:confirm", kwargs={"token": token}))
    yield "privacy-confirm"


def staff(page, checkout):
    """Staff running the shop from Oscar's dashboard: each list, then an item's page.
    A customer with an account has ordered and reviewed the wrap, which is low on stock."""
    from django.contrib.flatpages.models import FlatPage
    from oscar.apps.partner.models import StockAlert

    from shop.catalogue.reviews.models import ProductReview
    from tests.shop.factories import ten_percent_voucher

    load_pages()
    wrap = load_catalogue()
    jo = get_user_model().objects.create_user("jo", "jo@example.com", PASSWORD)
    order = place_order(checkout, wrap, user=jo)
    voucher = ten_percent_voucher("WELCOME-STAFF")
    review = ProductReview.objects.create(
        product=wrap, user=jo, score=5, title="Cold for an hour", body="Helps after long runs.",
        status=ProductReview.FOR_MODERATION,
    )  # fmt: skip
    stockrecord = wrap.stockrecords.get()
    StockAlert.objects.create(stockrecord=stockrecord, threshold=stockrecord.num_in_stock)
    get_user_model().objects.create_superuser("staff", "staff@example.com", PASSWORD)

    log_in(page, "staff@example.com")
    for name, url, kwargs in (
        ("dashboard", "index", {}),
        ("dashboard-products", "catalogue-product-list", {}),
        ("dashboard-product", "catalogue-product", {"pk": wrap.pk}),
        ("dashboard-categories", "catalogue-category-list", {}),
        ("dashboard-category", "catalogue-category-update", {"pk": wrap.categories.get().pk}),
        ("dashboard-stock-alerts", "stock-alert-list", {}),
        ("dashboard-orders", "order-list", {}),
        ("dashboard-order", "order-detail", {"number": order.number}),
        ("dashboard-customers", "users-index", {}),
        ("dashboard-customer", "user-detail", {"pk": jo.pk}),
        ("dashboard-reports", "reports-index", {}),
        ("dashboard-ranges", "range-list", {}),
        ("dashboard-offers", "offer-list", {}),
        ("dashboard-offer", "offer-detail", {"pk": voucher.offers.get().pk}),
        ("dashboard-vouchers", "voucher-list", {}),
        ("dashboard-voucher", "voucher-stats", {"pk": voucher.pk}),
        ("dashboard-pages", "page-list", {}),
        ("dashboard-page", "page-update", {"pk": FlatPage.objects.get(url="/about/").pk}),
        ("dashboard-reviews", "reviews-list", {}),
        ("dashboard-review", "reviews-update", {"pk": review.pk}),
        ("dashboard-partners", "partner-list", {}),
    ):
        page.goto(reverse(f"dashboard:{url}", kwargs=kwargs))
        if name in ("dashboard-product", "dashboard-category", "dashboard-page"):
            page.locator(".tox-tinymce").first.wait_for()  # the rich-text editor
        yield name


WALKS = {"shopper": shopper, "customer": customer, "subscriber": subscriber, "staff": staff}
