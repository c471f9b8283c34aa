from smtplib import SMTPException

from celery import shared_task

from blog import services


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def notify_staff_of_held_comment(comment_id: int) -> None:
    services.notify_staff_of_held_comment(comment_id=comment_id)
