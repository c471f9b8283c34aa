"""What the blog keeps about a person (their comments), for shop.core.privacy."""

from datetime import datetime, timedelta

from django.conf import settings

from blog.caching import comments_changed
from blog.models import Comment
from shop.core.mailbox import of_mailbox
from shop.core.privacy.registry import register

ANONYMOUS = "Anonymous"
REMOVED = "[Removed at the writer's request.]"


def _comments(box: str) -> list[Comment]:
    return of_mailbox(Comment.objects.select_related("post"), "email", box)


def export_comments(box: str) -> list[dict]:
    return [
        {
            "post": c.post.title,
            "url": c.get_absolute_url(),
            "written": c.created.isoformat(timespec="seconds"),
            "name": c.author_name,
            "email": c.email,
            "website": c.website,
            "comment": c.body,
            "status": c.status,
            "in_reply_to_comment": c.parent_id,
            "ip_address": c.ip_address,
            "browser": c.user_agent,
        }
        for c in sorted(_comments(box), key=lambda c: c.created)
    ]


def erase_comments(box: str, *, remove_text: bool = False) -> list[str]:
    """Anonymised in place, so replies keep their thread."""
    comments = _comments(box)
    for comment in comments:
        comment.author_name = ANONYMOUS
        comment.email = comment.website = comment.user_agent = ""
        comment.ip_address = None
        if remove_text:
            comment.body = REMOVED
        comment.save()  # renders body_html again; the post's cached thread is renewed
    removed = " and their text removed" if remove_text else ""
    return [f"comments: {len(comments)} anonymised{removed}"]


def clear_old_addresses(now: datetime) -> list[str]:
    cutoff = now - timedelta(days=settings.PRIVACY_IP_RETENTION_DAYS)
    old = Comment.objects.filter(created__lt=cutoff).exclude(ip_address=None, user_agent="")
    post_ids = list(old.values_list("post_id", flat=True).distinct())
    count = old.update(ip_address=None, user_agent="")
    if count:
        comments_changed(*post_ids)
        return [f"comments: IP address cleared from {count}"]
    return []


def register_keeper() -> None:
    register(
        "comments", exporter=export_comments, eraser=erase_comments, retention=clear_old_addresses
    )
