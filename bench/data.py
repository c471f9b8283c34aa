"""The benchmark's data, on top of the site's own content (`load_site_content`):
50 approved comments on the article and 200 products in the wrap's category.

Run as `python -m bench.data` against the benchmark database only.
"""

import os
from datetime import timedelta

import django

N_COMMENTS = 50
N_PRODUCTS = 200


def load() -> str:
    import factory
    from django.db import transaction
    from django.utils import timezone

    from blog.content import ARTICLE_SLUG
    from blog.models import Post
    from tests.blog.factories import CommentFactory
    from tests.shop.factories import WrapLikeProductFactory

    with transaction.atomic():
        article = Post.objects.get(slug=ARTICLE_SLUG)
        start = timezone.now() - timedelta(days=N_COMMENTS)
        comments = CommentFactory.create_batch(
            N_COMMENTS,
            post=article,
            created=factory.Sequence(lambda n: start + timedelta(days=n)),
            body="Icing after long runs helped me too. Strength work on the glutes as well.",
        )
        products = WrapLikeProductFactory.create_batch(N_PRODUCTS - 1)
    return f"{len(comments)} approved comments on {article.slug}; {len(products) + 1} products"


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    django.setup()
    print(load())
