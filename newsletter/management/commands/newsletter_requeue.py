from datetime import timedelta

from django.core.management.base import BaseCommand

from newsletter.services import REQUEUE_AFTER, deliveries_requeue


class Command(BaseCommand):
    help = (
        "Queue again the newsletter emails that were never sent (the broker was down, a "
        "worker vanished). Safe to run at any time: each email is still sent once. "
        "Celery beat runs it every five minutes; cron can run this command instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(REQUEUE_AFTER.total_seconds() // 60),
            help="Only deliveries queued at least this many minutes ago (default: %(default)s).",
        )

    def handle(self, *args, older_than, **options):
        count = deliveries_requeue(older_than=timedelta(minutes=older_than))
        self.stdout.write(f"Queued {count} unsent email(s) again.")
