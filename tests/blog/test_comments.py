from unittest import mock
from urllib.parse import unquote

import pytest
from django.urls import reverse

from blog.antispam import issue_form_token
from blog.models import Comment
from tests.blog.conftest import become_returning_commenter, comment_data, parse, text_of
from tests.blog.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def post_comment(client, post, **fields):
    return client.post(post.get_absolute_url(), comment_data(post, **fields))


def test_a_first_time_commenter_is_held_for_moderation(client, article):
    response = post_comment(client, article)

    comment = Comment.objects.get(email="priya@example.com")
    assert comment.status == Comment.Status.PENDING
    assert response.status_code == 302
    assert response.url.startswith(article.get_absolute_url())
    assert response.url.endswith(f"#comment-{comment.pk}")

    page = client.get(response.url).content.decode()
    assert "Thank you, your comment is awaiting moderation." in page
    # The commenter sees their own held comment through the link they were sent to...
    assert "Icing helps me too" in page
    assert "Your comment is awaiting moderation." in page
    assert "2 thoughts on" in page
    # ...nobody else does.
    other_page = client.get(article.get_absolute_url()).content.decode()
    assert "Icing helps me too" not in other_page


def test_a_returning_commenter_is_approved_at_once(client, article):
    become_returning_commenter(client, article, email="priya@example.com")

    response = post_comment(client, article, email="Priya@Example.com")

    comment = Comment.objects.filter(body__startswith="Icing").get()
    assert comment.status == Comment.Status.APPROVED
    assert comment.email == "priya@example.com"
    page = client.get(response.url).content.decode()
    assert "Thank you, your comment is published." in page
    assert f'id="comment-{comment.pk}"' in page
    assert "4 thoughts on" in page


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM])
def test_earlier_comments_that_were_not_approved_do_not_count(client, article, status):
    post_comment(client, article, comment="My first comment here.")
    Comment.objects.filter(body="My first comment here.").update(status=status)
    post_comment(client, article)
    assert Comment.objects.filter(body__startswith="Icing").get().status == "pending"


def test_a_comment_with_two_links_is_held_even_from_a_returning_commenter(client, article):
    become_returning_commenter(client, article, email="priya@example.com")
    one_link = "My plan: https://runs.example/plan"
    two_links = one_link + " and www.example.org/stretches"

    post_comment(client, article, comment=one_link)
    post_comment(client, article, comment=two_links)

    assert Comment.objects.get(body=one_link).status == Comment.Status.APPROVED
    assert Comment.objects.get(body=two_links).status == Comment.Status.PENDING


def test_links_in_comments_and_websites_are_nofollow_ugc_noopener(client, article):
    comment = CommentFactory(
        post=article, website="https://priya.example", body="See https://runs.example/plan"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    fragment = html[html.index(f'id="comment-{comment.pk}"') :]
    assert (
        '<a class="comment__author-link" href="https://priya.example" rel="nofollow ugc noopener">'
        in fragment
    )
    assert '<a href="https://runs.example/plan" rel="nofollow ugc noopener">' in fragment


def test_the_honeypot_refuses_the_comment(client, article):
    response = post_comment(client, article, subject="Cheap pills")
    assert response.status_code == 400
    assert "looks automated" in response.content.decode()
    assert not Comment.objects.filter(email="priya@example.com").exists()


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<p class="comment-form__trap" aria-hidden="true">' in html
    assert 'name="subject" tabindex="-1"' in html
    assert "style=" not in html[html.index('id="respond"') :]


def test_a_form_sent_too_fast_is_refused(client, article, settings):
    settings.BLOG_COMMENT_MIN_SECONDS = 60
    response = post_comment(client, article)
    assert response.status_code == 400
    assert "quicker than anyone can type" in response.content.decode()
    assert not Comment.objects.filter(email="priya@example.com").exists()


def test_an_expired_form_is_refused(client, article):
    with mock.patch("blog.antispam.time.time", return_value=0):
        old_token = issue_form_token(article.pk)
    response = post_comment(client, article, token=old_token)
    assert response.status_code == 400
    assert "This form has expired" in response.content.decode()
    assert not Comment.objects.filter(email="priya@example.com").exists()


@pytest.mark.parametrize("forge", [lambda t: "", lambda t: "forged", lambda t: t[:-2] + "xx"])
def test_a_missing_or_forged_token_is_refused(client, article, forge):
    response = post_comment(client, article, token=forge(issue_form_token(article.pk)))
    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert not Comment.objects.filter(email="priya@example.com").exists()


def test_a_token_from_another_article_is_refused(client, article):
    other = PostFactory()
    response = post_comment(client, article, token=issue_form_token(other.pk))
    assert response.status_code == 400
    assert "belongs to another article" in response.content.decode()


def test_a_replayed_form_is_refused(client, article):
    data = comment_data(article)
    assert client.post(article.get_absolute_url(), data).status_code == 302

    response = client.post(article.get_absolute_url(), data)

    assert response.status_code == 400
    assert "already been sent" in response.content.decode()
    assert Comment.objects.filter(email="priya@example.com").count() == 1


def test_a_form_shown_again_with_errors_carries_a_fresh_token(client, article):
    data = comment_data(article, email="not-an-email")
    first = client.post(article.get_absolute_url(), data)
    assert first.status_code == 400
    fresh = first.content.decode().split('name="token" value="')[1].split('"')[0]
    assert fresh != data["token"]

    response = client.post(
        article.get_absolute_url(), {**data, "email": "priya@example.com", "token": fresh}
    )
    assert response.status_code == 302


def test_more_than_five_posts_a_minute_from_one_address_get_429(client, article):
    for n in range(5):
        response = post_comment(client, article, comment=f"Comment number {n}")
        assert response.status_code == 302

    response = post_comment(client, article, comment="The sixth one")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Please wait a minute" in html
    assert "The sixth one" in html  # what they typed is still in the form
    assert not Comment.objects.filter(body="The sixth one").exists()
    # Another address is not affected.
    response = client.post(
        article.get_absolute_url(), comment_data(article), REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302


def test_a_reply_goes_under_its_parent(client, article):
    david = article.comments.get(author_name="David")
    form_page = client.get(f"{article.get_absolute_url()}?replytocom={david.pk}").content.decode()
    assert "Reply to David" in form_page
    assert f'name="parent" id="comment-parent" value="{david.pk}"' in form_page

    become_returning_commenter(client, article, email="priya@example.com")
    response = post_comment(client, article, parent=str(david.pk), comment="Same for me!")

    reply = Comment.objects.get(body="Same for me!")
    assert reply.parent == david and reply.depth == 1
    page = parse(client.get(response.url))
    david_li = page.find(f".//li[@id='comment-{david.pk}']")
    replies = david_li.find("ol").findall("li")
    assert [li.get("id") for li in replies][-1] == f"comment-{reply.pk}"
    assert "Same for me!" in text_of(replies[-1])


def test_replies_stop_at_five_levels(client, article):
    comment = CommentFactory(post=article)
    for _ in range(4):
        comment = CommentFactory(post=article, parent=comment)
    assert comment.depth == 4

    response = post_comment(client, article, parent=str(comment.pk))

    assert response.status_code == 400
    assert "too deep" in response.content.decode()
    assert f"?replytocom={comment.pk}" not in response.content.decode()


def test_a_staff_members_reply_is_published_as_the_shops(client, article):
    client.force_login(UserFactory(is_staff=True))
    david = article.comments.get(author_name="David")

    post_comment(client, article, parent=str(david.pk), name="SimplyJnJ", comment="Take care!")

    reply = Comment.objects.get(body="Take care!")
    assert reply.status == Comment.Status.APPROVED and reply.is_staff_reply


def test_remembering_the_commenter_is_opt_in(client, article):
    response = post_comment(client, article, remember="on", website="https://priya.example")
    saved = unquote(response.cookies["comment_author"].value)
    assert saved == "name=Priya&email=priya%40example.com&url=https%3A%2F%2Fpriya.example"
    # The server never writes the remembered details into the page.
    assert "priya@example.com" not in client.get(article.get_absolute_url()).content.decode()

    response = post_comment(client, article, comment="Another one")
    assert response.cookies["comment_author"]["max-age"] == 0


HUGE = "x" * 5001
BAD_INPUT = [
    ("empty comment", {"comment": ""}, "comment", "This field is required."),
    ("blank comment", {"comment": "   \n "}, "comment", "This field is required."),
    ("empty name", {"name": ""}, "name", "This field is required."),
    ("empty email", {"email": ""}, "email", "This field is required."),
    ("comment too long", {"comment": HUGE}, "comment", "at most 5000 characters"),
    ("name too long", {"name": "n" * 101}, "name", "at most 100 characters"),
    ("malformed email", {"email": "priya@"}, "email", "Enter a valid email address."),
    ("email with markup", {"email": "<script>@x.com"}, "email", "Enter a valid email address."),
    ("malformed website", {"website": "http://"}, "website", "Enter a valid URL."),
    ("javascript website", {"website": "javascript:alert(1)"}, "website", "Enter a valid URL."),
    ("website too long", {"website": "https://e.com/" + "a" * 200}, "website", "at most 200"),
    ("script in comment", {"comment": "<script>alert(1)</script>"}, "comment", "plain text"),
    ("html in comment", {"comment": 'Hi <img src=x onerror="alert(1)">'}, "comment", "plain text"),
    ("html in name", {"name": "<b>Priya</b>"}, "name", "plain text"),
    ("not a number as parent", {"parent": "abc"}, "parent", "Enter a whole number."),
    ("unknown parent", {"parent": "999999"}, "parent", "not available"),
]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_gets_a_clear_error_and_stores_nothing(client, article, fields, field, message):
    before = Comment.objects.count()

    response = post_comment(client, article, **fields)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "was not posted" in response.content.decode()
    assert Comment.objects.count() == before


def test_a_reply_to_a_comment_of_another_post_is_refused(client, article):
    foreign = CommentFactory(post=PostFactory())
    response = post_comment(client, article, parent=str(foreign.pk))
    assert response.status_code == 400
    assert "not available" in response.content.decode()
    assert not Comment.objects.filter(email="priya@example.com").exists()


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM])
def test_a_reply_to_a_comment_that_is_not_approved_is_refused(client, article, status):
    hidden = CommentFactory(post=article, status=status)
    response = post_comment(client, article, parent=str(hidden.pk))
    assert response.status_code == 400
    assert "not available" in response.content.decode()
    assert not Comment.objects.filter(email="priya@example.com").exists()


def test_posting_to_a_missing_or_draft_post_is_not_found(client, article):
    draft = PostFactory(status="draft", published_at=None)
    assert client.post(draft.get_absolute_url(), comment_data(draft)).status_code == 404
    assert client.post("/blog/no-such-post/", comment_data(article)).status_code == 404
    assert not Comment.objects.filter(email="priya@example.com").exists()


def test_a_post_scheduled_for_later_is_not_shown_yet(client):
    from django.utils import timezone

    later = PostFactory(published_at=timezone.now() + timezone.timedelta(days=1))
    assert client.get(later.get_absolute_url()).status_code == 404
    assert later.title not in client.get(reverse("blog:post_list")).content.decode()
