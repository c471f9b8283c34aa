"""Generated hostile comments, through the form and straight into the database, never
put script, event handlers or unsafe links into the page."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog.forms import CommentForm
from blog.models import Comment
from blog.services import submit_comment
from tests.blog.conftest import comment_data, parse

pytestmark = pytest.mark.django_db

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    '" onfocus="alert(1)" autofocus="',
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    '<a href="javascript:alert(1)">click</a>',
    "<iframe src=//evil.example></iframe>",
    "<style>body{display:none}</style>",
    "</textarea><script>alert(1)</script>",
    "<!--",
    "]]>",
    "&lt;script&gt;",
    "&#x3C;script&#x3E;",
    "https://evil.example/?q=<script>",
    'https://evil.example/" onclick="alert(1)',
    "www.evil.example/<b>",
    "http://[::1]/x",
    "\u202eRTL\u202c",
    "\u0000",
    "💥🏃‍♀️",
    "\r\n\r\n",
]
hostile_text = st.lists(
    st.one_of(st.sampled_from(ATTACKS), st.text(max_size=12)), min_size=1, max_size=6
).map("".join)
hostile_website = st.one_of(
    st.sampled_from(ATTACKS),
    hostile_text,
    hostile_text.map(lambda s: "https://example.com/" + s),
    hostile_text.map(lambda s: "http://" + s),
)
entries = st.tuples(hostile_text, hostile_text, hostile_website)
# Rendering and parsing the page is what an example costs, so each example puts 20
# entries on it: the "ci" profile's 50 examples (tests/conftest.py) make 1,000 hostile
# comments, each sent through the form and written straight to the database.
ENTRIES_PER_EXAMPLE = 20
# The thread's own links, and the comment form's link to the privacy page.
OUR_LINKS = ("?replytocom=", "#comment-", "#respond", "/privacy/")
THREAD_TAGS = {"li", "ol", "article", "footer", "b", "span", "a", "time", "p", "div", "br"}
counter = itertools.count()


def scripts(page) -> tuple[list, set]:
    """The page's script elements and event-handler attributes."""
    elements = sorted((s.get("src") or "", s.text or "") for s in page.iter("script"))
    handlers = {
        (element.tag, name, value)
        for element in page.iter()
        for name, value in element.attrib.items()
        if name.lower().startswith("on")
    }
    return elements, handlers


def assert_safe(page, baseline):
    """Only the templates' own scripts and handlers; user links are http(s), nofollow, ugc."""
    assert scripts(page) == baseline
    thread = page.find(".//section[@id='comments']")
    for link in thread.iter("a"):
        href = link.get("href", "")
        if href.startswith(OUR_LINKS) or link.get("id") == "cancel-comment-reply-link":
            continue
        assert href.startswith(("http://", "https://")), href
        assert {"nofollow", "ugc"} <= set(link.get("rel", "").split()), link.attrib
    for comment_list in thread.iter("ol"):
        assert {e.tag for e in comment_list.iter()} <= THREAD_TAGS


@pytest.fixture
def baseline(client, article):
    return scripts(parse(client.get(article.get_absolute_url())))


@settings(database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(entries, min_size=ENTRIES_PER_EXAMPLE, max_size=ENTRIES_PER_EXAMPLE))
def test_hostile_comments_never_reach_the_page_as_markup(
    client, article, comment_rules, baseline, batch
):
    comment_rules.RATE_LIMITS = {**comment_rules.RATE_LIMITS, "blog.comment": (10**9, 60)}
    seed = list(article.comments.values_list("pk", flat=True))
    david = article.comments.get(author_name="David")
    try:
        for index, (body, name, website) in enumerate(batch):
            n = next(counter)
            data = comment_data(
                article,
                comment=body,
                name=name,
                website=website,
                email=f"reader{n}@example.com",
                parent=str(david.pk),
            )
            if index == 0:
                # Through the page's form: refused with the form shown again, or saved.
                response = client.post(article.get_absolute_url(), data)
                assert response.status_code in (302, 400)
                if response.status_code == 400:
                    assert_safe(parse(response), baseline)
            else:
                # Through the same form and service, without rendering a page each time.
                form = CommentForm(data, post=article)
                if form.is_valid():
                    submit_comment(
                        post=article,
                        parent=form.cleaned_data["parent"],
                        author_name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                        website=form.cleaned_data["website"],
                        body=form.cleaned_data["comment"],
                        ip_address="192.0.2.1",
                        user_agent=name,
                    )
            # Straight into the database (as staff could in the admin), unchecked.
            Comment.objects.create(
                post=article,
                author_name=name.replace("\x00", "")[:100],
                email=f"direct{n}@example.com",
                website=website.replace("\x00", "")[:200],
                body=body.replace("\x00", ""),
                status=Comment.Status.APPROVED,
            )
        article.comments.update(status=Comment.Status.APPROVED)
        assert_safe(parse(client.get(article.get_absolute_url())), baseline)
    finally:
        article.comments.exclude(pk__in=seed).delete()
