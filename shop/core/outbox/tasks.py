"""Thin tasks: they take ids and call the outbox's services. Safe to run twice."""

from celery import shared_task

from shop.core.outbox import services


@shared_task(bind=True, max_retries=services.MAX_ATTEMPTS)
def send_email(self, email_id: int) -> None:
    try:
        services.send(email_id=email_id)
    except services.TryLater as later:
        raise self.retry(countdown=later.countdown) from None


@shared_task(soft_time_limit=600, time_limit=660)
def send_batch(email_ids: list[int]) -> None:
    services.send_batch(email_ids=email_ids)


@shared_task
def requeue_overdue() -> int:
    """Beat runs it every OUTBOX_REQUEUE_SECONDS."""
    return services.requeue_overdue()
