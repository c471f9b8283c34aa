"""The comment thread under a post is cached as rendered HTML, under a version
key that changes whenever one of the post's comments is saved, moderated or
deleted: a new approved comment shows on the next page view. The thread cached
under the old version goes at once too: it may hold a name or website that was
just erased, or a comment just taken down."""

import uuid

from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from blog.models import Comment

# The rendered thread is kept this long at most (seconds); a change replaces it at once.
THREAD_CACHE_SECONDS = 24 * 60 * 60
# The name of the {% cache %} fragment in templates/blog/post_detail.html.
THREAD_FRAGMENT = "blog_comments"


def _version_key(post_id: int) -> str:
    return f"blog:comments-version:{post_id}"


def comments_version(post_id: int) -> str:
    return cache.get_or_set(_version_key(post_id), lambda: uuid.uuid4().hex, timeout=None)


def comments_changed(*post_ids: int) -> None:
    """Give the posts' threads new versions now, and again once the change is
    committed: a page view in between may have cached the thread as it was."""
    post_ids = set(post_ids)
    _forget_threads(post_ids)
    transaction.on_commit(lambda: _forget_threads(post_ids))


def _forget_threads(post_ids: set[int]) -> None:
    versions = cache.get_many([_version_key(pk) for pk in post_ids])
    threads = [
        make_template_fragment_key(THREAD_FRAGMENT, [pk, versions[_version_key(pk)]])
        for pk in post_ids
        if _version_key(pk) in versions
    ]
    cache.delete_many([_version_key(pk) for pk in post_ids] + threads)


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def _comment_changed(sender, instance: Comment, **kwargs) -> None:
    comments_changed(instance.post_id)
