from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from blog.caching import comments_changed
from blog.models import Comment, Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "author", "updated_at"]
    list_filter = ["status", "published_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    list_select_related = ["author"]
    raw_id_fields = ["author"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author_name", "excerpt", "post", "status", "is_staff_reply", "created"]
    list_filter = ["status", "is_staff_reply", "created", "post"]
    search_fields = ["author_name", "email", "body", "ip_address"]
    list_select_related = ["post"]
    date_hierarchy = "created"
    raw_id_fields = ["post", "parent"]
    readonly_fields = ["ip_address", "user_agent", "created"]
    actions = ["approve", "mark_spam", "move_to_trash"]

    @admin.display(description=_("Comment"))
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    def _set_status(self, request, queryset, status, done):
        comments_changed(*queryset.values_list("post_id", flat=True))
        count = queryset.update(status=status)
        self.message_user(request, done % {"count": count})

    @admin.action(description=_("Approve selected comments"))
    def approve(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.APPROVED, _("%(count)d approved."))

    @admin.action(description=_("Mark selected comments as spam"))
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.SPAM, _("%(count)d marked as spam."))

    @admin.action(description=_("Move selected comments to the trash"))
    def move_to_trash(self, request, queryset):
        self._set_status(
            request, queryset, Comment.Status.TRASH, _("%(count)d moved to the trash.")
        )
