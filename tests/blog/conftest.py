import html5lib
import pytest
from django.core.cache import cache

from blog.antispam import issue_form_token
from blog.content import ARTICLE_SLUG, load
from blog.models import Post

PROMO_TITLE = "SimplyJnJ Cold Therapy Ice Gel Wrap"


@pytest.fixture(autouse=True)
def comment_rules(settings):
    """Forms may be sent at once in tests; rate-limit counters and used tokens start afresh."""
    settings.BLOG_COMMENT_MIN_SECONDS = 0
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def article(db) -> Post:
    """The seed article with its two comments, loaded as `make run` loads it."""
    load()
    return Post.objects.get(slug=ARTICLE_SLUG)


def comment_data(post: Post, **fields) -> dict:
    """What the article's comment form sends, with a valid token."""
    data = {
        "comment": "Icing helps me too, thanks for the article.",
        "name": "Priya",
        "email": "priya@example.com",
        "website": "",
        "parent": "",
        "subject": "",
        "token": issue_form_token(post.pk),
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def parse(response):
    """The page as the browser's parser sees it (an ElementTree)."""
    return html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def become_returning_commenter(client, post: Post, email: str = "priya@example.com") -> None:
    """Post a comment from this browser and have staff approve it: the browser's
    signed cookie then vouches for the next comment with that address."""
    from blog.models import Comment

    body = "My first comment here."
    client.post(post.get_absolute_url(), comment_data(post, email=email, comment=body))
    Comment.objects.filter(body=body).update(status=Comment.Status.APPROVED)
