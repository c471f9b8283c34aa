"""The comment workflow: submit, moderate, tell staff about what waits for them."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction

from blog.emails import COMMENT_HELD
from blog.models import Comment, Post
from shop.core.outbox import services as outbox

logger = logging.getLogger(__name__)


@transaction.atomic
def submit_comment(
    *,
    post: Post,
    parent: Comment | None,
    author_name: str,
    email: str,
    website: str,
    body: str,
    ip_address: str | None,
    user_agent: str,
    by_staff: bool = False,
    written_here: list[int] = (),
) -> Comment:
    """Save a comment approved or held for moderation; staff hear about held ones.

    `written_here`: the comments the same browser posted before (see
    blog.antispam.comments_written_here), which make a returning commenter.
    """
    comment = Comment(
        post=post,
        parent=parent,
        author_name=author_name,
        email=email,
        website=website,
        body=body,
        ip_address=ip_address,
        user_agent=user_agent[:255],
        is_staff_reply=by_staff,
    )
    comment.status = comment.moderation_status(written_here=written_here)
    comment.save()
    if comment.status == Comment.Status.PENDING:
        notify_staff_of_held_comment(comment)
    return comment


def notify_staff_of_held_comment(comment: Comment) -> None:
    """One email to each staff member with an address, written with the comment."""
    recipients = (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    for user_id, email in recipients:
        outbox.enqueue(
            kind=COMMENT_HELD,
            to=email,
            context={"comment": comment.pk},
            key=f"comment-held:{comment.pk}:{user_id}",
        )
    if not recipients:
        logger.warning("Comment %s is held but no staff member has an email address", comment.pk)
