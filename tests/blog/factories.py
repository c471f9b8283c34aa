from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from blog.models import Comment, Post


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Sam"

    class Meta:
        model = get_user_model()


class PostFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Running advice {n}")
    slug = factory.Sequence(lambda n: f"running-advice-{n}")
    author = factory.SubFactory(UserFactory)
    status = Post.Status.PUBLISHED
    published_at = factory.Sequence(lambda n: timezone.now() - timedelta(days=1000 - n))
    excerpt = "Short advice."
    body = "Some **advice** for runners."

    class Meta:
        model = Post


class CommentFactory(factory.django.DjangoModelFactory):
    post = factory.SubFactory(PostFactory)
    author_name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    body = "Thanks, this helped."
    status = Comment.Status.APPROVED

    class Meta:
        model = Comment
