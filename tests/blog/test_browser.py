import pytest
from playwright.sync_api import expect

from blog.content import load
from blog.models import Comment
from tests.blog.factories import UserFactory

pytestmark = [pytest.mark.chromium, pytest.mark.django_db(transaction=True)]

ARTICLE_URL = "/blog/why-do-i-have-hip-pain-after-running/"


def test_a_reader_comments_and_replies_and_sees_the_moderation_message(
    page, comment_rules, celery_eager, mailoutbox
):
    load()
    UserFactory(is_staff=True, email="moderator@simplyjnj.com")
    page.goto(ARTICLE_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Why Do I Have Hip Pain After Running?"
    )
    expect(page.get_by_text("2 thoughts on")).to_be_visible()

    # The page also has the newsletter boxes, with their own email fields.
    respond = page.locator("#respond")
    respond.get_by_role("textbox", name="Comment").fill(
        "Ice after every long run works for me too."
    )
    respond.get_by_role("textbox", name="Name").fill("Priya")
    respond.get_by_role("textbox", name="Email").fill("priya@example.com")
    respond.get_by_role("button", name="Post Comment").click()

    expect(page.get_by_text("Thank you, your comment is awaiting moderation.")).to_be_visible()
    expect(page.locator(".comment__awaiting")).to_have_text("Your comment is awaiting moderation.")

    page.get_by_role("link", name="Reply to David").click()
    expect(page.locator("#reply-title")).to_contain_text("Reply to David")
    respond.get_by_role("textbox", name="Comment").fill(
        "David, did the icing help with the clicking too?"
    )
    respond.get_by_role("textbox", name="Name").fill("Priya")
    respond.get_by_role("textbox", name="Email").fill("priya@example.com")
    respond.get_by_role("button", name="Post Comment").click()

    expect(page.get_by_text("Thank you, your comment is awaiting moderation.")).to_be_visible()
    david = Comment.objects.get(author_name="David")
    first, reply = Comment.objects.filter(author_name="Priya").order_by("created")
    assert first.parent is None and reply.parent == david
    assert {first.status, reply.status} == {Comment.Status.PENDING}
    # The held reply is shown to its writer in its place, under David's comment.
    expect(
        page.locator(f"#comment-{david.pk} #comment-{reply.pk} .comment__awaiting")
    ).to_be_visible()
    # Staff heard about both held comments.
    assert [m.to for m in mailoutbox] == [["moderator@simplyjnj.com"]] * 2
