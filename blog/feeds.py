from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from blog.models import Post


class LatestPostsFeed(Feed):
    title = "SimplyJnJ advice"
    link = reverse_lazy("blog:post_list")
    description = "Advice for runners with hip pain, from SimplyJnJ."

    def items(self):
        return Post.objects.published().select_related("author")[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.excerpt

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author.get_full_name() or item.author.get_username()


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description


class PostCommentsFeed(Feed):
    """The approved comments of one post, newest first."""

    def get_object(self, request, slug):
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, obj):
        return f"Comments on “{obj.title}”"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"The latest comments on “{obj.title}” at SimplyJnJ."

    def items(self, obj):
        return obj.comments.approved().select_related("post").order_by("-created")[:50]

    def item_title(self, item):
        return f"By {item.author_name}: {Truncator(item.body).words(8)}"

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created

    def item_author_name(self, item):
        return item.author_name
