"""Thin tasks: they take ids and call a service. Every one is safe to run twice."""

from celery import shared_task
from django.conf import settings

from newsletter import services

# Temporary SMTP refusals and broken connections are retried with exponential
# back-off and full jitter; permanent refusals are recorded by the service, not retried.
RETRY = {
    "autoretry_for": (services.TemporaryDeliveryError, OSError),
    "retry_backoff": settings.NEWSLETTER_RETRY_BACKOFF,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": services.Delivery.MAX_ATTEMPTS,
}


@shared_task(**RETRY)
def send_delivery(delivery_id: int) -> None:
    services.delivery_send(delivery_id=delivery_id)


@shared_task(**RETRY, soft_time_limit=600, time_limit=660)
def send_issue_batch(delivery_ids: list[int]) -> None:
    services.deliveries_send_batch(delivery_ids=delivery_ids)


@shared_task
def fan_out_issue(issue_id: int) -> None:
    services.issue_fan_out(issue_id=issue_id)


@shared_task
def requeue_unsent() -> None:
    services.deliveries_requeue()
