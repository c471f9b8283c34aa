from smtplib import SMTPException

from celery import shared_task


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    max_retries=8,
)
def send_order_confirmation(order_id: int) -> bool:
    from shop.checkout.services import send_order_confirmation_email

    return send_order_confirmation_email(order_id=order_id)


@shared_task
def settle_unsettled_payments(older_than_seconds: int = 60) -> int:
    """Place the orders of charges nobody finished (beat runs it every minute)."""
    from datetime import timedelta

    from shop.checkout.services import settle_unsettled_payments

    return settle_unsettled_payments(older_than=timedelta(seconds=older_than_seconds))
