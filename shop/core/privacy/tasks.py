"""Thin tasks: they take ids and call a service. Each is safe to run twice."""

from celery import shared_task

from shop.core.privacy import services


@shared_task
def apply_retention() -> list[str]:
    """Clears IP addresses, old orders' personal fields and expired requests' addresses."""
    return services.retention_apply()
