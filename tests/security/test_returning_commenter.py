"""Typing an approved commenter's address does not publish at once: only the browser
that wrote their approved comment does."""

import pytest
from django.test import Client

from blog.content import ARTICLE_SLUG
from blog.content import load as load_blog
from blog.models import Comment, Post
from tests.blog.conftest import become_returning_commenter, comment_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    load_blog()
    return Post.objects.get(slug=ARTICLE_SLUG)


def test_an_impostor_typing_a_returning_commenters_address_is_held(client, article):
    become_returning_commenter(client, article, email="priya@example.com")

    impostor = Client()
    impostor.post(
        article.get_absolute_url(),
        comment_data(article, name="Priya", email="Priya@Example.com", comment="Buy pills here"),
    )
    assert Comment.objects.get(body="Buy pills here").status == Comment.Status.PENDING

    # The real commenter, from her browser, is still trusted (any spelling of her mailbox).
    client.post(
        article.get_absolute_url(),
        comment_data(article, email="PRIYA+blog@example.com", comment="Icing worked, thanks"),
    )
    assert Comment.objects.get(body="Icing worked, thanks").status == Comment.Status.APPROVED


def test_a_forged_cookie_proves_nothing(client, article):
    become_returning_commenter(client, article, email="priya@example.com")
    approved = Comment.objects.get(body="My first comment here.")

    impostor = Client()
    impostor.cookies["comments_written"] = str(approved.pk)  # unsigned
    impostor.post(
        article.get_absolute_url(), comment_data(article, email="priya@example.com", comment="Hi")
    )
    assert Comment.objects.get(body="Hi").status == Comment.Status.PENDING


def test_a_browser_vouches_only_for_its_own_mailbox(client, article):
    become_returning_commenter(client, article, email="priya@example.com")
    client.post(
        article.get_absolute_url(),
        comment_data(article, email="someone.else@example.com", comment="Other person"),
    )
    assert Comment.objects.get(body="Other person").status == Comment.Status.PENDING
