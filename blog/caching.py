"""The comment thread under a post is cached as rendered HTML, under a version
key that changes whenever one of the post's comments is saved, moderated or
deleted: a new approved comment shows on the next page view."""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from blog.models import Comment

# The rendered thread is kept this long at most (seconds); a change replaces it at once.
THREAD_CACHE_SECONDS = 24 * 60 * 60


def _version_key(post_id: int) -> str:
    return f"blog:comments-version:{post_id}"


def comments_version(post_id: int) -> str:
    return cache.get_or_set(_version_key(post_id), lambda: uuid.uuid4().hex, timeout=None)


def comments_changed(*post_ids: int) -> None:
    """Give the posts' threads new versions now, and again once the change is
    committed: a page view in between may have cached the thread as it was."""
    keys = [_version_key(pk) for pk in set(post_ids)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def _comment_changed(sender, instance: Comment, **kwargs) -> None:
    comments_changed(instance.post_id)
