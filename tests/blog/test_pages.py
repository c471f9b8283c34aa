"""The blog's other pages: index, feeds, sitemap, home page teaser, navigation, admin."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from blog.content import load
from blog.models import Comment, Post
from tests.blog.conftest import parse, text_of
from tests.blog.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_index_lists_published_posts_newest_first_ten_a_page(client):
    posts = PostFactory.create_batch(12)
    PostFactory(status=Post.Status.DRAFT, title="Unfinished draft")

    first = client.get(reverse("blog:post_list"))
    second = client.get(reverse("blog:post_list"), {"page": 2})

    titles = [text_of(h) for h in teaser_headings(first)]
    assert titles == [p.title for p in reversed(posts)][:10]
    assert [text_of(h) for h in teaser_headings(second)] == [posts[1].title, posts[0].title]
    assert "Unfinished draft" not in first.content.decode() + second.content.decode()
    assert client.get(reverse("blog:post_list"), {"page": 3}).status_code == 404
    assert client.get(reverse("blog:post_list"), {"page": "x"}).status_code == 404


def teaser_headings(response):
    """The index's article titles: headings right under the page's h1."""
    return parse(response).findall(".//h2[@class='post-teaser__title']")


def feed_items(response):
    return ET.fromstring(response.content).findall("./channel/item")  # noqa: S314 (our own feed)


def test_the_posts_feeds_list_published_posts(client):
    load()
    PostFactory(status=Post.Status.DRAFT, title="Unfinished draft")
    rss = client.get(reverse("blog:feed"))
    atom = client.get(reverse("blog:feed_atom"))

    assert rss["Content-Type"].startswith("application/rss+xml")
    items = feed_items(rss)
    assert [i.findtext("title") for i in items] == [
        "Why Do I Have Hip Pain After Running?",
        "Common Hip Problems and How to Deal with Them",
    ]
    assert items[0].findtext("link").endswith("/blog/why-do-i-have-hip-pain-after-running/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    # The articles' own dates, not the time the content was loaded.
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(atom.content)  # noqa: S314 (our own feed)
    assert feed.findtext("a:updated", namespaces=ns).startswith("2019-06-03T09:00:00")
    assert feed.findtext("a:entry/a:updated", namespaces=ns).startswith("2019-06-03T09:00:00")
    assert b"Unfinished draft" not in rss.content + atom.content


def test_the_comments_feed_has_approved_comments_and_no_emails(client, article):
    CommentFactory(post=article, status=Comment.Status.PENDING, body="Held back")
    response = client.get(reverse("blog:comments_feed", kwargs={"slug": article.slug}))

    assert response.status_code == 200
    items = feed_items(response)
    assert len(items) == 2
    assert "#comment-" in items[0].findtext("link")
    assert b"Held back" not in response.content
    assert b"@" not in response.content.replace(b"xmlns:atom", b"")
    missing = client.get(reverse("blog:comments_feed", kwargs={"slug": "no-such-post"}))
    assert missing.status_code == 404


def test_the_sitemap_lists_published_posts(client, article):
    draft = PostFactory(status=Post.Status.DRAFT)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert article.get_absolute_url().encode() in response.content
    assert draft.get_absolute_url().encode() not in response.content


def test_the_home_page_shows_the_latest_post_and_the_navigation_links_to_advice(client, article):
    page = parse(client.get(reverse("home")))
    latest = page.find(".//article[@class='post-teaser']")
    assert text_of(latest.find("h3")) == "Why Do I Have Hip Pain After Running?"
    assert latest.find(".//a").get("href") == article.get_absolute_url()
    nav = [a for a in page.iter("a") if a.get("class") == "nav-link"]
    assert ("Advice", reverse("blog:post_list")) in [(text_of(a), a.get("href")) for a in nav]


def test_the_home_page_without_posts_says_so(client):
    assert "No articles have been published yet." in client.get(reverse("home")).content.decode()


def test_loading_the_content_twice_changes_nothing(article):
    posts = list(Post.objects.order_by("pk").values())
    comments = list(Comment.objects.order_by("pk").values())
    assert load().endswith("(0 saved)")
    assert list(Post.objects.order_by("pk").values()) == posts
    assert list(Comment.objects.order_by("pk").values()) == comments
    david, reply = Comment.objects.order_by("created")
    assert (david.author_name, david.parent, david.status) == ("David", None, "approved")
    assert david.body.startswith("I always have hip pain when I push myself a little bit too")
    assert reply.parent == david and reply.is_staff_reply and reply.status == "approved"
    assert reply.body.endswith(
        "Even if it’s just to make sure that you are not making it worse. Take care."
    )


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", "approved"), ("mark_spam", "spam"), ("move_to_trash", "trash")],
)
def test_staff_moderate_comments_in_bulk_in_the_admin(admin_client_, article, action, status):
    held = CommentFactory.create_batch(3, post=article, status=Comment.Status.PENDING)
    url = reverse("admin:blog_comment_changelist")

    listing = admin_client_.get(url, {"status__exact": "pending"})
    assert listing.status_code == 200
    assert all(c.author_name in listing.content.decode() for c in held)

    response = admin_client_.post(
        url, {"action": action, "_selected_action": [c.pk for c in held[:2]]}, follow=True
    )

    assert response.status_code == 200
    assert [Comment.objects.get(pk=c.pk).status for c in held] == [status, status, "pending"]


def test_the_admin_filters_comments_by_status(admin_client_, article):
    CommentFactory(post=article, status=Comment.Status.SPAM, author_name="Spammy Sue")
    response = admin_client_.get(
        reverse("admin:blog_comment_changelist"), {"status__exact": "spam"}
    )
    html = response.content.decode()
    assert "Spammy Sue" in html and "David" not in html
    assert "By status" in html
