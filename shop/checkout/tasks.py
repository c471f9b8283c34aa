from celery import shared_task


@shared_task
def settle_unsettled_payments(older_than_seconds: int = 60) -> int:
    """Place the orders of charges nobody finished (beat runs it every minute)."""
    from datetime import timedelta

    from shop.checkout.services import settle_unsettled_payments

    return settle_unsettled_payments(older_than=timedelta(seconds=older_than_seconds))
