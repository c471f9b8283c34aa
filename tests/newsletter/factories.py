import factory

from newsletter.models import NewsletterIssue, Subscriber


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.com")


class NewsletterIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterIssue

    subject = "Five stretches for runners' hips"
    body = "Hello runners,\n\n1. Hip flexor stretch\n2. Pigeon pose\n\n**Stay well!**"


def confirmed_subscribers(count: int) -> list[Subscriber]:
    return [SubscriberFactory(status="confirmed") for _ in range(count)]


def bulk_confirmed(count: int) -> None:
    """Many confirmed subscribers at once (bulk_create skips save(), so normalise here)."""
    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"r{n}@example.com", email_normalised=f"r{n}@example.com", status="confirmed"
        )
        for n in range(count)
    )
