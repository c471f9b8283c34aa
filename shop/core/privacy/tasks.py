"""Thin tasks: they take ids and call a service. Each is safe to run twice."""

from smtplib import SMTPException

from celery import shared_task

from shop.core.privacy import services


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    max_retries=8,
)
def send_request_link(request_id: int) -> bool:
    return services.request_link_send(request_id=request_id)


@shared_task
def requeue_links() -> int:
    return services.links_requeue()


@shared_task
def apply_retention() -> list[str]:
    """Clears IP addresses, old orders' personal fields and expired requests' addresses."""
    return services.retention_apply()
