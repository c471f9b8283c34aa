import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.models import Comment
from tests.blog.conftest import PROMO_TITLE, parse, text_of
from tests.blog.factories import CommentFactory

pytestmark = pytest.mark.django_db

ARTICLE_URL = "/blog/why-do-i-have-hip-pain-after-running/"


def test_the_article_reads_as_the_author_wrote_it(client, article, wrap):
    response = client.get(ARTICLE_URL)
    assert response.status_code == 200
    page = parse(response)
    body = page.find(".//div[@class='post__body']")

    assert text_of(page.find(".//h1")) == "Why Do I Have Hip Pain After Running?"
    headings = [text_of(h) for h in body.iter("h2")]
    assert headings[0] == "What Causes Hip Pain after Running?"
    assert headings[-1] == "How To Treat Your Hip Pain"

    causes = [text_of(li.find("strong")) for li in body.find("ul").iter("li")]
    assert causes == ["Bursitis:", "Strength imbalances:", "Cartilage tears:", "Stress fractures:"]

    # One ordered list, numbered 1 to 4 by the browser: the lost video no longer leaves a gap.
    (steps,) = body.findall("ol")
    assert steps.get("start") is None
    assert [text_of(li.find("strong")) for li in steps.findall("li")] == [
        "Rest:",
        "Ice:",
        "Consult a medical professional:",
        "Retrain your posture:",
    ]
    article_text = text_of(body)
    assert "video" not in article_text
    assert article_text.endswith("It just means that you need to be smarter about it.")


@pytest.mark.usefixtures("no_page_cache")
def test_the_promo_stands_between_the_causes_and_the_treatment_with_the_live_price(
    client, article, wrap
):
    html = client.get(ARTICLE_URL).content.decode()
    assert html.index("Stress fractures:") < html.index(PROMO_TITLE) < html.index("How To Treat")

    promo = parse(client.get(ARTICLE_URL)).find(".//aside[@class='product-promo']")
    assert PROMO_TITLE in text_of(promo)
    assert "$34.00" in text_of(promo)
    links = {a.get("href") for a in promo.iter("a")}
    assert wrap.get_absolute_url() in links
    image = promo.find(".//img")
    assert image.get("alt") and image.get("width") and image.get("height")
    form = promo.find(".//form")
    assert form.get("action") == reverse("basket:add", kwargs={"pk": wrap.pk})

    wrap.stockrecords.update(price="19.50")
    promo = parse(client.get(ARTICLE_URL)).find(".//aside[@class='product-promo']")
    assert "$19.50" in text_of(promo) and "$34.00" not in text_of(promo)


def test_the_promo_adds_the_wrap_to_the_basket(client, article, wrap):
    page = parse(client.get(ARTICLE_URL))
    form = page.find(".//aside[@class='product-promo']//form")
    data = {i.get("name"): i.get("value") for i in form.iter("input")}

    response = client.post(form.get("action"), data, follow=True)

    assert response.status_code == 200
    assert response.context["request"].basket.num_items == 1


def test_without_the_product_in_the_catalogue_the_article_shows_no_broken_promo(client, article):
    response = client.get(ARTICLE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "product-promo" not in html
    assert "[[product" not in html


def test_the_thread_counts_approved_comments_and_nests_the_shops_reply(client, article):
    CommentFactory(post=article, status=Comment.Status.PENDING, author_name="Waiting Walter")
    CommentFactory(post=article, status=Comment.Status.SPAM, author_name="Spammy Sue")
    page = parse(client.get(ARTICLE_URL))

    title = text_of(page.find(".//h2[@id='comments-title']"))
    assert title == "2 thoughts on “Why Do I Have Hip Pain After Running?”"
    thread = page.find(".//ol[@class='comment-list']")
    (david,) = thread.findall("li")
    assert "I always have hip pain when I push myself" in text_of(david.find("article"))
    assert david.find("article").find(".//time") is not None
    assert david.find(".//a[@class='comment-reply-link']") is not None
    (reply,) = david.find("ol").findall("li")
    assert "comment--staff" in reply.get("class")
    assert "Thanks for leaving a comment David." in text_of(reply)
    assert "SimplyJnJ team" in text_of(reply)
    assert "Waiting Walter" not in text_of(page.find(".//body"))
    assert "Spammy Sue" not in text_of(page.find(".//body"))


def test_a_new_comments_time_is_a_valid_html_datetime(client, article):
    import re
    from datetime import UTC, datetime

    CommentFactory(
        post=article,
        status=Comment.Status.APPROVED,
        author_name="Fresh Fran",
        created=datetime(2024, 5, 1, 7, 8, 9, 123456, tzinfo=UTC),
    )
    page = parse(client.get(ARTICLE_URL))
    stamps = [time.get("datetime") for time in page.iter("time")]
    assert "2024-05-01T07:08:09+0000" in stamps
    # HTML allows at most three digits of a second's fraction; none are needed.
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", s) for s in stamps)


def test_no_commenter_email_appears_in_the_page(client, article):
    CommentFactory(
        post=article, email="hidden.reader@example.com", website="https://reader.example"
    )
    html = client.get(ARTICLE_URL).content.decode()
    assert "hidden.reader@example.com" not in html
    assert "@example.com" not in html
    assert "https://reader.example" in html


def test_every_internal_link_on_the_article_resolves(client, article, wrap):
    from shop.pages import load as load_footer_pages

    load_footer_pages()  # as load_site_content does: the footer links them
    page = parse(client.get(ARTICLE_URL))
    internal = {
        a.get("href").split("#")[0]
        for a in page.iter("a")
        if a.get("href", "").startswith("/") and a.get("href") != "/"
    }
    assert "/blog/common-hip-problems-and-how-to-deal-with-them/" in internal
    assert {"/about/", "/contact/", "/shipping-returns/"} <= internal
    for href in sorted(internal):
        assert client.get(href, follow=True).status_code == 200, href


def test_a_draft_or_missing_post_is_not_found(client, article):
    article.status = article.Status.DRAFT
    article.save()
    assert client.get(ARTICLE_URL).status_code == 404
    assert client.get("/blog/no-such-post/").status_code == 404


@pytest.mark.usefixtures("no_page_cache")
def test_the_article_page_query_count_does_not_grow_with_comments(client, article, wrap):
    """Counted with the comment thread rendered afresh and taken from the cache."""
    client.get(ARTICLE_URL)  # thumbnails are generated and cached on the first view
    counts = {}
    for approved in (2, 50, 500):
        missing = approved - article.comments.approved().count()
        # Half top-level comments, half replies to them: threads as well as length.
        parents = CommentFactory.create_batch(missing // 2, post=article)
        for parent in parents:
            CommentFactory(post=article, parent=parent)

        cache.clear()
        for thread in ("rendered", "cached"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(ARTICLE_URL)
            assert f"{approved} thoughts on" in response.content.decode()
            counts[approved, thread] = len(queries)
    for thread in ("rendered", "cached"):
        assert counts[2, thread] == counts[50, thread] == counts[500, thread] <= 10, counts
    assert counts[2, "cached"] < counts[2, "rendered"], counts


def test_the_newsletter_box_stands_inside_the_article(client, article):
    page = parse(client.get(ARTICLE_URL))
    # The one box of the page: the footer does not repeat it.
    assert len(page.findall(".//form[@action='/newsletter/']")) == 1
    box = page.find(".//article//section[@class]")
    assert box is not None and "newsletter-signup--article" in box.get("class")
    assert "Save 10% Off Our Products" in text_of(box)
    form = box.find(".//form")
    assert form.get("action") == reverse("newsletter:signup")
    assert {i.get("name") for i in form.iter("input")} >= {"email", "consent", "source"}
