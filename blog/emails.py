"""The email staff get about a comment held for moderation, built by the outbox."""

from django.urls import reverse

from blog.models import Comment
from shop.core.outbox.messages import absolute_url, kind, templated

COMMENT_HELD = "blog.comment_held"


@kind(COMMENT_HELD)
def comment_held(email):
    comment = (
        Comment.objects.filter(pk=email.context["comment"], status=Comment.Status.PENDING)
        .select_related("post")
        .first()
    )
    if comment is None:  # moderated (or deleted) before the email went out
        return None
    context = {
        "comment": comment,
        "post": comment.post,
        "post_url": absolute_url(comment.post.get_absolute_url()),
        "change_url": absolute_url(reverse("admin:blog_comment_change", args=[comment.pk])),
        "pending_url": absolute_url(
            reverse("admin:blog_comment_changelist") + "?status__exact=pending"
        ),
    }
    return templated("blog_comment_held", context, to=email.to)
