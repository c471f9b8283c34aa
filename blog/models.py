from collections.abc import Iterable

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from blog.rendering import render_comment_body, render_post_body, split_embeds
from shop.core.mailbox import same_mailbox


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    excerpt = models.TextField(blank=True, help_text=_("Shown in lists and feeds."))
    body = models.TextField(
        help_text=_(
            "Markdown. A line [[product:UPC]] shows that catalogue product, "
            "with its current price and an add-to-basket button."
        )
    )
    body_html = models.TextField(editable=False)
    hero_image = models.ImageField(
        upload_to="blog/heroes/",
        blank=True,
        width_field="hero_width",
        height_field="hero_height",
    )
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_alt = models.CharField(
        max_length=200, blank=True, help_text=_("What the hero image shows, for screen readers.")
    )
    seo_description = models.CharField(
        max_length=160, blank=True, help_text=_("For search engines; the excerpt if left empty.")
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_post_body(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:post_detail", kwargs={"slug": self.slug})

    @cached_property
    def body_parts(self) -> list[tuple[str, str]]:
        """The body as HTML fragments and the UPCs of the products shown between them."""
        return split_embeds(self.body_html)

    @property
    def embedded_upcs(self) -> list[str]:
        return [value for kind, value in self.body_parts if kind == "product"]


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def for_page(self, post: Post, *, preview_id: int | None = None):
        """The approved comments of a post, and the visitor's own held one if any."""
        shown = models.Q(status=Comment.Status.APPROVED)
        if preview_id:
            shown |= models.Q(pk=preview_id, status=Comment.Status.PENDING)
        return self.filter(shown, post=post)


def thread(comments) -> list["Comment"]:
    """Arrange comments into a thread: the top-level ones, each with its `children`."""
    children = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    for comment in comments:
        comment.children = children.get(comment.pk, [])
    return children.get(None, [])


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

    # WordPress's defaults: replies nest five deep, two links hold a comment.
    MAX_DEPTH = 5
    MAX_LINKS = 2

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    author_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True, db_index=True, help_text=_("Never shown on the site."))
    website = models.URLField(blank=True, validators=[URLValidator(schemes=["http", "https"])])
    body = models.TextField(help_text=_("Plain text, as the commenter wrote it."))
    body_html = models.TextField(editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    is_staff_reply = models.BooleanField(
        default=False, help_text=_("Written by the shop's staff; shown as the shop's reply.")
    )
    # Kept for moderation only; never shown on the site.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self):
        return f"{self.author_name} on {self.post}"

    def save(self, *args, **kwargs):
        self.body_html = render_comment_body(self.body)
        self.depth = self.parent.depth + 1 if self.parent_id else 0
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"

    @property
    def accepts_replies(self) -> bool:
        return self.status == self.Status.APPROVED and self.depth < self.MAX_DEPTH - 1

    def moderation_status(self, *, written_here: Iterable[int] = ()) -> "Comment.Status":
        """WordPress's defaults: hold links and first-time commenters, trust returning
        ones: those whose approved comment this browser posted (`written_here`) with
        the same mailbox. A typed address alone proves nothing."""
        if self.is_staff_reply:
            return self.Status.APPROVED
        if self.link_count >= self.MAX_LINKS:
            return self.Status.PENDING
        earlier = Comment.objects.approved().filter(pk__in=written_here)
        if self.email and any(same_mailbox(c.email, self.email) for c in earlier):
            return self.Status.APPROVED
        return self.Status.PENDING

    @property
    def link_count(self) -> int:
        return render_comment_body(self.body).count("<a ")

    @property
    def website_url(self) -> str:
        """The website, only if it is a web address (never javascript: and the like)."""
        return self.website if self.website.lower().startswith(("http://", "https://")) else ""
