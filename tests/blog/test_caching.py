"""The article's comment thread is served from the cache, yet every change to the
comments shows on the very next page view that renders it (the whole-page cache in
front is tested in tests/shop/test_page_cache.py)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from oscar.apps.partner.models import StockRecord

from blog.models import Comment
from tests.blog.conftest import become_returning_commenter, comment_data
from tests.blog.factories import CommentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def thread_of(client, post) -> str:
    """The whole article page, its comment thread included."""
    return client.get(post.get_absolute_url()).content.decode()


def test_a_newly_approved_comment_shows_on_the_next_view(client, article):
    held = CommentFactory(post=article, status=Comment.Status.PENDING, body="Foam rolling helped.")
    assert "Foam rolling helped." not in thread_of(client, article)
    assert "2 thoughts on" in thread_of(client, article)  # now from the cache

    held.status = Comment.Status.APPROVED
    held.save()

    page = thread_of(client, article)
    assert "Foam rolling helped." in page
    assert "3 thoughts on" in page


def test_approving_in_the_admin_shows_the_comment_on_the_next_view(client, article):
    held = CommentFactory(post=article, status=Comment.Status.PENDING, body="Foam rolling helped.")
    thread_of(client, article)
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("mod", "mod@example.com", "pw"))
    admin.post(
        reverse("admin:blog_comment_changelist"),
        {"action": "approve", "_selected_action": [held.pk]},
    )

    assert "Foam rolling helped." in thread_of(client, article)


def test_a_comment_posted_by_a_returning_commenter_shows_at_once(client, article):
    become_returning_commenter(client, article, email="priya@example.com")
    thread_of(client, article)

    client.post(article.get_absolute_url(), comment_data(article, comment="Ice, then stretch."))

    assert "Ice, then stretch." in thread_of(client, article)


def test_a_comment_moved_to_the_trash_or_deleted_disappears(client, article):
    spam = CommentFactory(post=article, body="Buy cheap watches.")
    gone = CommentFactory(post=article, body="Posted twice by mistake.")
    assert "Buy cheap watches." in thread_of(client, article)

    spam.status = Comment.Status.TRASH
    spam.save()
    gone.delete()

    page = thread_of(client, article)
    assert "Buy cheap watches." not in page
    assert "Posted twice by mistake." not in page


def test_the_author_of_a_held_comment_still_sees_it_after_posting(client, article):
    thread_of(client, article)  # the thread is cached for everyone else

    response = client.post(
        article.get_absolute_url(),
        comment_data(article, email="new@example.com", comment="Is this normal?"),
        follow=True,
    )

    assert "Is this normal?" in response.content.decode()
    assert "Your comment is awaiting moderation." in response.content.decode()
    assert "Is this normal?" not in thread_of(Client(), article)


def test_the_article_promo_shows_the_new_price(client, article, wrap):
    assert "$34.00" in thread_of(client, article)

    StockRecord.objects.filter(product=wrap).update(price=Decimal("19.99"))

    assert "$19.99" in thread_of(client, article)
