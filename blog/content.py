"""The advice articles and their seed comments, loaded by `manage.py load_site_content`.

Idempotent: objects are found by their natural keys and only saved when something differs.
"""

from datetime import UTC, datetime
from pathlib import Path

from django.contrib.auth import get_user_model

from blog.models import Comment, Post

CONTENT_DIR = Path(__file__).resolve().parent / "articles"
ARTICLE_SLUG = "why-do-i-have-hip-pain-after-running"

POSTS = [
    {
        "slug": "common-hip-problems-and-how-to-deal-with-them",
        "title": "Common Hip Problems and How to Deal with Them",
        "published_at": datetime(2019, 5, 6, 9, 0, tzinfo=UTC),
        "excerpt": (
            "Strains, bursitis, tendinitis, labral tears, arthritis and stress fractures: "
            "how to tell the common hip problems apart, and what helps."
        ),
        "seo_description": (
            "The most common hip problems, how they feel and how to deal with them: "
            "rest, cold therapy, strength work and knowing when to see a professional."
        ),
    },
    {
        "slug": ARTICLE_SLUG,
        "title": "Why Do I Have Hip Pain After Running?",
        "published_at": datetime(2019, 6, 3, 9, 0, tzinfo=UTC),
        "excerpt": (
            "Hip pain after running can be a sign of something serious. The four most "
            "common causes, from bursitis to stress fractures, and how to treat them."
        ),
        "seo_description": (
            "Bursitis, strength imbalances, cartilage tears and stress fractures: why your "
            "hip hurts after a run, and how to treat it."
        ),
    },
]

DAVID = {
    "author_name": "David",
    "created": datetime(2019, 6, 11, 18, 24, tzinfo=UTC),
    "body": (
        "I always have hip pain when I push myself a little bit too hard (10-15k runs instead "
        "of just doing 5k). The only thing that seems to help is to ice it afterwards. Might be "
        "time for me to get it checked out…"
    ),
}
SHOP_REPLY = {
    "author_name": "SimplyJnJ",
    "created": datetime(2019, 6, 12, 8, 3, tzinfo=UTC),
    "is_staff_reply": True,
    "body": (
        "Thanks for leaving a comment David. I’m glad the icing is working for you… and I agree, "
        "it the problem is persisting, then it’s time to get it checked out by a professional. "
        "Even if it’s just to make sure that you are not making it worse. Take care."
    ),
}


def _save_if_changed(model, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first() or model(**lookup)
    changed = obj.pk is None or any(getattr(obj, k) != v for k, v in values.items())
    if changed:
        for key, value in values.items():
            setattr(obj, key, value)
        obj.save()
    return obj, changed


def load() -> str:
    author, _ = get_user_model().objects.get_or_create(
        username="simplyjnj", defaults={"first_name": "SimplyJnJ", "is_active": False}
    )
    saved = 0
    posts = {}
    for spec in POSTS:
        values = {k: v for k, v in spec.items() if k != "slug"}
        values["body"] = (CONTENT_DIR / f"{spec['slug']}.md").read_text(encoding="utf-8")
        values["author"] = author
        values["status"] = Post.Status.PUBLISHED
        post, changed = _save_if_changed(Post, {"slug": spec["slug"]}, values)
        if changed:
            # The article's own date, not the load's: feeds and the sitemap show it.
            # (A queryset update, as `updated_at` is set on every save.)
            Post.objects.filter(pk=post.pk).update(updated_at=spec["published_at"])
            post.updated_at = spec["published_at"]
        posts[spec["slug"]] = post
        saved += changed

    article = posts[ARTICLE_SLUG]
    approved = {"status": Comment.Status.APPROVED}
    david, changed = _save_if_changed(
        Comment,
        {"post": article, "parent": None, "author_name": DAVID["author_name"]},
        {**DAVID, **approved},
    )
    saved += changed
    _, changed = _save_if_changed(
        Comment,
        {"post": article, "parent": david, "author_name": SHOP_REPLY["author_name"]},
        {**SHOP_REPLY, **approved},
    )
    saved += changed
    return f"{len(posts)} posts, 2 seed comments ({saved} saved)"
