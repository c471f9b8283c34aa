"""The comment workflow: submit, moderate, tell staff about what waits for them."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from blog import tasks
from blog.models import Comment, Post

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
        # robust: a broker outage is logged, not turned into an error page for a
        # comment that is saved and waits in the admin all the same.
        transaction.on_commit(
            lambda: tasks.notify_staff_of_held_comment.delay(comment.pk), robust=True
        )
    return comment


@transaction.atomic
def notify_staff_of_held_comment(*, comment_id: int) -> bool:
    """Email staff about a held comment, once. Returns whether an email went out."""
    comment = (
        Comment.objects.select_for_update()
        .filter(pk=comment_id, status=Comment.Status.PENDING, staff_notified_at__isnull=True)
        .select_related("post")
        .first()
    )
    if comment is None:
        return False
    recipients = list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        _send_held_comment_email(comment, recipients)
    else:
        logger.warning("Comment %s is held but no staff member has an email address", comment.pk)
    comment.staff_notified_at = timezone.now()
    comment.save(update_fields=["staff_notified_at"])
    return bool(recipients)


def _send_held_comment_email(comment: Comment, recipients: list[str]) -> None:
    scheme = "http" if settings.DEBUG else "https"
    domain = Site.objects.get_current().domain
    context = {
        "comment": comment,
        "post": comment.post,
        "post_url": f"{scheme}://{domain}{comment.post.get_absolute_url()}",
        "change_url": f"{scheme}://{domain}"
        + reverse("admin:blog_comment_change", args=[comment.pk]),
        "pending_url": f"{scheme}://{domain}"
        + reverse("admin:blog_comment_changelist")
        + "?status__exact=pending",
    }
    message = EmailMultiAlternatives(
        subject=f"Comment waiting for moderation on “{comment.post.title}”",
        body=render_to_string("emails/blog_comment_held.txt", context),
        to=recipients,
    )
    message.attach_alternative(
        render_to_string("emails/blog_comment_held.html", context), "text/html"
    )
    message.send()
